"""The kserve Python SDK's own clients (InferenceRESTClient v1 / v2, InferenceGRPCClient) against echo-predictor.

This is what a KServe transformer uses to call its predictor, so it is the client a drop-in replacement must
satisfy first. Runs in its own process: kserve and tritonclient.grpc cannot share one.
"""

import asyncio

import grpc
import httpx
import numpy as np
import pytest
from kserve import InferenceGRPCClient, InferenceRESTClient, InferInput, InferRequest, RESTConfig
from kserve.protocol.grpc import grpc_predict_v2_pb2 as pb
from kserve.protocol.grpc import grpc_predict_v2_pb2_grpc as pb_grpc
from kserve.protocol.infer_type import RequestedOutput

from conftest import GRPC_PORT, HOST, HTTP_PORT, EchoServer, assert_good_request_works, request, json_body

BASE = f"http://{HOST}:{HTTP_PORT}"
GRPC_URL = f"{HOST}:{GRPC_PORT}"


def run(coro):
    return asyncio.run(coro)


async def rest(protocol, call):
    async with InferenceRESTClient(RESTConfig(protocol=protocol, retries=0, timeout=30)) as c:
        return await call(c)


async def grpc_call(call):
    async with InferenceGRPCClient(GRPC_URL, timeout=30, retries=0) as c:
        return await call(c)


SAMPLES = {
    "BOOL": np.array([[True, False, True]], dtype=bool),
    "INT8": np.array([[-128, 127, 0]], dtype=np.int8),
    "INT16": np.array([[-32768, 32767, 0]], dtype=np.int16),
    "INT32": np.array([[-2**31, 2**31 - 1, 0]], dtype=np.int32),
    "INT64": np.array([[-2**63, 2**63 - 1, 0]], dtype=np.int64),
    "UINT8": np.array([[0, 255, 1]], dtype=np.uint8),
    "UINT16": np.array([[0, 65535, 1]], dtype=np.uint16),
    "UINT32": np.array([[0, 2**32 - 1, 1]], dtype=np.uint32),
    "UINT64": np.array([[0, 2**64 - 1, 1]], dtype=np.uint64),
    "FP16": np.array([[1.0, -2.5, 65504.0]], dtype=np.float16),
    "FP32": np.array([[6.8, -2.8, 1e-38]], dtype=np.float32),
    "FP64": np.array([[0.1, -1e308, 2.5e-300]], dtype=np.float64),
    "BYTES": np.array([[b"cat", b"", "d\u00f6g".encode()]], dtype=np.object_),
}


def make_request(datatype, binary, request_id="k-1", **kwargs):
    array = SAMPLES[datatype]
    inp = InferInput("in", list(array.shape), datatype)
    inp.set_data_from_numpy(array, binary_data=binary)
    return array, InferRequest("echo", [inp], request_id=request_id, **kwargs)


def assert_same(got, expected, datatype):
    assert list(got.shape) == list(expected.shape)
    if datatype == "BYTES":
        norm = [x.encode() if isinstance(x, str) else bytes(x) for x in got.flatten()]
        assert norm == [bytes(x) for x in expected.flatten()]
    else:
        assert got.dtype == expected.dtype, (got.dtype, expected.dtype)
        assert got.tobytes() == expected.tobytes(), (got, expected)


# --- REST v1 -------------------------------------------------------------------------------------------------------

def test_rest_v1_predict():
    out = run(rest("v1", lambda c: c.infer(BASE, {"instances": [[1, 2], [3, 4]]}, model_name="echo")))
    assert out == {"predictions": [[1, 2], [3, 4]]}


def test_rest_v1_model_ready_and_live():
    assert run(rest("v1", lambda c: c.is_model_ready(BASE, "echo"))) is True
    assert run(rest("v1", lambda c: c.is_server_live(BASE))) is True


def test_rest_v1_unknown_model_error_text():
    with pytest.raises(httpx.HTTPStatusError) as e:
        run(rest("v1", lambda c: c.infer(BASE, {"instances": [1]}, model_name="nope")))
    assert e.value.response.status_code == 404
    # The client copies the server's {"error": ...} into its message only when content-type is exactly
    # application/json: a transformer's error text depends on it.
    assert str(e.value).startswith("Model with name nope does not exist., '404 Not Found'"), str(e.value)


# --- REST v2 -------------------------------------------------------------------------------------------------------

V2_CASES = [
    pytest.param(d, b, o, id=f"{d}-{'in_binary' if b else 'in_json'}-out_{o}")
    for d in SAMPLES
    for b in (True, False)
    for o in ("json", "binary_all", "binary_requested")
    if not (d == "FP16" and (not b or o == "json"))
]


@pytest.mark.parametrize("datatype,binary,out_mode", V2_CASES)
def test_rest_v2_infer(datatype, binary, out_mode):
    kwargs = {}
    if out_mode == "binary_all":
        kwargs["parameters"] = {"binary_data_output": True}
    elif out_mode == "binary_requested":
        kwargs["request_outputs"] = [RequestedOutput("output-0", {"binary_data": True})]
    array, req = make_request(datatype, binary, **kwargs)
    headers = {}
    res = run(rest("v2", lambda c: c.infer(BASE, req, model_name="echo", response_headers=headers)))
    assert res.model_name == "echo"
    assert res.id == "k-1"
    assert [o.name for o in res.outputs] == ["output-0"]
    out = res.outputs[0]
    assert out.datatype == datatype
    assert out.shape == list(array.shape)
    if out_mode == "json":
        assert "inference-header-content-length" not in headers
    else:
        # One output, so the header means it came binary (the SDK drops binary_data_size once it decodes it).
        assert int(headers["inference-header-content-length"]) > 0
    assert_same(out.as_numpy(), array, datatype)


