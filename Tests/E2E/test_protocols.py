"""The transformer in front of the Python KServe predictor and of our echo-predictor: REST v1 through a v1
transformer, and REST v2 JSON, REST v2 binary (tritonclient.http) and gRPC v2 (tritonclient.grpc, and typed contents)
through a transformer speaking v2 or grpc-v2 to its predictor. The answer through the transformer equals the
predictor's own answer to the same request, value for value (bit for bit), with the same datatypes, shapes and
binary-ness of the outputs (binary sections over REST, raw_output_contents over gRPC). Every datatype; FP16 and
non-UTF-8 BYTES where the protocol can carry them.
"""

import numpy as np
import pytest
import tritonclient.grpc as grpcclient
import tritonclient.http as httpclient
from tritonclient.grpc import service_pb2, service_pb2_grpc

from conftest import HOST, post
from tensors import ALL_TYPES, JSON_TYPES, NON_UTF8, SHAPE, array, grpc_view, json_input, rest_view, triton_http_view

KINDS = ["kserve", "echo"]
V2_PROTOCOLS = ["v2", "grpc-v2"]
INFER = "/v2/models/echo/infer"

pytestmark = [pytest.mark.parametrize("kind", KINDS)]


def both(stack, kind, protocol):
    return stack.predictor(kind), stack.transformer(kind, protocol)


def assert_ok(resp, what):
    assert resp.status == 200, f"{what}: {resp!r}"


# Known server bugs, marked where they apply (strict: a fix turns these into XPASS failures, remove the mark then).
BUG_GRPC_TO_REST_NO_BINARY_OUTPUTS = (
    "server bug: a gRPC request into a transformer whose predictor speaks REST v2 is sent on without asking for "
    "binary outputs (no `binary_data_output` / per-output `binary_data`), so the predictor must write every output "
    "as JSON and refuses FP16 ('Sending FP16 data via JSON is not supported') and non-UTF-8 BYTES ('... is not valid "
    "UTF-8, which JSON cannot carry'); the client gets INVALID_ARGUMENT"
)


def xfail_if(request, condition, reason):
    if condition:
        request.applymarker(pytest.mark.xfail(strict=True, reason=reason))


def assert_same(through, direct):
    assert [o["name"] for o in through["outputs"]] == [o["name"] for o in direct["outputs"]]
    for t, d in zip(through["outputs"], direct["outputs"]):
        assert t == d, f"output {d['name']} ({d['datatype']}) differs"
    assert through == direct


# --- REST v1 ------------------------------------------------------------------------------------------------------------


def assert_v1_echo(stack, kind, body):
    """The v1 answer through the transformer equals the predictor's own, and echoes the instances."""
    predictor, transformer = both(stack, kind, "v1")
    direct = post(predictor.http_port, "/v1/models/echo:predict", body)
    through = post(transformer.http_port, "/v1/models/echo:predict", body)
    assert_ok(direct, "predictor")
    assert_ok(through, "transformer")
    assert through.json() == direct.json()
    assert through.json() == {"predictions": body["instances"]}


def test_v1_predict(stack, kind):
    assert_v1_echo(stack, kind, {"instances": [[1, 2, 3], [4.5, -0.0, 1e300], "text é", {"k": [True, None, False]},
                                               [2**53 + 1, -(2**63), 2**63 - 1], []]})


def test_v1_large_arrays(stack, kind):
    """Number arrays large enough that the transformer passes their text on instead of printing them anew
    (JSONSourceText), beside small ones and ones it must print: the answer equals the predictor's own."""
    rng = np.random.default_rng(2)
    rows = [[float(x) for x in rng.standard_normal(500)] for _ in range(3)]
    assert_v1_echo(stack, kind, {"instances": rows + [list(range(-150, 150)), [[0.25] * 100, [2**63 + 5] * 20],
                                                      [1.5, "x"] * 100, [7]]})


# --- REST v2 JSON ------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("protocol", V2_PROTOCOLS)
def test_v2_json_every_datatype(stack, kind, protocol):
    predictor, transformer = both(stack, kind, protocol)
    body = {"id": "json-1", "inputs": [json_input(f"in-{t}", t) for t in JSON_TYPES]}
    direct = post(predictor.http_port, INFER, body)
    through = post(transformer.http_port, INFER, body)
    assert_ok(direct, "predictor")
    assert_ok(through, "transformer")
    assert "inference-header-content-length" not in through.headers
    assert_same(rest_view(through), rest_view(direct))


