"""The Python KServe peer of `identity-transformer`: a kserve.Model whose preprocess and postprocess return their
input; the default predict forwards to --predictor_host over --predictor_protocol. Run with KServe's own flags.

Its best configuration, as the benchmark gives it: uvloop and sniffio installed (uvicorn picks uvloop with its
default loop "auto"), one worker process (KServe's default), no access log, no latency logging, no gRPC server.
Bound to 127.0.0.1 (KServe hard-codes 0.0.0.0; patched here so the benchmark stays on loopback).
"""

import sys

import uvicorn

_config_init = uvicorn.Config.__init__


def _loopback_config(self, *args, **kwargs):
    kwargs["host"] = "127.0.0.1"
    kwargs["access_log"] = False
    _config_init(self, *args, **kwargs)


uvicorn.Config.__init__ = _loopback_config

import kserve  # noqa: E402  (after the patch)
from kserve import model_server  # noqa: E402


class IdentityTransformer(kserve.Model):
    def __init__(self, name: str):
        super().__init__(name)
        self.ready = True

    async def preprocess(self, payload, headers=None):
        return payload

    async def postprocess(self, result, headers=None, response_headers=None):
        return result


if __name__ == "__main__":
    args = model_server.args
    names = args.model_name.split(",")
    kserve.ModelServer().start([IdentityTransformer(name) for name in names])
    sys.exit(0)
