"""Header forwarding to the predictor (spec §9, Sources/Pipeline/Remote/ForwardedHeaders.swift): exactly
`x-request-id`, `x-b3-traceid`, `authorization`, `traceparent`, `tracestate` and the --predictor_forward_headers
allow-list arrive, with their values; `cookie`, `x-custom-header` and other incoming headers do not; `host` is the
predictor's own and `content-length` the length of the body the predictor gets. Over REST v1, REST v2 and gRPC
metadata, from the REST front and from the gRPC front."""

import json

import grpc
import pytest
from tritonclient.grpc import service_pb2, service_pb2_grpc

from conftest import HOST, RecordingServer, free_port, port_open, post, start_python_server, start_transformer

SENT = {
    "X-Request-ID": "req-123",
    "X-B3-TraceId": "80f198ee56343ba864fe8b2a57d3eff7",
    "Authorization": "Bearer secret-token",
    "traceparent": "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01",
    "tracestate": "congo=t61rcWkgMzE,rojo=00f067aa0ba902b7",
    "Cookie": "session=abc; theme=dark",
    "X-Custom-Header": "custom",
    "X-Tenant": "tenant-a",
    "X-Forwarded-For": "10.0.0.1",
    "User-Agent": "e2e-client/1.0",
}
STANDARD = ["x-request-id", "x-b3-traceid", "authorization", "traceparent", "tracestate"]
# What an HTTP client adds on its own, for its own request: allowed, but never copied from the incoming request.
HTTP_TRANSPORT = {"host", "content-length", "content-type", "accept", "user-agent", "inference-header-content-length",
                  "connection", "expect", "accept-encoding"}
GRPC_TRANSPORT = {"user-agent", "request_type", "response_type", "grpc-accept-encoding", "grpc-encoding", "te",
                  "content-type", "grpc-timeout"}


def expected(extra=("x-tenant",)):
    sent = {k.lower(): v for k, v in SENT.items()}
    return {name: sent[name] for name in STANDARD + list(extra)}


def v1_body():
    # Whitespace on purpose: the transformer re-encodes, so the incoming Content-Length is not the outgoing one.
    return json.dumps({"instances": [[1, 2, 3]]}, indent=8)


def v2_body():
    return json.dumps({"id": "h", "inputs": [{"name": "x", "shape": [2], "datatype": "INT32", "data": [1, 2]}]},
                      indent=8)


def check_http_headers(record, port, want):
    names = [name.lower() for name, _ in record["headers"]]
    assert len(names) == len(set(names)), f"a header was sent twice: {names}"
    got = {name.lower(): value for name, value in record["headers"]}
    forwarded = {k: v for k, v in got.items() if k not in HTTP_TRANSPORT}
    assert forwarded == want, f"all headers: {got}"
    assert got["host"] == f"{HOST}:{port}", got
    assert int(got["content-length"]) == record["body_length"], got
    assert got.get("user-agent") != SENT["User-Agent"], "the client's User-Agent was copied"
    for name in ("cookie", "x-custom-header", "x-forwarded-for"):
        assert name not in got


@pytest.fixture(scope="module")
def recorder():
    server = RecordingServer()
    yield server
    server.stop()


@pytest.mark.parametrize("protocol", ["v1", "v2"])
@pytest.mark.parametrize("allow_list", [True, False], ids=["allow-list", "no-allow-list"])
def test_rest_predictor_gets_exactly_the_forwarded_headers(recorder, protocol, allow_list):
    extra = ("--predictor_forward_headers", "x-tenant") if allow_list else ()
    with start_transformer(recorder.host, protocol, extra=extra) as transformer:
        recorder.reset()
        body = v1_body() if protocol == "v1" else v2_body()
        path = "/v1/models/echo:predict" if protocol == "v1" else "/v2/models/echo/infer"
        resp = post(transformer.http_port, path, body, {**SENT, "Content-Type": "application/json"})
        assert resp.status == 200, resp
        records = recorder.records()
        assert [r["path"] for r in records] == [path]
        check_http_headers(records[0], recorder.port, expected(("x-tenant",) if allow_list else ()))
        assert int(dict((k.lower(), v) for k, v in records[0]["headers"])["content-length"]) != len(body)


