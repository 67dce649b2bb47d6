"""Bad input over real sockets: the server never dies, always answers a JSON error with the right status, and the
next good request still succeeds (checked after every test by the autouse fixture)."""

import json
import socket
import struct
import time

import pytest

from conftest import (HOST, HTTP_PORT, EchoServer, assert_good_request_works, assert_json_error, json_body,
                      request)

INFER = "/v2/models/echo/infer"
PREDICT = "/v1/models/echo:predict"
JSON = {"Content-Type": "application/json"}


@pytest.fixture(autouse=True)
def server_survives():
    yield
    assert_good_request_works()


def post(path, body, headers=None, port=None):
    if isinstance(body, str):
        body = body.encode()
    return request("POST", path, body, headers or {}, port=port)


def binary_body(header_obj, tensor_bytes, header_len=None):
    header = json.dumps(header_obj, separators=(",", ":")).encode()
    hdrs = {"Content-Type": "application/octet-stream",
            "Inference-Header-Content-Length": str(len(header) if header_len is None else header_len)}
    return header + tensor_bytes, hdrs


def assert_422(status, headers, data):
    body = assert_json_error(status, headers, data, 422, key="detail")
    assert isinstance(body["detail"], list) and body["detail"], body


# --- malformed JSON ------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("body", [
    b"{not json", b"", b"{", b'{"inputs": [', b"null", b"[]", b'"str"', b"{}",
    b'{"inputs": "invalid"}', b'{"inputs": [{"name": "a"}]}',
    b'{"inputs": [{"name": "a", "shape": [1], "data": [1]}]}',  # no datatype
    b'{"inputs": [{"name": "a", "shape": "x", "datatype": "INT32", "data": [1]}]}',
    b'{"inputs": [{"name": 5, "shape": [1], "datatype": "INT32", "data": [1]}]}',
    b'{"inputs": [], "parameters": {"p": {"nested": 1}}}',
], ids=["garbage", "empty", "open-brace", "truncated", "null", "array", "string", "no-inputs", "inputs-string",
        "input-missing-fields", "no-datatype", "shape-string", "name-number", "param-object"])
def test_v2_json_schema_errors_are_422(body):
    assert_422(*post(INFER, body, JSON))


def test_v2_bad_json_to_unknown_model_is_422_not_404():
    assert_422(*post("/v2/models/nope/infer", b"{not json", JSON))


def test_v2_non_json_without_binary_header_is_400():
    status, headers, data = post(INFER, b"\x00\x01binary garbage", {"Content-Type": "application/octet-stream"})
    body = assert_json_error(status, headers, data, 400)
    assert body["error"] == ("received byte inputs, but the'inference-header-content-length' header is missing.")


@pytest.mark.parametrize("body", [b"{not json", b"", b"[1, 2", b'{"instances": [1, 2}'])
def test_v1_malformed_json_is_400(body):
    status, headers, data = post(PREDICT, body, JSON)
    err = assert_json_error(status, headers, data, 400)
    assert err["error"].startswith("Unrecognized request format: "), err


def test_v1_instances_not_a_list_is_400():
    status, headers, data = post(PREDICT, b'{"instances": "invalid"}', JSON)
    assert_json_error(status, headers, data, 400)


@pytest.mark.parametrize("path", [INFER, PREDICT])
def test_deeply_nested_json_does_not_crash(path):
    depth = 200_000
    body = b'{"inputs": ' + b"[" * depth + b"]" * depth + b"}"
    if path == PREDICT:
        body = b'{"instances": ' + b"[" * depth + b"]" * depth + b"}"
    status, headers, data = post(path, body, JSON)
    assert 400 <= status < 500, (status, data[:200])
    json_body(data)


