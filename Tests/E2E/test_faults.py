"""Predictor faults and the transformer's answers (Sources/Pipeline/Remote/RESTPredictor.swift, GRPCPredictor.swift):
a predictor 4xx is passed on with its status and `error` text; a 5xx, invalid JSON, a truncated body, a reset
connection or a refused connection become 502 naming the predictor; a timeout becomes 504, on time; each with an
`{"error": ...}` body, and the next good request through the same transformer succeeds. Retries
(--predictor_request_retries) cover a predictor that comes up shortly after the first attempt.
On the transformer's gRPC front the same faults give the matching gRPC codes."""

import os
import signal
import tempfile
import threading
import time

import grpc
import pytest
from tritonclient.grpc import service_pb2, service_pb2_grpc

from conftest import (HOST, assert_error, free_port, port_open, post, start_echo_predictor, start_python_server,
                      start_transformer)

MODES = ["ok", "hang", "bad400", "err500", "badjson", "truncated", "reset", "slowok"]
TIMEOUT = 1  # --predictor_request_timeout_seconds


def path(protocol, model):
    return f"/v1/models/{model}:predict" if protocol == "v1" else f"/v2/models/{model}/infer"


def body(protocol, value=7):
    if protocol == "v1":
        return {"instances": [value]}
    return {"id": f"r{value}", "inputs": [{"name": "x", "shape": [1], "datatype": "INT32", "data": [value]}]}


def predictor_url(port, protocol, model):
    return f"http://{HOST}:{port}{path(protocol, model)}"


@pytest.fixture(scope="module")
def fault_server():
    port = free_port()
    proc = start_python_server("fault_server.py", "--port", port, ready=port_open(port))
    proc.port = port
    yield proc
    proc.stop()


@pytest.fixture(scope="module", params=["v1", "v2"])
def faulty(request, fault_server):
    """A transformer serving one model per fault mode, in front of the fault server."""
    transformer = start_transformer(
        f"{HOST}:{fault_server.port}", request.param, model_name=",".join(MODES),
        extra=("--predictor_request_timeout_seconds", TIMEOUT))
    transformer.protocol = request.param
    transformer.predictor_port = fault_server.port
    yield transformer
    transformer.stop()


def assert_good_request_works(transformer, protocol=None, value=11):
    protocol = protocol or transformer.protocol
    resp = post(transformer.http_port, path(protocol, "ok"), body(protocol, value))
    assert resp.status == 200, f"the next good request failed: {resp!r}"
    if protocol == "v1":
        assert resp.json() == {"predictions": [value]}
    else:
        assert resp.json()["outputs"][0]["data"] == [value]
    assert transformer.alive()


def test_good_request(faulty):
    assert_good_request_works(faulty)


def test_predictor_400_is_passed_on(faulty):
    resp = post(faulty.http_port, path(faulty.protocol, "bad400"), body(faulty.protocol))
    assert resp.status == 400, resp
    assert resp.json() == {"error": "bad"}
    assert_good_request_works(faulty)


def test_predictor_500_becomes_502(faulty):
    resp = post(faulty.http_port, path(faulty.protocol, "err500"), body(faulty.protocol))
    message = assert_error(resp, 502, predictor_url(faulty.predictor_port, faulty.protocol, "err500"))
    assert "boom" in message
    assert_good_request_works(faulty)


def test_invalid_json_becomes_502(faulty):
    resp = post(faulty.http_port, path(faulty.protocol, "badjson"), body(faulty.protocol))
    assert_error(resp, 502, predictor_url(faulty.predictor_port, faulty.protocol, "badjson"))
    assert_good_request_works(faulty)


def test_truncated_body_becomes_502(faulty):
    resp = post(faulty.http_port, path(faulty.protocol, "truncated"), body(faulty.protocol))
    assert_error(resp, 502, predictor_url(faulty.predictor_port, faulty.protocol, "truncated"))
    assert_good_request_works(faulty)


def test_connection_reset_becomes_502(faulty):
    resp = post(faulty.http_port, path(faulty.protocol, "reset"), body(faulty.protocol))
    assert_error(resp, 502, predictor_url(faulty.predictor_port, faulty.protocol, "reset"))
    assert_good_request_works(faulty)


def test_timeout_becomes_504_on_time(faulty):
    resp = post(faulty.http_port, path(faulty.protocol, "hang"), body(faulty.protocol), timeout=10)
    assert_error(resp, 504, predictor_url(faulty.predictor_port, faulty.protocol, "hang"))
    assert TIMEOUT * 0.9 <= resp.elapsed <= TIMEOUT * 1.1, f"504 after {resp.elapsed:.3f} s, timeout {TIMEOUT} s"
    assert_good_request_works(faulty)


