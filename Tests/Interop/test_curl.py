"""The command-line client: curl against the running echo-predictor, real sockets, exact bytes."""

import json
import os
import struct
import subprocess
import tempfile

import pytest

from conftest import HOST, HTTP_PORT, assert_good_request_works

BASE = f"http://{HOST}:{HTTP_PORT}"


class Answer:
    def __init__(self, status, headers, body, verbose, seconds):
        self.status = status
        self.headers = headers
        self.body = body
        self.verbose = verbose
        self.seconds = seconds

    def json(self):
        return json.loads(self.body)


def curl(*args, data_file=None):
    """Run curl; returns the final status, lower-cased headers of the final response, body, -v output, time."""
    with tempfile.TemporaryDirectory() as d:
        body_path = os.path.join(d, "body")
        head_path = os.path.join(d, "head")
        cmd = [
            "curl", "-sS", "-v", "--noproxy", "*", "--max-time", "30",
            "-o", body_path, "-D", head_path, "-w", "%{http_code} %{time_total}",
            *args,
        ]
        if data_file is not None:
            cmd += ["--data-binary", "@" + data_file]
        proc = subprocess.run(cmd, capture_output=True)
        assert proc.returncode == 0, f"curl failed ({proc.returncode}): {proc.stderr.decode(errors='replace')}"
        code, seconds = proc.stdout.decode().split()
        with open(body_path, "rb") as f:
            body = f.read()
        with open(head_path, "rb") as f:
            raw_head = f.read().decode("latin-1")
    # -D keeps every response (100 Continue first): keep the headers of the last one.
    blocks = [b for b in raw_head.split("\r\n\r\n") if b.strip()]
    headers = {}
    for line in blocks[-1].split("\r\n")[1:]:
        name, _, value = line.partition(":")
        headers[name.strip().lower()] = value.strip()
    return Answer(int(code), headers, body, proc.stderr.decode("latin-1"), float(seconds))


def test_v1_predict_exact_bytes():
    a = curl("-X", "POST", f"{BASE}/v1/models/echo:predict",
             "-H", "Content-Type: application/json", "--data-binary", '{"instances":[[1,2]]}')
    assert a.status == 200
    assert a.body == b'{"predictions":[[1,2]]}'
    assert a.headers["content-type"] == "application/json"


def test_v1_predict_nested_values_round_trip():
    instances = [{"a": [1.5, -2, None, True]}, "text", [[0]]]
    a = curl("-X", "POST", f"{BASE}/v1/models/echo:predict",
             "-H", "Content-Type: application/json", "--data-binary", json.dumps({"instances": instances}))
    assert a.status == 200
    assert a.json() == {"predictions": instances}


def test_v1_unknown_model_404():
    a = curl("-X", "POST", f"{BASE}/v1/models/nope:predict",
             "-H", "Content-Type: application/json", "--data-binary", '{"instances":[1]}')
    assert a.status == 404
    assert a.json() == {"error": "Model with name nope does not exist."}


def test_v2_json_infer():
    body = {"id": "42", "inputs": [
        {"name": "a", "shape": [2, 2], "datatype": "UINT32", "data": [[1, 2], [3, 4]]},
        {"name": "b", "shape": [2], "datatype": "BYTES", "data": ["cat", "dög"]},
    ]}
    a = curl("-X", "POST", f"{BASE}/v2/models/echo/infer",
             "-H", "Content-Type: application/json", "--data-binary", json.dumps(body))
    assert a.status == 200
    assert a.headers["content-type"] == "application/json"
    assert "inference-header-content-length" not in a.headers
    out = a.json()
    assert out["model_name"] == "echo"
    assert out["id"] == "42"
    assert [o["name"] for o in out["outputs"]] == ["output-0", "output-1"]
    assert out["outputs"][0]["shape"] == [2, 2]
    assert out["outputs"][0]["datatype"] == "UINT32"
    assert out["outputs"][0]["data"] == [1, 2, 3, 4]  # flattened row-major
    assert out["outputs"][1]["datatype"] == "BYTES"
    assert out["outputs"][1]["data"] == ["cat", "dög"]