def test_deeply_nested_data_does_not_crash():
    depth = 100_000
    body = (b'{"inputs":[{"name":"a","shape":[1],"datatype":"INT32","data":' + b"[" * depth + b"1" + b"]" * depth
            + b"}]}")
    status, headers, data = post(INFER, body, JSON)
    assert 400 <= status < 500, (status, data[:200])
    json_body(data)


# --- data that does not match its datatype or shape -----------------------------------------------------------------

@pytest.mark.parametrize("datatype,data", [
    ("INT32", ["a"]), ("BOOL", [2]), ("UINT8", [300]), ("INT8", [-129]), ("UINT64", [-1]),
    ("INT64", [1.5]), ("INT64", [9223372036854775808]), ("FP32", ["x"]), ("BYTES", [1]), ("INT32", [None]),
], ids=lambda v: str(v))
def test_json_data_of_the_wrong_type_is_4xx(datatype, data):
    """KServe's schema takes any list for `data` (a model converting it fails later); the Swift server checks the
    elements while decoding: out-of-range numbers give 400, elements of the wrong JSON type give 422 with a
    `detail` array. Either is a JSON client error."""
    body = json.dumps({"inputs": [{"name": "a", "shape": [1], "datatype": datatype, "data": data}]})
    status, headers, data = post(INFER, body, JSON)
    assert status in (400, 422), (status, data)
    assert headers["content-type"].startswith("application/json")
    answer = json_body(data)
    assert "error" in answer or "detail" in answer


def test_ragged_nested_data_is_400():
    body = '{"inputs":[{"name":"a","shape":[2,2],"datatype":"INT32","data":[[1,2],[3]]}]}'
    assert_json_error(*post(INFER, body, JSON), 400)


def test_element_count_not_matching_shape_is_400():
    body = '{"inputs":[{"name":"a","shape":[3],"datatype":"INT32","data":[1,2]}]}'
    assert_json_error(*post(INFER, body, JSON), 400)


@pytest.mark.parametrize("shape", [
    [2**62, 2**62, 4], [2**31, 2**31, 2**31], [-1], [-2, -2],
    [2**63 - 1, 2],
], ids=["2^62*2^62*4", "2^31^3", "-1", "-2,-2", "int64max*2"])
def test_shape_overflow_or_negative_json_is_400(shape):
    body = json.dumps({"inputs": [{"name": "a", "shape": shape, "datatype": "FP32", "data": [1.0]}]})
    assert_json_error(*post(INFER, body, JSON), 400)


@pytest.mark.parametrize("shape", [[2**62, 2**62, 4], [2**32, 2**32], [-4]])
def test_shape_overflow_binary_is_400(shape):
    body, hdrs = binary_body({"inputs": [{"name": "a", "shape": shape, "datatype": "FP32",
                                          "parameters": {"binary_data_size": 16}}]}, b"\x00" * 16)
    assert_json_error(*post(INFER, body, hdrs), 400)


def test_shape_dimension_beyond_int64():
    body = '{"inputs":[{"name":"a","shape":[99999999999999999999],"datatype":"FP32","data":[1.0]}]}'
    status, headers, data = post(INFER, body, JSON)
    assert status in (400, 422), (status, data)
    json_body(data)


# --- binary framing --------------------------------------------------------------------------------------------------

def test_truncated_binary_section_is_400():
    body, hdrs = binary_body({"inputs": [{"name": "a", "shape": [2], "datatype": "FP32",
                                          "parameters": {"binary_data_size": 8}}]}, b"\x00\x00\x80\x3f")
    assert_json_error(*post(INFER, body, hdrs), 400)


def test_binary_size_not_a_multiple_of_the_element_width_is_400():
    body, hdrs = binary_body({"inputs": [{"name": "a", "shape": [2], "datatype": "FP32",
                                          "parameters": {"binary_data_size": 6}}]}, b"\x00" * 6)
    assert_json_error(*post(INFER, body, hdrs), 400)