def test_rest_v2_health():
    assert run(rest("v2", lambda c: c.is_server_ready(BASE))) is True
    assert run(rest("v2", lambda c: c.is_server_live(BASE))) is True
    assert run(rest("v2", lambda c: c.is_model_ready(BASE, "echo"))) is True
    assert run(rest("v2", lambda c: c.is_model_ready(BASE, "nope"))) is False


def test_rest_v2_fp16_json_rejected_client_side_and_server_side():
    # The SDK refuses FP16 JSON itself; send the same body by hand to see the server's answer.
    status, headers, data = request(
        "POST", "/v2/models/echo/infer",
        '{"inputs":[{"name":"in","shape":[1],"datatype":"FP16","data":[1.0]}]}',
        {"Content-Type": "application/json"})
    assert status == 400
    assert json_body(data) == {"error": "Sending FP16 data via JSON is not supported. Please use the binary data "
                                        "format for input in"}


# --- gRPC ----------------------------------------------------------------------------------------------------------

GRPC_CASES = [pytest.param(d, raw, id=f"{d}-{'raw' if raw else 'typed'}")
              for d in SAMPLES for raw in (True, False) if not (d == "FP16" and not raw)]  # FP16 is raw only


@pytest.mark.parametrize("datatype,raw", GRPC_CASES)
def test_grpc_infer(datatype, raw):
    array = SAMPLES[datatype]
    inp = InferInput("in", list(array.shape), datatype)
    if raw:
        inp.set_data_from_numpy(array, binary_data=True)
    else:
        inp.set_data_from_numpy(array, binary_data=False)  # list data -> typed contents
    req = InferRequest("echo", [inp], request_id="g-7")
    res = run(grpc_call(lambda c: c.infer(req)))
    assert res.model_name == "echo"
    assert res.id == "g-7"
    out = res.outputs[0]
    assert (out.name, out.datatype, out.shape) == ("output-0", datatype, list(array.shape))
    if raw:
        assert out.parameters["binary_data_size"].int64_param > 0
    else:
        assert "binary_data_size" not in out.parameters
    assert_same(out.as_numpy() if raw else np.array(
        [x for x in out.data], dtype=array.dtype if datatype != "BYTES" else np.object_).reshape(array.shape),
        array, datatype)


def test_grpc_readiness():
    assert run(grpc_call(lambda c: c.is_server_ready())) is True
    assert run(grpc_call(lambda c: c.is_server_live())) is True
    assert run(grpc_call(lambda c: c.is_model_ready("echo"))) is True


def test_grpc_unknown_model():
    inp = InferInput("in", [1], "INT32", data=[1])
    with pytest.raises(grpc.RpcError) as e:
        run(grpc_call(lambda c: c.infer(InferRequest("nope", [inp]))))
    assert e.value.code() == grpc.StatusCode.NOT_FOUND
    assert e.value.details() == "Model with name nope does not exist."


# --- the model repository extension, REST and gRPC (on a server of its own: it unloads models) --------------------

def test_repository_extension_rest_and_grpc():
    with EchoServer("--model_name", "echo,second,third") as server:
        port = server.http_port
        status, _, data = request("GET", "/v2/models", port=port)
        assert status == 200 and json_body(data) == {"models": ["echo", "second", "third"]}

        status, _, data = request("POST", "/v2/repository/models/echo/load", b"", port=port)
        assert (status, json_body(data)) == (200, {"name": "echo", "load": True})
        status, _, data = request("POST", "/v2/repository/models/second/unload", b"", port=port)
        assert (status, json_body(data)) == (200, {"name": "second", "unload": True})
        status, _, data = request("GET", "/v2/models/second/ready", port=port)
        assert (status, json_body(data)) == (404, {"error": "Model with name second does not exist."})
        status, _, data = request("POST", "/v2/repository/models/second/unload", b"", port=port)
        assert (status, json_body(data)) == (404, {"error": "Model with name second does not exist."})
        status, _, data = request("POST", "/v2/repository/models/ghost/load", b"", port=port)
        assert status == 503 and json_body(data) == {"error": "Model with name ghost is not ready."}

        with grpc.insecure_channel(f"{HOST}:{server.grpc_port}") as channel:
            stub = pb_grpc.GRPCInferenceServiceStub(channel)
            r = stub.RepositoryModelLoad(pb.RepositoryModelLoadRequest(model_name="echo"), timeout=10)
            assert (r.model_name, r.isLoaded) == ("echo", True)
            r = stub.RepositoryModelUnload(pb.RepositoryModelUnloadRequest(model_name="third"), timeout=10)
            assert (r.model_name, r.isUnloaded) == ("third", True)
            with pytest.raises(grpc.RpcError) as e:
                stub.ModelReady(pb.ModelReadyRequest(name="third"), timeout=10)
            assert e.value.code() == grpc.StatusCode.NOT_FOUND
            with pytest.raises(grpc.RpcError) as e:
                stub.RepositoryModelUnload(pb.RepositoryModelUnloadRequest(model_name="third"), timeout=10)
            assert e.value.code() == grpc.StatusCode.NOT_FOUND
            with pytest.raises(grpc.RpcError) as e:
                stub.RepositoryModelLoad(pb.RepositoryModelLoadRequest(model_name="ghost"), timeout=10)
            assert e.value.code() == grpc.StatusCode.UNAVAILABLE

        status, _, data = request("GET", "/v1/models", port=port)
        assert json_body(data) == {"models": ["echo"]}
        assert_good_request_works(port=port, pid=server.proc.pid)


def test_server_still_fine():
    assert_good_request_works()