@pytest.mark.parametrize("protocol", V2_PROTOCOLS)
def test_v2_json_inputs_with_binary_outputs_requested(stack, kind, protocol):
    """JSON inputs; every other output asked for in binary form: the same outputs come back binary."""
    predictor, transformer = both(stack, kind, protocol)
    types = JSON_TYPES
    body = {
        "id": "json-2",
        "inputs": [json_input(f"in-{t}", t) for t in types],
        "outputs": [{"name": f"output-{i}", "parameters": {"binary_data": i % 2 == 0}} for i in range(len(types))],
    }
    direct = post(predictor.http_port, INFER, body)
    through = post(transformer.http_port, INFER, body)
    assert_ok(direct, "predictor")
    assert_ok(through, "transformer")
    view = rest_view(through)
    assert [o["binary"] for o in view["outputs"]] == [i % 2 == 0 for i in range(len(types))]
    assert_same(view, rest_view(direct))


@pytest.mark.parametrize("protocol", V2_PROTOCOLS)
def test_v2_json_large_tensor(stack, kind, protocol):
    """A tensor large enough that the transformer sends it to a REST predictor in binary form; the client asked
    for JSON and gets JSON."""
    predictor, transformer = both(stack, kind, protocol)
    values = np.random.default_rng(1).standard_normal(4096).astype(np.float32)
    body = {"id": "big", "inputs": [{"name": "x", "shape": [4, 1024], "datatype": "FP32", "data": values.tolist()}]}
    direct = post(predictor.http_port, INFER, body)
    through = post(transformer.http_port, INFER, body)
    assert_ok(direct, "predictor")
    assert_ok(through, "transformer")
    assert "inference-header-content-length" not in through.headers
    assert_same(rest_view(through), rest_view(direct))


# --- REST v2 binary (tritonclient.http) -------------------------------------------------------------------------------


def triton_http_infer(port, inputs, outputs, request_id):
    client = httpclient.InferenceServerClient(url=f"{HOST}:{port}", network_timeout=30)
    try:
        return client.infer("echo", inputs, outputs=outputs, request_id=request_id)
    finally:
        client.close()


def http_inputs(types, binary=True, bytes_values=None):
    inputs = []
    for t in types:
        tensor = httpclient.InferInput(f"in-{t}", SHAPE, t)
        tensor.set_data_from_numpy(array(t, bytes_values if t == "BYTES" and bytes_values else None),
                                   binary_data=binary)
        inputs.append(tensor)
    return inputs


@pytest.mark.parametrize("protocol", V2_PROTOCOLS)
def test_v2_binary_every_datatype(stack, kind, protocol):
    """Binary inputs of every datatype (FP16 included), binary outputs requested."""
    predictor, transformer = both(stack, kind, protocol)
    inputs = http_inputs(ALL_TYPES)
    outputs = [httpclient.InferRequestedOutput(f"output-{i}", binary_data=True) for i in range(len(inputs))]
    direct = triton_http_view(triton_http_infer(predictor.http_port, inputs, outputs, "bin-1"))
    through = triton_http_view(triton_http_infer(transformer.http_port, inputs, outputs, "bin-1"))
    assert all(o["binary"] for o in through["outputs"])
    assert_same(through, direct)


@pytest.mark.parametrize("protocol", V2_PROTOCOLS)
def test_v2_binary_large_tensors_pass_through(stack, kind, protocol):
    """Large binary tensors (the transformer answers with slices of the predictor's response, not copies) between
    small ones, binary outputs: every value arrives, in order, as the predictor sent it."""
    predictor, transformer = both(stack, kind, protocol)
    rng = np.random.default_rng(7)
    arrays = [rng.standard_normal((4, 8192)).astype(np.float32), np.arange(6, dtype=np.int32).reshape(2, 3),
              rng.integers(-2**40, 2**40, size=(3, 4096), dtype=np.int64), np.array([[1.5, -2.5]], dtype=np.float64)]
    inputs = []
    for index, values in enumerate(arrays):
        tensor = httpclient.InferInput(f"in-{index}", list(values.shape), {np.float32: "FP32", np.int32: "INT32",
                                       np.int64: "INT64", np.float64: "FP64"}[values.dtype.type])
        tensor.set_data_from_numpy(values, binary_data=True)
        inputs.append(tensor)
    outputs = [httpclient.InferRequestedOutput(f"output-{i}", binary_data=True) for i in range(len(inputs))]
    client = httpclient.InferenceServerClient(url=f"{HOST}:{transformer.http_port}", network_timeout=30)
    try:
        for attempt in range(3):  # a reused connection and response buffer must not mix up answers
            result = client.infer("echo", inputs, outputs=outputs, request_id=f"large-{attempt}")
            for index, values in enumerate(arrays):
                got = result.as_numpy(f"output-{index}")
                assert got.dtype == values.dtype and got.shape == values.shape
                assert np.array_equal(got, values), f"output-{index} differs"
    finally:
        client.close()
    direct = triton_http_view(triton_http_infer(predictor.http_port, inputs, outputs, "large"))
    through = triton_http_view(triton_http_infer(transformer.http_port, inputs, outputs, "large"))
    assert_same(through, direct)