def test_v2_json_exact_key_order():
    body = '{"id":"1","inputs":[{"name":"a","shape":[1,2],"datatype":"INT32","data":[[1,2]]}]}'
    a = curl("-X", "POST", f"{BASE}/v2/models/echo/infer",
             "-H", "Content-Type: application/json", "--data-binary", body)
    assert a.status == 200
    assert a.body == (b'{"model_name":"echo","model_version":null,"id":"1","parameters":null,"outputs":'
                      b'[{"name":"output-0","shape":[1,2],"datatype":"INT32","parameters":null,"data":[1,2]}]}')


def test_v2_binary_body_by_hand(tmp_path):
    header = json.dumps({
        "id": "42",
        "inputs": [
            {"name": "input0", "shape": [2], "datatype": "FP32", "parameters": {"binary_data_size": 8}},
            {"name": "text", "shape": [2], "datatype": "BYTES", "parameters": {"binary_data_size": 14}},
        ],
        "outputs": [
            {"name": "output-0", "parameters": {"binary_data": True}},
            {"name": "output-1", "parameters": {"binary_data": True}},
        ],
    }, separators=(",", ":")).encode()
    tensors = bytes.fromhex("0000803f00000040") + bytes.fromhex("03000000636174" "03000000646f67")
    path = tmp_path / "body.bin"
    path.write_bytes(header + tensors)
    a = curl("-X", "POST", f"{BASE}/v2/models/echo/infer",
             "-H", "Content-Type: application/octet-stream",
             "-H", f"Inference-Header-Content-Length: {len(header)}", data_file=str(path))
    assert a.status == 200, a.body
    n = int(a.headers["inference-header-content-length"])
    meta = json.loads(a.body[:n])
    assert meta["id"] == "42" and meta["model_name"] == "echo"
    o0, o1 = meta["outputs"]
    assert (o0["name"], o0["shape"], o0["datatype"]) == ("output-0", [2], "FP32")
    assert o0["parameters"] == {"binary_data_size": 8} and "data" not in o0
    assert (o1["name"], o1["shape"], o1["datatype"]) == ("output-1", [2], "BYTES")
    assert o1["parameters"] == {"binary_data_size": 14} and "data" not in o1
    assert a.body[n:] == tensors


def test_v2_binary_input_json_output(tmp_path):
    header = json.dumps({"inputs": [
        {"name": "x", "shape": [3], "datatype": "INT64", "parameters": {"binary_data_size": 24}}]}).encode()
    path = tmp_path / "body.bin"
    path.write_bytes(header + struct.pack("<3q", -1, 0, 2**62))
    a = curl("-X", "POST", f"{BASE}/v2/models/echo/infer",
             "-H", f"Inference-Header-Content-Length: {len(header)}", data_file=str(path))
    assert a.status == 200, a.body
    assert "inference-header-content-length" not in a.headers
    out = a.json()["outputs"][0]
    assert out["datatype"] == "INT64" and out["shape"] == [3]
    assert out["data"] == [-1, 0, 2**62]


def test_health_ready():
    a = curl(f"{BASE}/v2/health/ready")
    assert a.status == 200
    assert a.json() == {"ready": True}


def test_health_live_and_root():
    assert curl(f"{BASE}/v2/health/live").json() == {"live": True}
    assert curl(f"{BASE}/").json() == {"status": "alive"}


def test_model_metadata():
    a = curl(f"{BASE}/v2/models/echo")
    assert a.status == 200
    assert a.body == b'{"name":"echo","versions":null,"platform":"","inputs":[],"outputs":[]}'


