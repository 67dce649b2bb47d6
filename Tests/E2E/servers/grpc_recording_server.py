"""A gRPC v2 predictor (grpcio, tritonclient's generated stubs) that records the metadata of every call.

  python grpc_recording_server.py --port P --records FILE [--listen-on-signal]

ModelInfer: input i -> output `output-<i>`, same datatype and shape; raw inputs give raw outputs, typed contents
give typed contents. ServerLive / ServerReady / ModelReady: true. Each call appends one JSON line to FILE:
{"rpc": name, "metadata": [[key, value], ...], "peer": "ipv4:127.0.0.1:<port>", "model_name": ...}.
With --listen-on-signal the server starts listening only after SIGUSR1.
Faults by model name: `hang` never answers; `invalid`, `internal`, `unavailable`, `notfound` fail with that status
(messages "bad", "boom", "down", "no such model").
"""

import argparse
import json
import signal
import threading
import time
from concurrent import futures

import grpc
from tritonclient.grpc import service_pb2, service_pb2_grpc

FAULTS = {
    "invalid": (grpc.StatusCode.INVALID_ARGUMENT, "bad"),
    "internal": (grpc.StatusCode.INTERNAL, "boom"),
    "unavailable": (grpc.StatusCode.UNAVAILABLE, "down"),
    "notfound": (grpc.StatusCode.NOT_FOUND, "no such model"),
}
lock = threading.Lock()
RECORDS = None


def record(rpc, context, **extra):
    line = {"rpc": rpc, "metadata": [[k, v if isinstance(v, str) else v.decode("latin-1")]
                                     for k, v in context.invocation_metadata()],
            "peer": context.peer(), **extra}
    with lock, open(RECORDS, "a") as f:
        f.write(json.dumps(line) + "\n")


class Servicer(service_pb2_grpc.GRPCInferenceServiceServicer):
    def ServerLive(self, request, context):
        record("ServerLive", context)
        return service_pb2.ServerLiveResponse(live=True)

    def ServerReady(self, request, context):
        record("ServerReady", context)
        return service_pb2.ServerReadyResponse(ready=True)

    def ModelReady(self, request, context):
        record("ModelReady", context, model_name=request.name)
        return service_pb2.ModelReadyResponse(ready=True)

    def ModelInfer(self, request, context):
        record("ModelInfer", context, model_name=request.model_name, id=request.id)
        if request.model_name == "hang":
            while context.is_active():
                time.sleep(0.05)
            return service_pb2.ModelInferResponse()
        if request.model_name in FAULTS:
            code, message = FAULTS[request.model_name]
            context.abort(code, message)
        response = service_pb2.ModelInferResponse(model_name=request.model_name, id=request.id)
        for index, tensor in enumerate(request.inputs):
            output = response.outputs.add()
            output.name = f"output-{index}"
            output.datatype = tensor.datatype
            output.shape.extend(tensor.shape)
            if request.raw_input_contents:
                response.raw_output_contents.append(request.raw_input_contents[index])
            else:
                output.contents.CopyFrom(tensor.contents)
        return response


def main():
    global RECORDS
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--records", required=True)
    parser.add_argument("--listen-on-signal", action="store_true")
    args = parser.parse_args()
    RECORDS = args.records
    if args.listen_on_signal:
        go = threading.Event()
        signal.signal(signal.SIGUSR1, lambda *_: go.set())
        print("waiting for SIGUSR1", flush=True)
        while not go.wait(0.01):
            pass
    server = grpc.server(futures.ThreadPoolExecutor(max_workers=16))
    service_pb2_grpc.add_GRPCInferenceServiceServicer_to_server(Servicer(), server)
    server.add_insecure_port(f"127.0.0.1:{args.port}")
    server.start()
    print("listening on", args.port, flush=True)
    server.wait_for_termination()


if __name__ == "__main__":
    main()
