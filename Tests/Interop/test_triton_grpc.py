"""tritonclient.grpc against echo-predictor's gRPC v2 port (a separate process from the kserve tests: both
packages register the inference.* protobuf symbols).

tritonclient always sends raw_input_contents, so the server must answer raw_output_contents with a
binary_data_size parameter. Typed contents (what other clients send) are exercised through the same generated
stubs by hand, as are the error statuses.
"""

import grpc
import ml_dtypes
import numpy as np
import pytest
import tritonclient.grpc as grpcclient
from tritonclient.grpc import service_pb2, service_pb2_grpc
from tritonclient.utils import InferenceServerException, serialize_byte_tensor

from conftest import GRPC_PORT, HOST, assert_good_request_works

URL = f"{HOST}:{GRPC_PORT}"


@pytest.fixture(scope="module")
def client():
    c = grpcclient.InferenceServerClient(URL)
    yield c
    c.close()


@pytest.fixture(scope="module")
def stub():
    channel = grpc.insecure_channel(URL, options=[("grpc.max_send_message_length", -1),
                                                  ("grpc.max_receive_message_length", -1)])
    yield service_pb2_grpc.GRPCInferenceServiceStub(channel)
    channel.close()


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
    "FP16": lambda: np.array([[1.0, -2.0, 0.5], [65504.0, np.inf, np.nan]], dtype=np.float16),
    "FP32": lambda: np.array([[6.8, -2.8, 1e-38], [3.4e38, np.nan, -np.inf]], dtype=np.float32),
    "FP64": lambda: np.array([[0.1, -1e308, 2.5e-300], [np.pi, np.nan, np.inf]], dtype=np.float64),
    "BYTES": lambda: np.array([[b"cat", b"", "d\u00f6g".encode()], [b"x" * 1000, b"\xff\xfe", b"\x00"]],
                              dtype=np.object_),
}


def raw_bytes(array, datatype):
    if datatype == "BYTES":
        return serialize_byte_tensor(array).item()
    return array.tobytes()


def make_input(name, array, datatype):
    inp = grpcclient.InferInput(name, list(array.shape), datatype)
    inp.set_data_from_numpy(array)
    return inp


def assert_same_tensor(got, expected, datatype):
    assert got is not None
    assert list(got.shape) == list(expected.shape)
    if datatype == "BYTES":
        assert [bytes(x) for x in got.flatten()] == [bytes(x) for x in expected.flatten()]
    else:
        assert got.dtype == expected.dtype
        assert got.tobytes() == expected.tobytes(), (got, expected)


@pytest.mark.parametrize("datatype", list(SAMPLES))
def test_raw_roundtrip_every_datatype(client, datatype):
    array = SAMPLES[datatype]()
    result = client.infer("echo", [make_input("in", array, datatype)], request_id="g-1")
    response = result.get_response()
    assert response.model_name == "echo"
    assert response.id == "g-1"
    assert [o.name for o in response.outputs] == ["output-0"]
    out = response.outputs[0]
    assert out.datatype == datatype
    assert list(out.shape) == list(array.shape)
    assert out.parameters["binary_data_size"].int64_param == len(raw_bytes(array, datatype))
    assert len(response.raw_output_contents) == 1
    assert response.raw_output_contents[0] == raw_bytes(array, datatype)
    assert_same_tensor(result.as_numpy("output-0"), array, datatype)


def test_many_inputs_raw(client):
    arrays = [(d, SAMPLES[d]()) for d in SAMPLES]
    result = client.infer("echo", [make_input(f"in{i}", a, d) for i, (d, a) in enumerate(arrays)])
    response = result.get_response()
    assert [o.name for o in response.outputs] == [f"output-{i}" for i in range(len(arrays))]
    assert len(response.raw_output_contents) == len(arrays)
    for i, (d, a) in enumerate(arrays):
        assert response.outputs[i].datatype == d
        assert_same_tensor(result.as_numpy(f"output-{i}"), a, d)