def test_grpc_front_metadata_reaches_a_rest_predictor(recorder):
    """gRPC metadata into the transformer becomes the same HTTP headers to a REST v2 predictor."""
    with start_transformer(recorder.host, "v2", extra=("--predictor_forward_headers", "x-tenant")) as transformer:
        recorder.reset()
        grpc_infer(transformer.grpc_port)
        records = recorder.records()
        assert [r["path"] for r in records] == ["/v2/models/echo/infer"]
        check_http_headers(records[0], recorder.port, expected())


def grpc_infer(port):
    request = service_pb2.ModelInferRequest(model_name="echo", id="g")
    tensor = request.inputs.add()
    tensor.name, tensor.datatype = "x", "INT32"
    tensor.shape.append(2)
    tensor.contents.int_contents.extend([1, 2])
    metadata = [(k.lower(), v) for k, v in SENT.items() if k != "User-Agent"]
    with grpc.insecure_channel(f"{HOST}:{port}") as channel:
        return service_pb2_grpc.GRPCInferenceServiceStub(channel).ModelInfer(request, metadata=metadata, timeout=30)


@pytest.fixture(scope="module")
def grpc_recorder(tmp_path_factory):
    port = free_port()
    records = tmp_path_factory.mktemp("grpc") / "records.jsonl"
    proc = start_python_server("grpc_recording_server.py", "--port", port, "--records", records,
                               ready=port_open(port))
    proc.port, proc.records_path = port, records

    def read():
        if not records.exists():
            return []
        return [json.loads(line) for line in records.read_text().splitlines()]

    proc.read = read
    yield proc
    proc.stop()


def check_grpc_metadata(record, want):
    keys = [k for k, _ in record["metadata"]]
    assert len(keys) == len(set(keys)), f"a key was sent twice: {keys}"
    got = dict(record["metadata"])
    forwarded = {k: v for k, v in got.items() if k not in GRPC_TRANSPORT}
    assert forwarded == want, f"all metadata: {got}"
    assert got.get("request_type") == "grpc_v2" and got.get("response_type") == "grpc_v2", got


@pytest.mark.parametrize("front", ["rest", "grpc"])
def test_grpc_predictor_gets_exactly_the_forwarded_metadata(grpc_recorder, front):
    with start_transformer(f"{HOST}:{grpc_recorder.port}", "grpc-v2",
                           extra=("--predictor_forward_headers", "x-tenant")) as transformer:
        before = len(grpc_recorder.read())
        if front == "rest":
            resp = post(transformer.http_port, "/v2/models/echo/infer", v2_body(),
                        {**SENT, "Content-Type": "application/json"})
            assert resp.status == 200, resp
        else:
            grpc_infer(transformer.grpc_port)
        calls = [r for r in grpc_recorder.read()[before:] if r["rpc"] == "ModelInfer"]
        assert len(calls) == 1, calls
        check_grpc_metadata(calls[0], expected())


@pytest.mark.parametrize("protocol", ["v1", "v2"])
def test_large_body_is_sent_without_expect_continue(recorder, protocol):
    """libcurl adds `Expect: 100-continue` to bodies over 1 MB (and then waits up to 1 s for the 100) unless the
    client sends an empty Expect header: a 2 MB request reaches the predictor without one."""
    with start_transformer(recorder.host, protocol) as transformer:
        recorder.reset()
        values = list(range(200_000))
        if protocol == "v1":
            path, body = "/v1/models/echo:predict", {"instances": values}
        else:
            path = "/v2/models/echo/infer"
            body = {"id": "big", "inputs": [{"name": "x", "shape": [len(values)], "datatype": "INT64", "data": values}]}
        resp = post(transformer.http_port, path, body)
        assert resp.status == 200, resp
        records = recorder.records()
        assert len(records) == 1 and records[0]["body_length"] > 1_000_000, [r["body_length"] for r in records]
        names = {name.lower() for name, _ in records[0]["headers"]}
        assert "expect" not in names, records[0]["headers"]
