"""The Python KServe peer of `echo-predictor`: a standalone kserve.Model `echo` answering v2 input i as
`output-<i>` with the same datatype, shape and data (v1: {"instances": X} -> {"predictions": X}).

Best configuration as for the transformer: uvloop + sniffio, one worker, no access log, no latency logging,
no gRPC server, bound to 127.0.0.1.
"""

import uvicorn

_config_init = uvicorn.Config.__init__


def _loopback_config(self, *args, **kwargs):
    kwargs["host"] = "127.0.0.1"
    kwargs["access_log"] = False
    _config_init(self, *args, **kwargs)


uvicorn.Config.__init__ = _loopback_config

import kserve  # noqa: E402
from kserve import InferOutput, InferRequest, InferResponse, model_server  # noqa: E402


class Echo(kserve.Model):
    def __init__(self, name: str):
        super().__init__(name)
        self.ready = True

    async def predict(self, payload, headers=None, response_headers=None):
        if isinstance(payload, InferRequest):
            outputs = [
                InferOutput(name=f"output-{i}", shape=list(t.shape), datatype=t.datatype, data=t.data)
                for i, t in enumerate(payload.inputs)
            ]
            return InferResponse(model_name=self.name, infer_outputs=outputs, response_id=payload.id)
        return {"predictions": payload["instances"]}


if __name__ == "__main__":
    args = model_server.args
    kserve.ModelServer().start([Echo(name) for name in args.model_name.split(",")])