@pytest.mark.parametrize("protocol", V2_PROTOCOLS)
def test_v2_binary_inputs_json_outputs(stack, kind, protocol):
    """Binary inputs, outputs asked for as JSON (every type JSON can carry): JSON comes back."""
    predictor, transformer = both(stack, kind, protocol)
    inputs = http_inputs(JSON_TYPES)
    outputs = [httpclient.InferRequestedOutput(f"output-{i}", binary_data=False) for i in range(len(inputs))]
    direct = triton_http_view(triton_http_infer(predictor.http_port, inputs, outputs, "bin-2"))
    through = triton_http_view(triton_http_infer(transformer.http_port, inputs, outputs, "bin-2"))
    assert not any(o["binary"] for o in through["outputs"])
    assert_same(through, direct)


@pytest.mark.parametrize("protocol", V2_PROTOCOLS)
def test_v2_binary_fp16(stack, kind, protocol):
    predictor, transformer = both(stack, kind, protocol)
    inputs = http_inputs(["FP16"])
    outputs = [httpclient.InferRequestedOutput("output-0", binary_data=True)]
    direct = triton_http_infer(predictor.http_port, inputs, outputs, "fp16")
    through = triton_http_infer(transformer.http_port, inputs, outputs, "fp16")
    assert through.get_response()["outputs"][0]["datatype"] == "FP16"
    np.testing.assert_array_equal(through.as_numpy("output-0"), array("FP16"))
    assert_same(triton_http_view(through), triton_http_view(direct))


KSERVE_NO_NON_UTF8_REST = (
    "the Python KServe predictor (0.21) cannot decode non-UTF-8 BYTES in a binary REST request "
    "(InferRequest.from_bytes: 'Failed to encode ... using UTF-8'), so a transformer speaking REST v2 to it cannot "
    "pass them on"
)


def expected_non_utf8_view(request_id, binary=True):
    return {"id": request_id, "model_name": "echo", "outputs": [
        {"name": "output-0", "datatype": "BYTES", "shape": SHAPE, "binary": binary, "data": NON_UTF8}]}


@pytest.mark.parametrize("protocol", V2_PROTOCOLS)
def test_v2_binary_non_utf8_bytes(stack, kind, protocol):
    """BYTES that are not UTF-8, in binary form both ways. The Python KServe predictor cannot take them over
    REST, so in front of it the answer is compared with the input (over grpc-v2) instead of its own answer."""
    if kind == "kserve" and protocol == "v2":
        pytest.skip(KSERVE_NO_NON_UTF8_REST)
    predictor, transformer = both(stack, kind, protocol)
    inputs = http_inputs(["BYTES"], bytes_values=NON_UTF8)
    outputs = [httpclient.InferRequestedOutput("output-0", binary_data=True)]
    through = triton_http_view(triton_http_infer(transformer.http_port, inputs, outputs, "bytes"))
    assert through == expected_non_utf8_view("bytes")
    if kind == "echo":
        assert_same(through, triton_http_view(triton_http_infer(predictor.http_port, inputs, outputs, "bytes")))


@pytest.mark.parametrize("protocol", V2_PROTOCOLS)
def test_v2_binary_data_output_parameter(stack, kind, protocol):
    """No requested outputs, `binary_data_output: true` in the request parameters: every output binary."""
    predictor, transformer = both(stack, kind, protocol)
    body = {"id": "bdo", "inputs": [json_input("a", "INT32"), json_input("b", "FP64")],
            "parameters": {"binary_data_output": True}}
    direct = post(predictor.http_port, INFER, body)
    through = post(transformer.http_port, INFER, body)
    assert_ok(direct, "predictor")
    assert_ok(through, "transformer")
    view = rest_view(through)
    assert all(o["binary"] for o in view["outputs"])
    assert_same(view, rest_view(direct))


# --- gRPC v2 into the transformer -------------------------------------------------------------------------------------


