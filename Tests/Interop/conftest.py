"""Shared helpers for the interop tests.

scripts/interop-tests starts one echo-predictor and passes it in through the environment:
  INTEROP_HTTP_PORT, INTEROP_GRPC_PORT  its ports on 127.0.0.1
  INTEROP_SERVER_PID                    its process id (the tests check it is still alive after bad input)
  INTEROP_SERVER_BIN                    the echo-predictor executable, for tests that start their own server
Every test talks to 127.0.0.1 only.
"""

import http.client as httpclient
import json
import os
import signal
import socket
import subprocess
import time

import pytest

HOST = "127.0.0.1"


def _env_int(name):
    value = os.environ.get(name)
    if not value:
        pytest.exit(f"{name} is not set: run these tests through scripts/interop-tests", returncode=3)
    return int(value)


HTTP_PORT = _env_int("INTEROP_HTTP_PORT")
GRPC_PORT = _env_int("INTEROP_GRPC_PORT")
SERVER_PID = _env_int("INTEROP_SERVER_PID")
SERVER_BIN = os.environ.get("INTEROP_SERVER_BIN", "")


def free_port():
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind((HOST, 0))
        return s.getsockname()[1]


def request(method, path, body=None, headers=None, port=None, timeout=30):
    """One request on a fresh connection; returns (status, headers as a lower-cased dict, body bytes)."""
    conn = httpclient.HTTPConnection(HOST, port or HTTP_PORT, timeout=timeout)
    try:
        conn.request(method, path, body=body, headers=headers or {})
        resp = conn.getresponse()
        data = resp.read()
        return resp.status, {k.lower(): v for k, v in resp.getheaders()}, data
    finally:
        conn.close()


def json_body(data):
    """The body parsed as JSON (fails the test with the raw bytes if it is not JSON)."""
    try:
        return json.loads(data)
    except ValueError as e:
        pytest.fail(f"body is not JSON ({e}): {data[:300]!r}")


def assert_json_error(status, headers, data, expected_status, key="error"):
    """An error answer: the expected status, Content-Type application/json, a JSON object with `key`."""
    assert status == expected_status, f"status {status}, body {data[:300]!r}"
    assert headers.get("content-type", "").startswith("application/json"), headers
    body = json_body(data)
    assert isinstance(body, dict) and key in body, body
    return body


def server_alive(pid=None):
    try:
        os.kill(pid or SERVER_PID, 0)
    except ProcessLookupError:
        return False
    # A zombie still answers kill(0): look at its state.
    try:
        with open(f"/proc/{pid or SERVER_PID}/stat") as f:
            return f.read().split(") ", 1)[1][0] != "Z"
    except OSError:
        return False


def assert_good_request_works(port=None, pid=None):
    """The server process is alive and a good v2 request still gets the right answer."""
    assert server_alive(pid), "the server process died"
    body = json.dumps(
        {"id": "ok", "inputs": [{"name": "x", "shape": [3], "datatype": "INT32", "data": [1, 2, 3]}]}
    )
    status, headers, data = request(
        "POST", "/v2/models/echo/infer", body, {"Content-Type": "application/json"}, port=port
    )
    assert status == 200, data
    out = json_body(data)
    assert out["id"] == "ok"
    assert out["outputs"][0]["name"] == "output-0"
    assert out["outputs"][0]["data"] == [1, 2, 3]


def wait_ready(port, proc=None, timeout=60):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc is not None and proc.poll() is not None:
            raise RuntimeError(f"echo-predictor exited with {proc.returncode} before it was ready")
        try:
            status, _, _ = request("GET", "/v2/health/ready", port=port, timeout=2)
            if status == 200:
                return
        except OSError:
            pass
        time.sleep(0.1)
    raise RuntimeError(f"echo-predictor on port {port} not ready after {timeout} s")


class EchoServer:
    """A separate echo-predictor for tests that need other flags or that stop the server."""

    def __init__(self, *extra_args):
        if not SERVER_BIN:
            pytest.skip("INTEROP_SERVER_BIN not set")
        self.http_port = free_port()
        self.grpc_port = free_port()
        self.log_path = f"/tmp/interop-echo-{os.getpid()}-{self.http_port}.log"
        self.args = [
            SERVER_BIN,
            "--http_port", str(self.http_port),
            "--grpc_port", str(self.grpc_port),
            "--bind_address", HOST,
            "--model_name", "echo",
            "--enable_access_log", "false",
            *extra_args,
        ]
        self.proc = None

    def __enter__(self):
        self.log = open(self.log_path, "wb")
        self.proc = subprocess.Popen(self.args, stdout=self.log, stderr=subprocess.STDOUT)
        try:
            wait_ready(self.http_port, self.proc)
        except Exception:
            self.stop()
            raise
        return self

    def output(self):
        with open(self.log_path, "rb") as f:
            return f.read().decode("utf-8", "replace")

    def stop(self):
        if self.proc is not None and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=40)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.log.close()

    def __exit__(self, *exc):
        self.stop()
        try:
            os.unlink(self.log_path)
        except OSError:
            pass
        return False