def test_slow_answer_within_the_timeout_succeeds(faulty):
    resp = post(faulty.http_port, path(faulty.protocol, "slowok"), body(faulty.protocol, 5))
    assert resp.status == 200, resp


def test_several_faults_at_once_then_good(faulty):
    """All faults concurrently; each gets its own status, and good requests still work afterwards."""
    expected = {"bad400": 400, "err500": 502, "badjson": 502, "truncated": 502, "reset": 502, "hang": 504, "ok": 200}
    results = {}

    def call(mode):
        results[mode] = post(faulty.http_port, path(faulty.protocol, mode), body(faulty.protocol), timeout=10).status

    threads = [threading.Thread(target=call, args=(mode,)) for mode in expected]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert results == expected
    for value in range(5):
        assert_good_request_works(faulty, value=value)


# --- predictor down --------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("protocol", ["v1", "v2"])
def test_predictor_down_then_up(protocol):
    port, grpc_port = free_port(), free_port()
    with start_transformer(f"{HOST}:{port}", protocol) as transformer:
        resp = post(transformer.http_port, path(protocol, "echo"), body(protocol))
        assert_error(resp, 502, predictor_url(port, protocol, "echo"))
        assert resp.elapsed < 2, f"refused connection answered after {resp.elapsed:.3f} s"
        with start_echo_predictor(http_port=port, grpc_port=grpc_port):
            resp = post(transformer.http_port, path(protocol, "echo"), body(protocol, 3))
            assert resp.status == 200, resp


def test_grpc_predictor_down_then_up():
    port, http_port = free_port(), free_port()
    with start_transformer(f"{HOST}:{port}", "grpc-v2") as transformer:
        resp = post(transformer.http_port, path("v2", "echo"), body("v2"))
        assert_error(resp, 502, f"{HOST}:{port}")
        with start_echo_predictor(http_port=http_port, grpc_port=port):
            deadline = time.monotonic() + 10
            while True:  # the gRPC channel reconnects with its own backoff
                resp = post(transformer.http_port, path("v2", "echo"), body("v2", 3))
                if resp.status == 200 or time.monotonic() > deadline:
                    break
                time.sleep(0.2)
            assert resp.status == 200, resp


# --- retries -----------------------------------------------------------------------------------------------------------


def delayed_predictor_request(transformer, protocol, predictor, delay=0.2):
    """Sends a request, starts the predictor's listening `delay` seconds later, returns the response."""
    result = {}

    def call():
        result["resp"] = post(transformer.http_port, path(protocol, "ok"), body(protocol, 9), timeout=30)

    thread = threading.Thread(target=call)
    thread.start()
    time.sleep(delay)
    predictor.signal(signal.SIGUSR1)
    thread.join()
    return result["resp"]


@pytest.mark.parametrize("protocol", ["v1", "v2"])
def test_retries_reach_a_predictor_that_comes_up_late(protocol):
    port = free_port()
    with start_python_server("fault_server.py", "--port", port, "--listen-on-signal",
                             ready_log="waiting for SIGUSR1") as predictor, \
            start_transformer(f"{HOST}:{port}", protocol, model_name="ok",
                              extra=("--predictor_request_retries", "4")) as transformer:
        # Attempts at about 0, 0.1, 0.3, 0.7 and 1.5 s; the predictor listens from 0.2 s (plus however long Python
        # takes to react to the signal on a loaded machine: with 2 retries, 0.3 s was sometimes too early).
        resp = delayed_predictor_request(transformer, protocol, predictor)
        assert resp.status == 200, resp


def test_without_retries_a_late_predictor_is_a_502():
    port = free_port()
    with start_python_server("fault_server.py", "--port", port, "--listen-on-signal",
                             ready_log="waiting for SIGUSR1") as predictor, \
            start_transformer(f"{HOST}:{port}", "v1", model_name="ok") as transformer:
        resp = delayed_predictor_request(transformer, "v1", predictor)
        assert_error(resp, 502, predictor_url(port, "v1", "ok"))


def test_retries_are_not_used_for_http_errors(fault_server):
    """A 500 is not retried: the predictor sees exactly one request."""
    with start_transformer(f"{HOST}:{fault_server.port}", "v1", model_name="err500",
                           extra=("--predictor_request_retries", "3")) as transformer:
        before = fault_server.log_text().count("/v1/models/err500:predict")
        assert post(transformer.http_port, path("v1", "err500"), body("v1")).status == 502
        time.sleep(0.2)
        assert fault_server.log_text().count("/v1/models/err500:predict") == before + 1