def test_binary_size_not_matching_shape_is_400():
    body, hdrs = binary_body({"inputs": [{"name": "a", "shape": [3], "datatype": "FP32",
                                          "parameters": {"binary_data_size": 8}}]}, b"\x00" * 8)
    assert_json_error(*post(INFER, body, hdrs), 400)


def test_truncated_bytes_element_is_400():
    body, hdrs = binary_body({"inputs": [{"name": "a", "shape": [1], "datatype": "BYTES",
                                          "parameters": {"binary_data_size": 7}}]}, b"\x10\x00\x00\x00abc")
    assert_json_error(*post(INFER, body, hdrs), 400)


def test_header_length_beyond_body_is_400():
    body, hdrs = binary_body({"inputs": [{"name": "a", "shape": [1], "datatype": "INT32", "data": [1]}]}, b"",
                             header_len=10_000)
    assert_json_error(*post(INFER, body, hdrs), 400)


@pytest.mark.parametrize("value", ["abc", "-5", "", "1e3", "99999999999999999999999"])
def test_bad_inference_header_value_is_400(value):
    header = b'{"inputs":[{"name":"a","shape":[1],"datatype":"INT32","data":[1]}]}'
    hdrs = {"Content-Type": "application/octet-stream", "Inference-Header-Content-Length": value}
    assert_json_error(*post(INFER, header, hdrs), 400)


def test_binary_json_part_malformed_is_400():
    body = b'{"inputs": [' + b"\x00" * 8
    hdrs = {"Content-Type": "application/octet-stream", "Inference-Header-Content-Length": "12"}
    err = assert_json_error(*post(INFER, body, hdrs), 400)
    assert err["error"].startswith("Unrecognized request format"), err


def test_binary_input_without_data_or_size_is_400():
    body, hdrs = binary_body({"inputs": [{"name": "a", "shape": [1], "datatype": "INT32"}]}, b"\x00" * 4)
    err = assert_json_error(*post(INFER, body, hdrs), 400)
    assert "'a'" in err["error"] and "'echo'" in err["error"], err


def test_fp16_json_data_in_binary_request_is_400():
    body, hdrs = binary_body({"inputs": [{"name": "h", "shape": [1], "datatype": "FP16", "data": [1.0]}]}, b"")
    err = assert_json_error(*post(INFER, body, hdrs), 400)
    assert "FP16 data via JSON is not supported" in err["error"]


# --- unknown model / datatype ------------------------------------------------------------------------------------------

def test_unknown_model_v2_is_404():
    body = '{"inputs":[{"name":"a","shape":[1],"datatype":"INT32","data":[1]}]}'
    err = assert_json_error(*post("/v2/models/nope/infer", body, JSON), 404)
    assert err == {"error": "Model with name nope does not exist."}


def test_unknown_model_v1_is_404():
    err = assert_json_error(*post("/v1/models/nope:predict", b'{"instances":[1]}', JSON), 404)
    assert err == {"error": "Model with name nope does not exist."}


def test_unknown_model_ready_is_404():
    err = assert_json_error(*request("GET", "/v2/models/nope/ready"), 404)
    assert err == {"error": "Model with name nope does not exist."}


@pytest.mark.parametrize("datatype", ["FOO32", "BF16", "STRING", "", "int32x"])
def test_unknown_datatype_json_is_400(datatype):
    body = json.dumps({"inputs": [{"name": "a", "shape": [1], "datatype": datatype, "data": [1]}]})
    assert_json_error(*post(INFER, body, JSON), 400)


def test_unknown_datatype_binary_is_400():
    body, hdrs = binary_body({"inputs": [{"name": "a", "shape": [1], "datatype": "FOO32",
                                          "parameters": {"binary_data_size": 4}}]}, b"\x00" * 4)
    assert_json_error(*post(INFER, body, hdrs), 400)


