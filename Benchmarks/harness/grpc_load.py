"""gRPC load generator for the benchmark (Debian has no ghz): asyncio (grpc.aio), N concurrent unary ModelInfer
calls spread over a few channels (HTTP/2 connections), each call re-sending one pre-serialised request, for a fixed
duration. Prints one line "BENCHJSON {...}" like the wrk script: requests, errors, latency percentiles (µs).

It is Python, so it is usually the bottleneck of its row; the harness measures its CPU and reports it.

    grpc_load.py --target 127.0.0.1:PORT --request FILE --concurrency N --duration S [--channels C] [--check]
--check sends one request, decodes the answer and prints it (verification before the row).
"""

import argparse
import asyncio
import json
import sys
import time

import grpc
from kserve.protocol.grpc import grpc_predict_v2_pb2 as pb

METHOD = "/inference.GRPCInferenceService/ModelInfer"
OPTIONS = [("grpc.max_receive_message_length", 64 << 20), ("grpc.max_send_message_length", 64 << 20)]


async def check(target, body):
    async with grpc.aio.insecure_channel(target, options=OPTIONS) as channel:
        call = channel.unary_unary(METHOD, request_serializer=None, response_deserializer=pb.ModelInferResponse.FromString)
        response = await call(body, timeout=30)
        outputs = [(o.name, o.datatype, list(o.shape)) for o in response.outputs]
        raw = [len(r) for r in response.raw_output_contents]
        print(json.dumps({"model_name": response.model_name, "outputs": outputs, "raw_output_bytes": raw,
                          "fp32_count": sum(len(o.contents.fp32_contents) for o in response.outputs)}))


async def load(target, body, concurrency, duration, channels):
    chans = [grpc.aio.insecure_channel(target, options=OPTIONS) for _ in range(channels)]
    calls = [c.unary_unary(METHOD, request_serializer=None, response_deserializer=None) for c in chans]
    for c in chans:
        await c.channel_ready()
    latencies = []
    errors = 0
    end = time.perf_counter() + duration
    start = time.perf_counter()

    async def worker(call):
        nonlocal errors
        clock = time.perf_counter
        while True:
            t0 = clock()
            if t0 >= end:
                return
            try:
                await call(body, timeout=30)
                latencies.append(clock() - t0)
            except grpc.aio.AioRpcError:
                errors += 1

    await asyncio.gather(*(worker(calls[i % channels]) for i in range(concurrency)))
    elapsed = time.perf_counter() - start
    for c in chans:
        await c.close()
    latencies.sort()

    def pct(p):
        if not latencies:
            return 0
        return int(latencies[min(len(latencies) - 1, int(len(latencies) * p / 100))] * 1e6)

    print("BENCHJSON " + json.dumps({
        "requests": len(latencies) + errors, "duration_us": int(elapsed * 1e6), "bytes": 0, "connect": 0, "read": 0,
        "write": 0, "status": errors, "timeout": 0, "p50_us": pct(50), "p90_us": pct(90), "p99_us": pct(99),
        "max_us": int(latencies[-1] * 1e6) if latencies else 0,
        "mean_us": (sum(latencies) / len(latencies) * 1e6) if latencies else 0}))


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--target", required=True)
    parser.add_argument("--request", required=True, help="a serialised ModelInferRequest")
    parser.add_argument("--concurrency", type=int, default=16)
    parser.add_argument("--duration", type=float, default=10)
    parser.add_argument("--channels", type=int, default=2)
    parser.add_argument("--check", action="store_true")
    args = parser.parse_args()
    with open(args.request, "rb") as f:
        body = f.read()
    if args.check:
        asyncio.run(check(args.target, body))
    else:
        asyncio.run(load(args.target, body, args.concurrency, args.duration, min(args.channels, args.concurrency)))


if __name__ == "__main__":
    sys.exit(main())