def test_model_ready_v1_v2():
    assert curl(f"{BASE}/v1/models/echo").json() == {"name": "echo", "ready": True}
    assert curl(f"{BASE}/v2/models/echo/ready").json() == {"name": "echo", "ready": True}
    assert curl(f"{BASE}/v1/models").json() == {"models": ["echo"]}


def test_server_metadata():
    a = curl(f"{BASE}/v2")
    assert a.json() == {"name": "kserve", "version": "0.20.0", "extensions": ["model_repository_extension"]}


def test_unknown_path_404():
    a = curl(f"{BASE}/does/not/exist")
    assert a.status == 404
    assert a.body == b'{"detail":"Not Found"}'


def test_wrong_method_405():
    a = curl("-X", "DELETE", f"{BASE}/v2/health/ready")
    assert a.status == 405
    assert a.body == b'{"detail":"Method Not Allowed"}'
    a = curl("-X", "GET", f"{BASE}/v2/models/echo/infer")
    assert a.status == 405


def test_versioned_infer_501():
    a = curl("-X", "POST", f"{BASE}/v2/models/echo/versions/1/infer",
             "-H", "Content-Type: application/json",
             "--data-binary", '{"inputs":[{"name":"a","shape":[1],"datatype":"INT32","data":[1]}]}')
    assert a.status == 501
    assert a.json() == {"error": "Model versioning not supported yet."}


def test_metrics_after_requests():
    curl("-X", "POST", f"{BASE}/v1/models/echo:predict",
         "-H", "Content-Type: application/json", "--data-binary", '{"instances":[1]}')
    a = curl(f"{BASE}/metrics")
    assert a.status == 200
    text = a.body.decode()
    assert 'request_predict_seconds_bucket{' in text and 'model_name="echo"' in text


def test_expect_100_continue_2mb(tmp_path):
    values = list(range(2 * 1024 * 1024 // 4))
    header = json.dumps({"inputs": [
        {"name": "x", "shape": [len(values)], "datatype": "INT32",
         "parameters": {"binary_data_size": 4 * len(values)}}],
        "parameters": {"binary_data_output": True}}).encode()
    tensor = struct.pack(f"<{len(values)}i", *values)
    path = tmp_path / "big.bin"
    path.write_bytes(header + tensor)
    assert path.stat().st_size > 2 * 1024 * 1024
    # curl adds "Expect: 100-continue" by itself for a body this large; say it explicitly too so that the test
    # does not depend on curl's threshold. If the server did not answer 100, curl would wait 1 s first.
    a = curl("-X", "POST", f"{BASE}/v2/models/echo/infer",
             "-H", "Expect: 100-continue",
             "-H", "Content-Type: application/octet-stream",
             "-H", f"Inference-Header-Content-Length: {len(header)}", data_file=str(path))
    assert "> Expect: 100-continue" in a.verbose
    assert "< HTTP/1.1 100 Continue" in a.verbose, a.verbose[-2000:]
    assert a.status == 200
    assert a.seconds < 0.9, f"took {a.seconds} s: curl waited for a 100 Continue that did not come"
    n = int(a.headers["inference-header-content-length"])
    assert a.body[n:] == tensor


def test_expect_100_continue_default_curl_behaviour(tmp_path):
    """No explicit header: curl >= 7.x sends Expect: 100-continue on its own for a body of 2 MB."""
    values = ["x" * 100] * (2 * 1024 * 1024 // 100)
    body = json.dumps({"instances": values}).encode()
    path = tmp_path / "big.json"
    path.write_bytes(body)
    a = curl("-X", "POST", f"{BASE}/v1/models/echo:predict",
             "-H", "Content-Type: application/json", data_file=str(path))
    assert a.status == 200
    assert a.seconds < 0.9, f"took {a.seconds} s"
    assert a.json() == {"predictions": values}
    if "> Expect: 100-continue" in a.verbose:
        assert "< HTTP/1.1 100 Continue" in a.verbose


def test_server_still_fine():
    assert_good_request_works()