def grpc_infer(port, inputs, request_id):
    client = grpcclient.InferenceServerClient(url=f"{HOST}:{port}")
    try:
        return client.infer("echo", inputs, request_id=request_id, client_timeout=30)
    finally:
        client.close()


@pytest.mark.parametrize("protocol", V2_PROTOCOLS)
def test_grpc_every_datatype(request, stack, kind, protocol):
    """tritonclient.grpc (raw contents) with every datatype, FP16 included."""
    predictor, transformer = both(stack, kind, protocol)
    inputs = []
    for t in ALL_TYPES:
        tensor = grpcclient.InferInput(f"in-{t}", SHAPE, t)
        tensor.set_data_from_numpy(array(t))
        inputs.append(tensor)
    direct = grpc_view(grpc_infer(predictor.grpc_port, inputs, "grpc-1").get_response())
    through = grpc_view(grpc_infer(transformer.grpc_port, inputs, "grpc-1").get_response())
    assert_same(through, direct)


@pytest.mark.parametrize("protocol", V2_PROTOCOLS)
def test_grpc_fp16(request, stack, kind, protocol):
    predictor, transformer = both(stack, kind, protocol)
    tensor = grpcclient.InferInput("half", SHAPE, "FP16")
    tensor.set_data_from_numpy(array("FP16"))
    direct = grpc_view(grpc_infer(predictor.grpc_port, [tensor], "fp16").get_response())
    through = grpc_view(grpc_infer(transformer.grpc_port, [tensor], "fp16").get_response())
    assert_same(through, direct)


@pytest.mark.parametrize("protocol", V2_PROTOCOLS)
def test_grpc_non_utf8_bytes(request, stack, kind, protocol):
    """Non-UTF-8 BYTES in raw contents."""
    if kind == "kserve" and protocol == "v2":
        pytest.skip(KSERVE_NO_NON_UTF8_REST)
    predictor, transformer = both(stack, kind, protocol)
    tensor = grpcclient.InferInput("raw-bytes", SHAPE, "BYTES")
    tensor.set_data_from_numpy(array("BYTES", NON_UTF8))
    direct = grpc_view(grpc_infer(predictor.grpc_port, [tensor], "grpc-b").get_response())
    through = grpc_view(grpc_infer(transformer.grpc_port, [tensor], "grpc-b").get_response())
    assert through == expected_non_utf8_view("grpc-b")
    assert_same(through, direct)


TYPED_FIELDS = {
    "BOOL": "bool_contents", "UINT8": "uint_contents", "UINT16": "uint_contents", "UINT32": "uint_contents",
    "UINT64": "uint64_contents", "INT8": "int_contents", "INT16": "int_contents", "INT32": "int_contents",
    "INT64": "int64_contents", "FP32": "fp32_contents", "FP64": "fp64_contents", "BYTES": "bytes_contents",
}


def typed_request(non_utf8=True):
    request = service_pb2.ModelInferRequest(model_name="echo", id="typed-1")
    for t in JSON_TYPES:
        tensor = request.inputs.add()
        tensor.name, tensor.datatype = f"in-{t}", t
        tensor.shape.extend(SHAPE)
        values = array(t).flatten().tolist()
        getattr(tensor.contents, TYPED_FIELDS[t]).extend(values)
    if not non_utf8:
        return request
    tensor = request.inputs.add()
    tensor.name, tensor.datatype = "raw-bytes", "BYTES"
    tensor.shape.extend(SHAPE)
    tensor.contents.bytes_contents.extend(NON_UTF8)
    return request


def grpc_call(port, request):
    import grpc

    with grpc.insecure_channel(f"{HOST}:{port}") as channel:
        return service_pb2_grpc.GRPCInferenceServiceStub(channel).ModelInfer(request, timeout=30)


@pytest.mark.parametrize("protocol", V2_PROTOCOLS)
def test_grpc_typed_contents(request, stack, kind, protocol):
    """gRPC with typed `contents` (not raw) of every type: the answer has the same form as the predictor's own
    (typed, as KServe answers typed inputs). Non-UTF-8 BYTES only with echo-predictor: KServe 0.21 cannot put them
    in typed contents."""
    predictor, transformer = both(stack, kind, protocol)
    direct = grpc_view(grpc_call(predictor.grpc_port, typed_request(non_utf8=kind == "echo")))
    through = grpc_view(grpc_call(transformer.grpc_port, typed_request(non_utf8=kind == "echo")))
    if kind == "echo":
        assert through["outputs"][-1]["data"] == NON_UTF8
    assert_same(through, direct)
