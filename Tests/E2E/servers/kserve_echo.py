"""The Python KServe predictor of the end-to-end tests: a `kserve.Model` named `echo` (or --model_name).

  python kserve_echo.py --http_port P --grpc_port G [--model_name echo]

v1: {"instances": X} -> {"predictions": X}.
v2 REST / gRPC: input i -> output `output-<i>` with the same datatype, shape and values. Requested outputs and
their `binary_data` flags (and `binary_data_output`) are honoured by KServe's InferResponse; over gRPC raw inputs
give raw outputs and typed inputs typed outputs (KServe's rule).

Limits of KServe 0.21 itself (not of this server): non-UTF-8 BYTES cannot arrive in a binary REST request
(InferRequest.from_bytes: `Failed to encode ... using UTF-8`) nor leave in typed gRPC contents.
"""

import argparse

from kserve import InferOutput, InferRequest, InferResponse, Model, ModelServer, model_server


class EchoModel(Model):
    def __init__(self, name):
        super().__init__(name)
        self.ready = True

    def predict(self, payload, headers=None):
        if isinstance(payload, InferRequest):
            # REST: numpy data, which KServe's InferResponse.to_rest encodes as the request asks (JSON or binary,
            # per requested output or `binary_data_output`). gRPC (to_grpc cannot take numpy data): raw contents for
            # raw inputs, typed contents for typed inputs (KServe's `use_binary_outputs` rule).
            outputs = []
            for index, tensor in enumerate(payload.inputs):
                data = tensor.as_numpy()
                output = InferOutput(name=f"output-{index}", shape=list(tensor.shape), datatype=tensor.datatype, data=data)
                if payload.from_grpc:
                    output.set_data_from_numpy(data, binary_data=payload.use_binary_outputs)
                outputs.append(output)
            return InferResponse(
                model_name=self.name,
                infer_outputs=outputs,
                response_id=payload.id,
                use_binary_outputs=payload.use_binary_outputs,
                requested_outputs=payload.request_outputs,
            )
        if isinstance(payload, dict) and "instances" in payload:
            return {"predictions": payload["instances"]}
        return payload


if __name__ == "__main__":
    parser = argparse.ArgumentParser(parents=[model_server.parser])
    args, _ = parser.parse_known_args()
    # KServe's default --model_name is "model"; this server's is "echo".
    names = ["echo"] if args.model_name == "model" else [n for n in args.model_name.split(",") if n]
    ModelServer(http_port=args.http_port, grpc_port=args.grpc_port, workers=1).start(
        [EchoModel(name) for name in names]
    )
