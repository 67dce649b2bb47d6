"""--enable_predictor_health_check (spec §7.6, §2.3): the transformer's server readiness (/v2/health/ready, gRPC
ServerReady) and model readiness (/v1/models/<m>, /v2/models/<m>/ready, gRPC ModelReady) follow the predictor's:
up -> ready; down -> 5xx / false; up again -> ready again. Liveness never depends on the predictor. Without the flag,
server readiness does not ask the predictor."""

import time

import grpc
import pytest
from tritonclient.grpc import service_pb2, service_pb2_grpc

from conftest import HOST, free_port, http, start_echo_predictor, start_transformer


def grpc_ready(port, model=None):
    """True / False from ServerReady or ModelReady, or the status code name when the call fails."""
    with grpc.insecure_channel(f"{HOST}:{port}") as channel:
        stub = service_pb2_grpc.GRPCInferenceServiceStub(channel)
        try:
            if model is None:
                return stub.ServerReady(service_pb2.ServerReadyRequest(), timeout=10).ready
            return stub.ModelReady(service_pb2.ModelReadyRequest(name=model), timeout=10).ready
        except grpc.RpcError as e:
            return e.code().name


def readiness(transformer, model="echo"):
    return {
        "live": http("GET", transformer.http_port, "/v2/health/live").status,
        "server": http("GET", transformer.http_port, "/v2/health/ready").status,
        "v1_model": http("GET", transformer.http_port, f"/v1/models/{model}").status,
        "v2_model": http("GET", transformer.http_port, f"/v2/models/{model}/ready").status,
        "grpc_server": grpc_ready(transformer.grpc_port),
        "grpc_model": grpc_ready(transformer.grpc_port, model),
    }


UP = {"live": 200, "server": 200, "v1_model": 200, "v2_model": 200, "grpc_server": True, "grpc_model": True}


def assert_down(state):
    assert state["live"] == 200, state
    assert 500 <= state["server"] < 600, state
    assert state["v1_model"] == 503 and state["v2_model"] == 503, state
    assert state["grpc_server"] in (False, "UNAVAILABLE"), state
    assert state["grpc_model"] in (False, "UNAVAILABLE"), state


def eventually(check, timeout=10):
    deadline = time.monotonic() + timeout
    while True:
        state = check()
        if state == UP or time.monotonic() > deadline:
            return state
        time.sleep(0.2)


@pytest.mark.parametrize("protocol", ["v1", "v2", "grpc-v2"])
def test_readiness_follows_the_predictor(protocol):
    http_port, grpc_port = free_port(), free_port()
    predictor = start_echo_predictor(http_port=http_port, grpc_port=grpc_port)
    target = grpc_port if protocol == "grpc-v2" else http_port
    try:
        with start_transformer(f"{HOST}:{target}", protocol, extra=("--enable_predictor_health_check",)) as t:
            assert eventually(lambda: readiness(t)) == UP
            body = http("GET", t.http_port, "/v2/health/ready").json()
            assert body == {"ready": True}
            assert http("GET", t.http_port, "/v1/models/echo").json() == {"name": "echo", "ready": True}

            predictor.stop()
            state = readiness(t)
            assert_down(state)
            error = http("GET", t.http_port, "/v2/health/ready").json()
            assert "error" in error, error

            predictor = start_echo_predictor(http_port=http_port, grpc_port=grpc_port)
            assert eventually(lambda: readiness(t)) == UP
    finally:
        predictor.stop()


@pytest.mark.parametrize("protocol", ["v1", "v2", "grpc-v2"])
def test_model_unknown_to_the_predictor_is_not_ready(protocol):
    """The transformer serves `echo` and `other`; the predictor only `echo`."""
    with start_echo_predictor() as predictor:
        target = predictor.grpc_port if protocol == "grpc-v2" else predictor.http_port
        with start_transformer(f"{HOST}:{target}", protocol, model_name="echo,other",
                               extra=("--enable_predictor_health_check",)) as t:
            assert eventually(lambda: readiness(t)) == UP
            other = readiness(t, "other")
            assert other["server"] == 200, other
            assert other["v1_model"] == 503 and other["v2_model"] == 503, other
            assert other["grpc_model"] in (False, "UNAVAILABLE"), other


def test_without_the_flag_readiness_does_not_ask_the_predictor():
    port = free_port()  # nothing listens here
    with start_transformer(f"{HOST}:{port}", "v2") as t:
        assert readiness(t) == UP
