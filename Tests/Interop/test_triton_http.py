"""tritonclient.http (NVIDIA's client, the most common v2 REST client) against echo-predictor.

Every datatype tritonclient can send, JSON and binary inputs, binary / JSON / default requested outputs, and the
health and metadata calls. The echo model answers input i as output-<i> with the same datatype, shape and data.
"""

import ml_dtypes
import numpy as np
import pytest
import tritonclient.http as httpclient
from tritonclient.utils import InferenceServerException, serialize_byte_tensor

from conftest import GRPC_PORT, HOST, HTTP_PORT, assert_good_request_works

URL = f"{HOST}:{HTTP_PORT}"


@pytest.fixture(scope="module")
def client():
    c = httpclient.InferenceServerClient(URL, connection_timeout=30, network_timeout=60)
    yield c
    c.close()


def _ints(dtype):
    info = np.iinfo(dtype)
    return np.array([[info.min, info.max, 0], [1, info.max - 1, info.min + 1]], dtype=dtype)


SAMPLES = {
    "BOOL": lambda: np.array([[True, False, True], [False, False, True]], dtype=bool),
    "INT8": lambda: _ints(np.int8),
    "INT16": lambda: _ints(np.int16),
    "INT32": lambda: _ints(np.int32),
    "INT64": lambda: _ints(np.int64),
    "UINT8": lambda: _ints(np.uint8),
    "UINT16": lambda: _ints(np.uint16),
    "UINT32": lambda: _ints(np.uint32),
    "UINT64": lambda: _ints(np.uint64),
    "FP16": lambda: np.array([[1.0, -2.0, 0.5], [65504.0, 6.1035e-05, -0.0]], dtype=np.float16),
    "FP32": lambda: np.array([[6.8, -2.8, 1e-38], [3.4e38, -1.5, 0.0]], dtype=np.float32),
    "FP64": lambda: np.array([[0.1, -1e308, 2.5e-300], [np.pi, 1.0, -0.0]], dtype=np.float64),
    "BYTES": lambda: np.array([[b"cat", b"", "d\u00f6g".encode()], [b"x" * 1000, b"\x00nul", b"{\"j\":1}"]],
                              dtype=np.object_),
}
DATATYPES = list(SAMPLES)
JSON_DATATYPES = [d for d in DATATYPES if d != "FP16"]


def raw_bytes(array, datatype):
    if datatype == "BYTES":
        return serialize_byte_tensor(array).item()
    return array.tobytes()


def infer(client, inputs, outputs=None, request_id="req-1", **kwargs):
    return client.infer("echo", inputs, outputs=outputs, request_id=request_id, **kwargs)


def make_input(name, array, datatype, binary):
    inp = httpclient.InferInput(name, list(array.shape), datatype)
    inp.set_data_from_numpy(array, binary_data=binary)
    return inp


def assert_same_tensor(got, expected, datatype):
    assert got is not None
    assert list(got.shape) == list(expected.shape)
    if datatype == "BYTES":
        assert got.dtype == np.object_
        # tritonclient gives bytes for binary outputs and str for JSON ones.
        as_bytes = [x.encode() if isinstance(x, str) else bytes(x) for x in got.flatten()]
        assert as_bytes == [bytes(x) for x in expected.flatten()]
    else:
        assert got.dtype == expected.dtype, (got.dtype, expected.dtype)
        assert got.tobytes() == expected.tobytes(), (got, expected)


# FP16 can be neither sent nor answered as JSON: test_fp16_json_input_is_400 / test_fp16_json_output_is_400.
MATRIX = [
    pytest.param(d, b, o, id=f"{d}-{'in_binary' if b else 'in_json'}-out_{o}")
    for d in DATATYPES
    for b in (True, False)
    for o in ("binary", "json", "default")
    if not (d == "FP16" and (not b or o == "json"))
]