# --- gRPC predictor ---------------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def grpc_faulty():
    port = free_port()
    records = tempfile.NamedTemporaryFile(prefix="e2e-grpc-", suffix=".jsonl", delete=False).name
    predictor = start_python_server("grpc_recording_server.py", "--port", port, "--records", records,
                                    ready=port_open(port))
    transformer = start_transformer(f"{HOST}:{port}", "grpc-v2", model_name="ok,hang,invalid,internal,notfound",
                                    extra=("--predictor_request_timeout_seconds", TIMEOUT))
    transformer.predictor_port = port
    yield transformer
    transformer.stop()
    predictor.stop()
    os.unlink(records)


@pytest.mark.parametrize("model,status,fragment", [
    ("invalid", 400, "bad"), ("internal", 502, "boom"), ("notfound", 404, "no such model")])
def test_grpc_predictor_errors(grpc_faulty, model, status, fragment):
    resp = post(grpc_faulty.http_port, path("v2", model), body("v2"))
    assert_error(resp, status, fragment)
    assert_good_request_works(grpc_faulty, "v2")


def test_grpc_predictor_timeout_is_504_on_time(grpc_faulty):
    resp = post(grpc_faulty.http_port, path("v2", "hang"), body("v2"), timeout=10)
    assert_error(resp, 504, f"{HOST}:{grpc_faulty.predictor_port}")
    assert TIMEOUT * 0.9 <= resp.elapsed <= TIMEOUT * 1.1, f"504 after {resp.elapsed:.3f} s, timeout {TIMEOUT} s"
    assert_good_request_works(grpc_faulty, "v2")


def test_grpc_retries_reach_a_predictor_that_comes_up_late(tmp_path):
    port = free_port()
    with start_python_server("grpc_recording_server.py", "--port", port, "--records", tmp_path / "r.jsonl",
                             "--listen-on-signal",
                             ready_log="waiting for SIGUSR1") as predictor, \
            start_transformer(f"{HOST}:{port}", "grpc-v2", model_name="ok",
                              extra=("--predictor_request_retries", "4")) as transformer:
        # As for REST: attempts at about 0, 0.1, 0.3, 0.7 and 1.5 s. The channel's own reconnects follow the same
        # schedule, and an attempt made while the channel is still in transient failure fails at once; with 2 retries
        # the last attempt (0.3 s) raced the predictor's start on a loaded CI machine and lost.
        resp = delayed_predictor_request(transformer, "v2", predictor)
        assert resp.status == 200, resp


# --- the gRPC front of the transformer ---------------------------------------------------------------------------------


def grpc_front_infer(transformer, model):
    request = service_pb2.ModelInferRequest(model_name=model, id="g")
    tensor = request.inputs.add()
    tensor.name, tensor.datatype = "x", "INT32"
    tensor.shape.append(1)
    tensor.contents.int_contents.append(1)
    with grpc.insecure_channel(f"{HOST}:{transformer.grpc_port}") as channel:
        stub = service_pb2_grpc.GRPCInferenceServiceStub(channel)
        start = time.monotonic()
        try:
            stub.ModelInfer(request, timeout=10)
            return grpc.StatusCode.OK, "", time.monotonic() - start
        except grpc.RpcError as e:
            return e.code(), e.details(), time.monotonic() - start


@pytest.fixture(scope="module")
def grpc_front(fault_server):
    """A transformer whose predictor speaks REST v2 (the fault server), called over its gRPC front."""
    transformer = start_transformer(f"{HOST}:{fault_server.port}", "v2", model_name=",".join(MODES),
                                    extra=("--predictor_request_timeout_seconds", TIMEOUT))
    yield transformer
    transformer.stop()


@pytest.mark.parametrize("model,code", [
    ("ok", grpc.StatusCode.OK), ("bad400", grpc.StatusCode.INVALID_ARGUMENT),
    ("err500", grpc.StatusCode.UNAVAILABLE), ("badjson", grpc.StatusCode.UNAVAILABLE),
    ("truncated", grpc.StatusCode.UNAVAILABLE), ("reset", grpc.StatusCode.UNAVAILABLE),
    ("hang", grpc.StatusCode.DEADLINE_EXCEEDED)])
def test_grpc_front_codes(grpc_front, model, code):
    """gRPC into a transformer whose predictor speaks REST v2 and misbehaves: the matching gRPC codes."""
    got, details, elapsed = grpc_front_infer(grpc_front, model)
    assert got == code, f"{got}: {details}"
    if model == "bad400":
        assert details == "bad"
    if model == "hang":
        assert TIMEOUT * 0.9 <= elapsed <= TIMEOUT * 1.1, f"after {elapsed:.3f} s"
    assert grpc_front_infer(grpc_front, "ok")[0] == grpc.StatusCode.OK