def test_lowercase_datatype_is_accepted():
    """KServe upper-cases datatypes on construction (spec 4.2)."""
    body = '{"inputs":[{"name":"a","shape":[1],"datatype":"int32","data":[7]}]}'
    status, _, data = post(INFER, body, JSON)
    assert status == 200, data
    assert json_body(data)["outputs"][0]["datatype"] == "INT32"


# --- invalid UTF-8 where a string is required ---------------------------------------------------------------------------

def test_invalid_utf8_in_v2_json_string():
    body = b'{"inputs":[{"name":"a","shape":[1],"datatype":"BYTES","data":["\xff\xfe"]}]}'
    status, headers, data = post(INFER, body, JSON)
    assert status in (400, 422), (status, data)
    json_body(data)


def test_invalid_utf8_in_v1_body():
    status, headers, data = post(PREDICT, b'{"instances":["\xc3\x28"]}', JSON)
    assert_json_error(status, headers, data, 400)


def test_invalid_utf8_in_binary_header_name():
    header = b'{"inputs":[{"name":"\xff","shape":[1],"datatype":"INT32","parameters":{"binary_data_size":4}}]}'
    hdrs = {"Content-Type": "application/octet-stream", "Inference-Header-Content-Length": str(len(header))}
    assert_json_error(*post(INFER, header + b"\x01\x00\x00\x00", hdrs), 400)


def test_non_utf8_bytes_answered_as_json_is_4xx():
    body, hdrs = binary_body({"inputs": [{"name": "a", "shape": [1], "datatype": "BYTES",
                                          "parameters": {"binary_data_size": 6}}]}, b"\x02\x00\x00\x00\xff\xfe")
    status, headers, data = post(INFER, body, hdrs)
    assert 400 <= status < 500, (status, data)
    assert headers.get("content-type", "").startswith("application/json")
    assert "error" in json_body(data)


def test_invalid_utf8_model_name_in_path():
    status, headers, data = post("/v2/models/%FF%FE/infer",
                                 '{"inputs":[{"name":"a","shape":[1],"datatype":"INT32","data":[1]}]}', JSON)
    assert status == 404, (status, data)
    json_body(data)


# --- HTTP-level abuse ------------------------------------------------------------------------------------------------

def raw_exchange(payload, port=HTTP_PORT, read_timeout=5):
    with socket.create_connection((HOST, port), timeout=read_timeout) as s:
        s.sendall(payload)
        chunks = []
        try:
            while True:
                c = s.recv(65536)
                if not c:
                    break
                chunks.append(c)
        except socket.timeout:
            pass
    return b"".join(chunks)


def test_garbage_request_line():
    answer = raw_exchange(b"THIS IS NOT HTTP\r\n\r\n")
    assert answer == b"" or answer.startswith(b"HTTP/1.1 400"), answer[:200]