@pytest.mark.parametrize("datatype,in_binary,out_mode", MATRIX)
def test_roundtrip_every_datatype(client, datatype, in_binary, out_mode):
    array = SAMPLES[datatype]()
    outputs = None
    if out_mode != "default":  # default: tritonclient asks binary_data_output=true for every output
        outputs = [httpclient.InferRequestedOutput("output-0", binary_data=(out_mode == "binary"))]
    result = infer(client, [make_input("in", array, datatype, in_binary)], outputs)
    response = result.get_response()
    assert response["model_name"] == "echo"
    assert response["id"] == "req-1"
    assert [o["name"] for o in response["outputs"]] == ["output-0"]
    out = result.get_output("output-0")
    assert out["datatype"] == datatype
    assert out["shape"] == list(array.shape)
    if out_mode in ("binary", "default"):
        assert out.get("parameters", {}).get("binary_data_size") == len(raw_bytes(array, datatype)), out
        assert "data" not in out
    else:
        assert "binary_data_size" not in (out.get("parameters") or {}), out
        assert "data" in out
    assert_same_tensor(result.as_numpy("output-0"), array, datatype)


@pytest.mark.parametrize("datatype", ["FP16", "FP32", "FP64"])
def test_nan_inf_binary(client, datatype):
    dtype = {"FP16": np.float16, "FP32": np.float32, "FP64": np.float64}[datatype]
    array = np.array([np.nan, np.inf, -np.inf, 1.0], dtype=dtype)
    result = infer(client, [make_input("in", array, datatype, True)])
    assert_same_tensor(result.as_numpy("output-0"), array, datatype)


def test_non_utf8_bytes_over_binary(client):
    array = np.array([b"\xff\xfe\xfd", b"\x80", b"\xc3\x28", b"ok"], dtype=np.object_)
    outputs = [httpclient.InferRequestedOutput("output-0", binary_data=True)]
    result = infer(client, [make_input("in", array, "BYTES", True)], outputs)
    assert_same_tensor(result.as_numpy("output-0"), array, "BYTES")


def test_empty_tensor(client):
    array = np.zeros((0, 3), dtype=np.float32)
    result = infer(client, [make_input("in", array, "FP32", True)])
    out = result.get_output("output-0")
    assert out["shape"] == [0, 3]
    assert result.as_numpy("output-0").shape == (0, 3)


def test_scalar_shape(client):
    array = np.array(7, dtype=np.int32).reshape(())
    result = infer(client, [make_input("in", array, "INT32", False)],
                   [httpclient.InferRequestedOutput("output-0", binary_data=False)])
    assert result.get_output("output-0")["shape"] == []
    assert result.get_output("output-0")["data"] == [7]


def test_large_binary_tensor(client):
    array = np.arange(4 * 1024 * 1024, dtype=np.float32).reshape(1024, 4096)  # 16 MiB
    result = infer(client, [make_input("in", array, "FP32", True)])
    assert_same_tensor(result.as_numpy("output-0"), array, "FP32")


def test_many_inputs_mixed_binary_and_json(client):
    arrays = [(d, SAMPLES[d]()) for d in JSON_DATATYPES]
    inputs = [make_input(f"in{i}", a, d, i % 2 == 0) for i, (d, a) in enumerate(arrays)]
    result = infer(client, inputs)
    response = result.get_response()
    assert [o["name"] for o in response["outputs"]] == [f"output-{i}" for i in range(len(arrays))]
    for i, (d, a) in enumerate(arrays):
        assert result.get_output(f"output-{i}")["datatype"] == d
        assert_same_tensor(result.as_numpy(f"output-{i}"), a, d)


def test_requested_outputs_filter_and_order(client):
    a = np.array([1, 2, 3], dtype=np.int32)
    b = np.array([b"x", b"y"], dtype=np.object_)
    c = np.array([True], dtype=bool)
    inputs = [make_input("a", a, "INT32", True), make_input("b", b, "BYTES", False), make_input("c", c, "BOOL", True)]
    outputs = [httpclient.InferRequestedOutput("output-2", binary_data=False),
               httpclient.InferRequestedOutput("output-0", binary_data=True)]
    result = infer(client, inputs, outputs)
    names = [o["name"] for o in result.get_response()["outputs"]]
    assert names == ["output-2", "output-0"]
    assert result.get_output("output-1") is None
    assert result.get_output("output-2")["data"] == [True]
    assert result.get_output("output-0")["parameters"]["binary_data_size"] == 12
    assert_same_tensor(result.as_numpy("output-0"), a, "INT32")