def test_requested_outputs_filter(client):
    a = np.array([1, 2, 3], dtype=np.int32)
    b = np.array([b"x"], dtype=np.object_)
    result = client.infer("echo", [make_input("a", a, "INT32"), make_input("b", b, "BYTES")],
                          outputs=[grpcclient.InferRequestedOutput("output-1")])
    response = result.get_response()
    assert [o.name for o in response.outputs] == ["output-1"]
    assert len(response.raw_output_contents) == 1
    assert_same_tensor(result.as_numpy("output-1"), b, "BYTES")


def test_large_raw_tensor_under_limit(client):
    array = np.arange(1024 * 1024, dtype=np.float32)  # 4 MiB, under the 8 MiB default message limit
    result = client.infer("echo", [make_input("in", array, "FP32")])
    assert_same_tensor(result.as_numpy("output-0"), array, "FP32")


def test_message_over_default_limit_is_resource_exhausted(client):
    array = np.zeros(9 * 1024 * 1024 // 4, dtype=np.float32)  # 9 MiB > 8 MiB default
    with pytest.raises(InferenceServerException) as e:
        client.infer("echo", [make_input("in", array, "FP32")])
    assert e.value.status() == "StatusCode.RESOURCE_EXHAUSTED", e.value
    assert_good_request_works()


TYPED = {
    # datatype: (contents field, values)
    "BOOL": ("bool_contents", [True, False, True]),
    "INT8": ("int_contents", [-128, 127, 0]),
    "INT16": ("int_contents", [-32768, 32767, 1]),
    "INT32": ("int_contents", [-2**31, 2**31 - 1, 2]),
    "INT64": ("int64_contents", [-2**63, 2**63 - 1, 3]),
    "UINT8": ("uint_contents", [0, 255, 4]),
    "UINT16": ("uint_contents", [0, 65535, 5]),
    "UINT32": ("uint_contents", [0, 2**32 - 1, 6]),
    "UINT64": ("uint64_contents", [0, 2**64 - 1, 7]),
    "FP32": ("fp32_contents", [1.5, -2.25, 3.0]),
    "FP64": ("fp64_contents", [0.1, -1e308, 2.5e-300]),
    "BYTES": ("bytes_contents", [b"cat", b"\xff\x00", b""]),
}


@pytest.mark.parametrize("datatype", list(TYPED))
def test_typed_contents_roundtrip(stub, datatype):
    field, values = TYPED[datatype]
    request = service_pb2.ModelInferRequest(model_name="echo", id="typed")
    tensor = request.inputs.add(name="in", datatype=datatype, shape=[3])
    getattr(tensor.contents, field).extend(values)
    response = stub.ModelInfer(request, timeout=30)
    assert response.id == "typed"
    assert len(response.raw_output_contents) == 0, "typed request must get typed contents back"
    out = response.outputs[0]
    assert (out.name, out.datatype, list(out.shape)) == ("output-0", datatype, [3])
    assert list(getattr(out.contents, field)) == values
    assert "binary_data_size" not in out.parameters


def test_server_live_ready(client):
    assert client.is_server_live() is True
    assert client.is_server_ready() is True
    assert client.is_model_ready("echo") is True


def test_server_metadata(client):
    md = client.get_server_metadata()
    assert md.name == "kserve"
    assert md.version == "0.20.0"
    assert list(md.extensions) == ["model_repository_extension"]


def test_model_metadata(client):
    md = client.get_model_metadata("echo")
    assert md.name == "echo"
    assert md.platform == ""
    assert list(md.versions) == []
    assert list(md.inputs) == [] and list(md.outputs) == []


def test_unknown_model_not_found(client):
    for call in (lambda: client.infer("nope", [make_input("a", np.array([1], dtype=np.int32), "INT32")]),
                 lambda: client.is_model_ready("nope"),
                 lambda: client.get_model_metadata("nope")):
        with pytest.raises(InferenceServerException) as e:
            call()
        assert e.value.status() == "StatusCode.NOT_FOUND", e.value
        assert e.value.message() == "Model with name nope does not exist."


def _status(stub, request):
    with pytest.raises(grpc.RpcError) as e:
        stub.ModelInfer(request, timeout=30)
    return e.value.code(), e.value.details()


def test_unknown_datatype_invalid_argument(stub):
    request = service_pb2.ModelInferRequest(model_name="echo")
    request.inputs.add(name="in", datatype="FOO32", shape=[1])
    request.raw_input_contents.append(b"\x00\x00\x00\x00")
    code, _ = _status(stub, request)
    assert code == grpc.StatusCode.INVALID_ARGUMENT
    assert_good_request_works()


def test_bf16_invalid_argument(client):
    array = np.array([1.0, 2.0], dtype=ml_dtypes.bfloat16)
    with pytest.raises(InferenceServerException) as e:
        client.infer("echo", [make_input("in", array, "BF16")])
    assert e.value.status() == "StatusCode.INVALID_ARGUMENT"


def test_raw_count_mismatch(stub):
    request = service_pb2.ModelInferRequest(model_name="echo")
    request.inputs.add(name="a", datatype="INT32", shape=[1])
    request.inputs.add(name="b", datatype="INT32", shape=[1])
    request.raw_input_contents.append(b"\x01\x00\x00\x00")
    code, details = _status(stub, request)
    assert code == grpc.StatusCode.INVALID_ARGUMENT
    assert details == ("the number of inputs (2) does not match the expected number of raw input contents (1) "
                       "for model 'echo'.")


def test_raw_and_contents_together(stub):
    request = service_pb2.ModelInferRequest(model_name="echo")
    tensor = request.inputs.add(name="a", datatype="INT32", shape=[1])
    tensor.contents.int_contents.append(1)
    request.raw_input_contents.append(b"\x01\x00\x00\x00")
    code, details = _status(stub, request)
    assert code == grpc.StatusCode.INVALID_ARGUMENT
    assert details == "contents field must not be specified when using raw_input_contents for input 'a' for model 'echo'"


def test_raw_size_does_not_match_shape(stub):
    request = service_pb2.ModelInferRequest(model_name="echo")
    request.inputs.add(name="a", datatype="FP32", shape=[4])
    request.raw_input_contents.append(b"\x00" * 6)
    code, _ = _status(stub, request)
    assert code == grpc.StatusCode.INVALID_ARGUMENT
    assert_good_request_works()


def test_shape_overflow(stub):
    request = service_pb2.ModelInferRequest(model_name="echo")
    request.inputs.add(name="a", datatype="FP32", shape=[2**62, 2**62, 4])
    request.raw_input_contents.append(b"\x00" * 16)
    code, _ = _status(stub, request)
    assert code == grpc.StatusCode.INVALID_ARGUMENT
    assert_good_request_works()


def test_negative_shape(stub):
    request = service_pb2.ModelInferRequest(model_name="echo")
    request.inputs.add(name="a", datatype="FP32", shape=[-1])
    request.raw_input_contents.append(b"\x00" * 4)
    code, _ = _status(stub, request)
    assert code == grpc.StatusCode.INVALID_ARGUMENT


def test_truncated_bytes_element(stub):
    request = service_pb2.ModelInferRequest(model_name="echo")
    request.inputs.add(name="a", datatype="BYTES", shape=[1])
    request.raw_input_contents.append(b"\x10\x00\x00\x00abc")  # says 16 bytes, has 3
    code, _ = _status(stub, request)
    assert code == grpc.StatusCode.INVALID_ARGUMENT
    assert_good_request_works()


def test_unimplemented_rpc(client):
    """Triton-only RPCs (ModelConfig here) are not part of KServe's service: UNIMPLEMENTED."""
    with pytest.raises(InferenceServerException) as e:
        client.get_model_config("echo")
    assert e.value.status() == "StatusCode.UNIMPLEMENTED"


def test_server_still_fine():
    assert_good_request_works()