def test_body_shorter_than_content_length_then_close():
    with socket.create_connection((HOST, HTTP_PORT), timeout=5) as s:
        s.sendall(b"POST /v2/models/echo/infer HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                  b"Content-Length: 1000\r\n\r\n{\"inputs\":")
    time.sleep(0.2)


def test_chunked_body_is_accepted():
    body = b'{"inputs":[{"name":"a","shape":[2],"datatype":"INT32","data":[5,6]}]}'
    payload = (b"POST /v2/models/echo/infer HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
               b"Transfer-Encoding: chunked\r\nConnection: close\r\n\r\n"
               + b"%x\r\n" % 10 + body[:10] + b"\r\n" + b"%x\r\n" % (len(body) - 10) + body[10:] + b"\r\n0\r\n\r\n")
    answer = raw_exchange(payload)
    assert answer.startswith(b"HTTP/1.1 200"), answer[:300]
    assert b'"data":[5,6]' in answer


def test_malformed_chunked_body():
    payload = (b"POST /v2/models/echo/infer HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
               b"Transfer-Encoding: chunked\r\nConnection: close\r\n\r\nZZZ\r\nabc\r\n0\r\n\r\n")
    answer = raw_exchange(payload)
    assert answer == b"" or answer.startswith(b"HTTP/1.1 400"), answer[:200]


# --- body over the limit (a server of its own, started with --max_request_body_bytes 1024) -------------------------------

@pytest.fixture(scope="module")
def small_server():
    with EchoServer("--max_request_body_bytes", "1024") as server:
        yield server


def _big_v2_body(n_values):
    return json.dumps({"inputs": [{"name": "a", "shape": [n_values], "datatype": "INT32",
                                   "data": list(range(n_values))}]}).encode()


def test_body_over_limit_is_413_json(small_server):
    body = _big_v2_body(1000)
    assert len(body) > 1024
    status, headers, data = post(INFER, body, JSON, port=small_server.http_port)
    assert_json_error(status, headers, data, 413)
    assert_good_request_works(port=small_server.http_port, pid=small_server.proc.pid)


def test_body_under_limit_is_fine(small_server):
    body = _big_v2_body(100)
    assert len(body) < 1024
    status, _, data = post(INFER, body, JSON, port=small_server.http_port)
    assert status == 200, data


def test_v1_body_over_limit_is_413(small_server):
    body = json.dumps({"instances": list(range(1000))}).encode()
    status, headers, data = post(PREDICT, body, JSON, port=small_server.http_port)
    assert_json_error(status, headers, data, 413)


def test_chunked_body_over_limit_is_413(small_server):
    body = _big_v2_body(1000)
    payload = (b"POST /v2/models/echo/infer HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
               b"Transfer-Encoding: chunked\r\nConnection: close\r\n\r\n"
               + b"".join(b"%x\r\n" % len(body[i:i + 256]) + body[i:i + 256] + b"\r\n"
                          for i in range(0, len(body), 256)) + b"0\r\n\r\n")
    answer = raw_exchange(payload, port=small_server.http_port)
    assert answer.startswith(b"HTTP/1.1 413"), answer[:300]
    head, _, rest = answer.partition(b"\r\n\r\n")
    assert b"application/json" in head.lower()
    assert_good_request_works(port=small_server.http_port, pid=small_server.proc.pid)


def test_expect_continue_over_limit_ends_in_413(small_server):
    """Expect: 100-continue with a Content-Length over the limit: the best answer is 413 before the body (the server
    knows the length); answering 100 Continue is allowed by RFC 9110, but then the body must still get 413."""
    body = _big_v2_body(1000)
    with socket.create_connection((HOST, small_server.http_port), timeout=5) as s:
        s.sendall(b"POST /v2/models/echo/infer HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                  b"Content-Length: %d\r\nExpect: 100-continue\r\nConnection: close\r\n\r\n" % len(body))
        answer = s.recv(65536)
        if answer.startswith(b"HTTP/1.1 100"):
            answer = answer.partition(b"\r\n\r\n")[2]
            try:
                s.sendall(body)
            except OSError:
                pass
            while b"\r\n\r\n" not in answer:
                more = s.recv(65536)
                if not more:
                    break
                answer += more
    assert answer.startswith(b"HTTP/1.1 413"), answer[:300]
    assert_good_request_works(port=small_server.http_port, pid=small_server.proc.pid)


def test_expect_continue_over_limit_gets_413_before_the_body(small_server):
    """The server knows the length up front: 413 at once, no 100 Continue, so the client never uploads the body."""
    with socket.create_connection((HOST, small_server.http_port), timeout=5) as s:
        s.sendall(b"POST /v2/models/echo/infer HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                  b"Content-Length: 50000000\r\nExpect: 100-continue\r\n\r\n")
        answer = s.recv(65536)
    assert answer.startswith(b"HTTP/1.1 413"), answer[:300]


def test_many_bad_requests_in_a_row():
    for i in range(200):
        status, _, data = post(INFER, b"{bad" + str(i).encode(), JSON)
        assert status == 422
    assert_good_request_works()