def test_unknown_requested_output_is_400(client):
    a = np.array([1], dtype=np.int32)
    with pytest.raises(InferenceServerException) as e:
        infer(client, [make_input("a", a, "INT32", True)], [httpclient.InferRequestedOutput("nope")])
    assert e.value.status() == "400"
    assert "Unexpected inference output 'nope' for model 'echo'" in e.value.message()


def test_request_parameters_accepted(client):
    a = np.array([1.5], dtype=np.float64)
    result = infer(client, [make_input("a", a, "FP64", False)], parameters={"s": "v", "n": 3, "b": True})
    assert_same_tensor(result.as_numpy("output-0"), a, "FP64")


def test_fp16_json_input_is_400(client):
    array = SAMPLES["FP16"]()
    with pytest.raises(InferenceServerException) as e:
        infer(client, [make_input("in", array, "FP16", False)])
    assert e.value.status() == "400"
    assert "FP16 data via JSON is not supported" in e.value.message()


def test_fp16_json_output_is_400(client):
    array = SAMPLES["FP16"]()
    with pytest.raises(InferenceServerException) as e:
        infer(client, [make_input("in", array, "FP16", True)],
              [httpclient.InferRequestedOutput("output-0", binary_data=False)])
    assert e.value.status() == "400"
    assert e.value.message() == (
        "Sending FP16 data via JSON is not supported. Please use the binary data format for output output-0")


def test_bf16_is_rejected_as_unknown_datatype(client):
    """KServe's runtime has no BF16 (spec 4.3): tritonclient can send it, the server must answer 400."""
    array = np.array([1.0, 2.0], dtype=ml_dtypes.bfloat16)
    with pytest.raises(InferenceServerException) as e:
        infer(client, [make_input("in", array, "BF16", True)])
    assert e.value.status() == "400", e.value
    assert_good_request_works()


def test_non_utf8_bytes_with_json_output_is_an_error(client):
    """A string is required to answer BYTES as JSON: invalid UTF-8 must give a 4xx JSON error, not bad JSON."""
    array = np.array([b"\xff\xfe"], dtype=np.object_)
    with pytest.raises(InferenceServerException) as e:
        infer(client, [make_input("in", array, "BYTES", True)],
              [httpclient.InferRequestedOutput("output-0", binary_data=False)])
    assert e.value.status() is not None and e.value.status().startswith("4"), e.value
    assert_good_request_works()


def test_server_live_ready(client):
    assert client.is_server_live() is True
    assert client.is_server_ready() is True


def test_model_ready(client):
    assert client.is_model_ready("echo") is True
    assert client.is_model_ready("nope") is False


def test_server_metadata(client):
    assert client.get_server_metadata() == {
        "name": "kserve", "version": "0.20.0", "extensions": ["model_repository_extension"]}


def test_model_metadata(client):
    assert client.get_model_metadata("echo") == {
        "name": "echo", "versions": None, "platform": "", "inputs": [], "outputs": []}


def test_unknown_model_metadata_and_infer(client):
    with pytest.raises(InferenceServerException) as e:
        client.get_model_metadata("nope")
    assert e.value.status() == "404"
    assert e.value.message() == "Model with name nope does not exist."
    with pytest.raises(InferenceServerException) as e:
        client.infer("nope", [make_input("a", np.array([1], dtype=np.int32), "INT32", True)])
    assert e.value.status() == "404"
    assert e.value.message() == "Model with name nope does not exist."


def test_async_infer_concurrent(client):
    arrays = [np.full((64,), i, dtype=np.int64) for i in range(16)]
    conc = httpclient.InferenceServerClient(URL, concurrency=8)
    try:
        handles = [conc.async_infer("echo", [make_input("x", a, "INT64", True)], request_id=str(i))
                   for i, a in enumerate(arrays)]
        for i, h in enumerate(handles):
            r = h.get_result()
            assert r.get_response()["id"] == str(i)
            assert_same_tensor(r.as_numpy("output-0"), arrays[i], "INT64")
    finally:
        conc.close()


def test_server_still_fine():
    assert_good_request_works()
