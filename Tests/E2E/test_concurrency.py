"""1,000 concurrent requests through the transformer (1,000 client connections at once, two requests each over
keep-alive) all succeed with their own answer, and the predictor never sees more TCP connections than
--predictor_max_connections (the recording server counts the client ports it sees and the most connections open at
once)."""

import asyncio
import json
import time

import grpc
import pytest
from tritonclient.grpc import service_pb2, service_pb2_grpc

from conftest import HOST, RecordingServer, free_port, port_open, start_python_server, start_transformer

CLIENTS = 1000
REQUESTS_PER_CLIENT = 2
MAX_CONNECTIONS = 8


async def read_response(reader):
    status_line = await reader.readline()
    if not status_line:
        raise ConnectionError("connection closed before the response")
    status = int(status_line.split()[1])
    length = None
    while True:
        line = await reader.readline()
        if line in (b"\r\n", b""):
            break
        name, _, value = line.decode("latin-1").partition(":")
        if name.strip().lower() == "content-length":
            length = int(value.strip())
    assert length is not None, "no content-length"
    return status, await reader.readexactly(length)


async def client(port, index, protocol, start, errors):
    await start.wait()
    try:
        reader, writer = await asyncio.open_connection(HOST, port)
    except OSError as e:
        errors.append(f"client {index}: connect: {e}")
        return 0
    done = 0
    try:
        for k in range(REQUESTS_PER_CLIENT):
            value = index * 10 + k
            if protocol == "v1":
                path, payload = "/v1/models/echo:predict", {"instances": [value]}
            else:
                path = "/v2/models/echo/infer"
                payload = {"id": f"c{value}", "inputs": [{"name": "x", "shape": [1], "datatype": "INT64", "data": [value]}]}
            body = json.dumps(payload).encode()
            writer.write(f"POST {path} HTTP/1.1\r\nHost: {HOST}:{port}\r\nContent-Type: application/json\r\n"
                         f"Content-Length: {len(body)}\r\n\r\n".encode() + body)
            await writer.drain()
            status, data = await read_response(reader)
            if status != 200:
                errors.append(f"client {index} request {k}: {status} {data[:200]!r}")
                continue
            answer = json.loads(data)
            got = answer["predictions"] if protocol == "v1" else answer["outputs"][0]["data"]
            if got != [value] or (protocol != "v1" and answer["id"] != f"c{value}"):
                errors.append(f"client {index} request {k}: wrong answer {answer}")
                continue
            done += 1
    except (OSError, asyncio.IncompleteReadError, ValueError) as e:
        errors.append(f"client {index}: {type(e).__name__}: {e}")
    finally:
        writer.close()
    return done


async def run_clients(port, protocol):
    start = asyncio.Event()
    errors = []
    tasks = [asyncio.create_task(client(port, i, protocol, start, errors)) for i in range(CLIENTS)]
    await asyncio.sleep(0.1)
    start.set()
    done = await asyncio.wait_for(asyncio.gather(*tasks), timeout=300)
    return sum(done), errors


def hammer(port, protocol):
    began = time.monotonic()
    done, errors = asyncio.run(run_clients(port, protocol))
    elapsed = time.monotonic() - began
    assert not errors, f"{len(errors)} errors, e.g. {errors[:5]}"
    assert done == CLIENTS * REQUESTS_PER_CLIENT
    return elapsed


@pytest.mark.parametrize("protocol", ["v1", "v2"])
def test_thousand_concurrent_requests_within_the_connection_pool(protocol):
    recorder = RecordingServer(delay=0.002)
    try:
        with start_transformer(recorder.host, protocol,
                               extra=("--predictor_max_connections", MAX_CONNECTIONS)) as transformer:
            hammer(transformer.http_port, protocol)
            records = recorder.records()
            assert len(records) == CLIENTS * REQUESTS_PER_CLIENT
            # Each TCP connection to the predictor has its own client port.
            ports = {r["client_port"] for r in records}
            assert len(ports) <= MAX_CONNECTIONS, f"{len(ports)} predictor connections, pool {MAX_CONNECTIONS}"
            assert transformer.alive()
    finally:
        recorder.stop()


def test_thousand_concurrent_requests_to_a_grpc_predictor(tmp_path):
    """The same load to a gRPC predictor: everything answered, over very few HTTP/2 connections."""
    port = free_port()
    records = tmp_path / "records.jsonl"
    with start_python_server("grpc_recording_server.py", "--port", port, "--records", records,
                             ready=port_open(port)), \
            start_transformer(f"{HOST}:{port}", "grpc-v2") as transformer:
        hammer(transformer.http_port, "v2")
        calls = [json.loads(line) for line in records.read_text().splitlines()]
        infers = [c for c in calls if c["rpc"] == "ModelInfer"]
        assert len(infers) == CLIENTS * REQUESTS_PER_CLIENT
        peers = {c["peer"] for c in infers}
        assert len(peers) <= 2, f"{len(peers)} gRPC connections: {sorted(peers)[:10]}"


def test_transformer_grpc_front_under_load():
    """1,000 concurrent gRPC calls into the transformer (REST v2 predictor behind it)."""
    recorder = RecordingServer()
    try:
        with start_transformer(recorder.host, "v2",
                               extra=("--predictor_max_connections", MAX_CONNECTIONS)) as transformer:
            with grpc.insecure_channel(f"{HOST}:{transformer.grpc_port}") as channel:
                stub = service_pb2_grpc.GRPCInferenceServiceStub(channel)
                futures = []
                for i in range(CLIENTS):
                    request = service_pb2.ModelInferRequest(model_name="echo", id=f"g{i}")
                    tensor = request.inputs.add()
                    tensor.name, tensor.datatype = "x", "INT64"
                    tensor.shape.append(1)
                    tensor.contents.int64_contents.append(i)
                    futures.append((i, stub.ModelInfer.future(request, timeout=120)))
                errors = []
                for i, future in futures:
                    try:
                        response = future.result()
                        if response.id != f"g{i}" or list(response.outputs[0].contents.int64_contents) != [i]:
                            errors.append(f"call {i}: wrong answer {response}")
                    except grpc.RpcError as e:
                        errors.append(f"call {i}: {e.code()} {e.details()}")
                assert not errors, f"{len(errors)} errors, e.g. {errors[:5]}"
            ports = {r["client_port"] for r in recorder.records()}
            assert len(ports) <= MAX_CONNECTIONS
    finally:
        recorder.stop()
