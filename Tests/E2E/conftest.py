"""Shared helpers of the transformer end-to-end tests.

Every server these tests talk to is a real process on 127.0.0.1, started by a fixture or a test and stopped by its
process id (SIGTERM, then SIGKILL after a grace period) when the test or module ends, also when it fails; whatever is
still running when the session ends is stopped the same way.

  E2E_BIN_DIR   directory of the built `identity-transformer` and `echo-predictor` (scripts/e2e-tests sets it;
                default: .build/debug of the package)
  E2E_PID_FILE  optional: the pid of every process started is appended to it, so that scripts/e2e-tests can stop
                what a killed pytest left behind
"""

import http.client as httpclient
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest

HOST = "127.0.0.1"
HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
SERVERS = HERE / "servers"
PYTHON = sys.executable
BIN_DIR = Path(os.environ.get("E2E_BIN_DIR") or ROOT / ".build" / "debug")
TRANSFORMER_BIN = BIN_DIR / "identity-transformer"
ECHO_BIN = BIN_DIR / "echo-predictor"
LOG_DIR = Path(tempfile.mkdtemp(prefix="e2e-logs-"))

for name in ("NO_PROXY", "no_proxy"):
    os.environ[name] = "127.0.0.1,localhost" + ("," + os.environ[name] if os.environ.get(name) else "")
for name in ("REQUESTS_CA_BUNDLE", "CURL_CA_BUNDLE"):
    os.environ.pop(name, None)  # only the TLS tests set these, for one transformer each


def free_port():
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind((HOST, 0))
        return s.getsockname()[1]


# --- HTTP -------------------------------------------------------------------------------------------------------------


class Response:
    def __init__(self, status, headers, body, elapsed):
        self.status = status
        self.headers = headers  # lower-cased names
        self.body = body
        self.elapsed = elapsed

    def json(self):
        try:
            return json.loads(self.body)
        except ValueError as e:
            pytest.fail(f"body is not JSON ({e}): status {self.status}, {self.body[:500]!r}")

    def __repr__(self):
        return f"<{self.status} {self.body[:500]!r}>"


def http(method, port, path, body=None, headers=None, timeout=30):
    """One request on a fresh connection to 127.0.0.1:port."""
    if isinstance(body, (dict, list)):
        body = json.dumps(body)
        headers = {"Content-Type": "application/json", **(headers or {})}
    conn = httpclient.HTTPConnection(HOST, port, timeout=timeout)
    start = time.monotonic()
    try:
        conn.request(method, path, body=body, headers=headers or {})
        resp = conn.getresponse()
        data = resp.read()
        return Response(resp.status, {k.lower(): v for k, v in resp.getheaders()}, data, time.monotonic() - start)
    finally:
        conn.close()


def post(port, path, body, headers=None, timeout=30):
    return http("POST", port, path, body, headers, timeout)


def assert_error(resp, status, *fragments):
    """An `{"error": ...}` answer with this status whose message contains every fragment; returns the message."""
    assert resp.status == status, f"expected {status}, got {resp!r}"
    assert resp.headers.get("content-type", "").startswith("application/json"), resp.headers
    body = resp.json()
    assert isinstance(body, dict) and isinstance(body.get("error"), str), body
    for fragment in fragments:
        assert fragment in body["error"], f"{fragment!r} not in error {body['error']!r}"
    return body["error"]


# --- processes ----------------------------------------------------------------------------------------------------------

_started = []


class Proc:
    """A server process: started with its output in a log file, stopped by its pid."""

    def __init__(self, name, args, env=None):
        self.name = name
        self.args = [str(a) for a in args]
        self.env = env
        self.proc = None
        self.log_path = LOG_DIR / f"{name}-{len(_started)}.log"

    @property
    def pid(self):
        return self.proc.pid

    def start(self, ready=None, timeout=60):
        """Starts the process and waits until `ready()` is true (any exception counts as not yet)."""
        env = dict(os.environ)
        env.update(self.env or {})
        with open(self.log_path, "ab") as log:
            self.proc = subprocess.Popen(self.args, stdout=log, stderr=subprocess.STDOUT, env=env, start_new_session=True)
        _started.append(self)
        if os.environ.get("E2E_PID_FILE"):
            with open(os.environ["E2E_PID_FILE"], "a") as f:
                f.write(f"{self.proc.pid}\n")
        if ready is None:
            return self
        deadline = time.monotonic() + timeout
        while True:
            if self.proc.poll() is not None:
                raise RuntimeError(f"{self.name} exited with {self.proc.returncode} before it was ready:\n{self.log_tail()}")
            try:
                if ready():
                    return self
            except (OSError, httpclient.HTTPException):
                pass
            if time.monotonic() > deadline:
                self.stop()
                raise RuntimeError(f"{self.name} not ready after {timeout} s:\n{self.log_tail()}")
            time.sleep(0.05)

    def alive(self):
        return self.proc is not None and self.proc.poll() is None

    def signal(self, sig):
        os.kill(self.proc.pid, sig)

    def stop(self, grace=10):
        if self.proc is None:
            return
        if self.proc.poll() is None:
            try:
                os.kill(self.proc.pid, signal.SIGTERM)
                self.proc.wait(timeout=grace)
            except subprocess.TimeoutExpired:
                os.kill(self.proc.pid, signal.SIGKILL)
                self.proc.wait()
            except ProcessLookupError:
                pass
        if self in _started:
            _started.remove(self)

    def log_text(self):
        try:
            return self.log_path.read_text(errors="replace")
        except OSError:
            return ""

    def log_tail(self, lines=40):
        return "\n".join(self.log_text().splitlines()[-lines:])

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.stop()
        return False


def stop_all():
    for proc in list(reversed(_started)):
        proc.stop()


def pytest_sessionfinish(session, exitstatus):
    stop_all()
    if exitstatus == 0:
        shutil.rmtree(LOG_DIR, ignore_errors=True)


def pytest_terminal_summary(terminalreporter, exitstatus):
    if exitstatus != 0:
        terminalreporter.write_line(f"server logs of this run: {LOG_DIR}")


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    """On a failure, the tails of the logs of the processes still running go into the report."""
    outcome = yield
    report = outcome.get_result()
    if report.failed:
        for proc in _started:
            lines = [line for line in proc.log_text().splitlines() if " kserve.trace " not in line]
            report.sections.append((f"log of {proc.name} (pid {proc.proc.pid})", "\n".join(lines[-20:])))


def _http_ok(port, path):
    return lambda: http("GET", port, path, timeout=2).status == 200


def start_echo_predictor(model_name="echo", http_port=None, grpc_port=None, extra=()):
    """Our standalone predictor (echo-predictor)."""
    http_port = http_port or free_port()
    grpc_port = grpc_port or free_port()
    proc = Proc(
        "echo-predictor",
        [ECHO_BIN, "--http_port", http_port, "--grpc_port", grpc_port, "--bind_address", HOST,
         "--model_name", model_name, "--enable_access_log", "false", *extra],
    )
    proc.http_port, proc.grpc_port = http_port, grpc_port
    return proc.start(_http_ok(http_port, "/v2/health/ready"))


def start_kserve_predictor(model_name="echo"):
    """The Python KServe predictor (servers/kserve_echo.py, the `kserve` package from PyPI)."""
    http_port, grpc_port = free_port(), free_port()
    proc = Proc(
        "kserve-predictor",
        [PYTHON, SERVERS / "kserve_echo.py", "--http_port", http_port, "--grpc_port", grpc_port,
         "--model_name", model_name],
    )
    proc.http_port, proc.grpc_port = http_port, grpc_port

    def ready():
        if http("GET", http_port, "/v2/health/ready", timeout=2).status != 200:
            return False
        with socket.create_connection((HOST, grpc_port), timeout=2):
            return True

    return proc.start(ready, timeout=120)


def start_transformer(predictor_host, protocol="v1", model_name="echo", extra=(), env=None, ready_path="/v2/health/live"):
    """identity-transformer in front of `predictor_host` (host:port[/prefix])."""
    http_port, grpc_port = free_port(), free_port()
    args = [TRANSFORMER_BIN, "--http_port", http_port, "--grpc_port", grpc_port, "--bind_address", HOST,
            "--model_name", model_name, "--enable_access_log", "false"]
    if predictor_host is not None:
        args += ["--predictor_host", predictor_host, "--predictor_protocol", protocol]
    proc = Proc("identity-transformer", args + list(extra), env=env)
    proc.http_port, proc.grpc_port = http_port, grpc_port
    return proc.start(_http_ok(http_port, ready_path))


def start_python_server(script, *args, name=None, ready=None, ready_log=None, env=None):
    """One of the small Python servers in servers/; ready when `ready()` is true or its log contains `ready_log`."""
    proc = Proc(name or Path(script).stem, [PYTHON, "-u", SERVERS / script, *args], env=env)
    if ready_log is not None:
        ready = lambda: ready_log in proc.log_text()  # noqa: E731
    return proc.start(ready)


def port_open(port):
    def check():
        with socket.create_connection((HOST, port), timeout=1):
            return True

    return check


class RecordingServer:
    """servers/recording_server.py: answers like an echo predictor and records every request it gets."""

    def __init__(self, delay=0.0):
        self.port = free_port()
        args = ["--port", self.port]
        if delay:
            args += ["--delay", delay]
        self.proc = start_python_server("recording_server.py", *args, ready=port_open(self.port))

    @property
    def host(self):
        return f"{HOST}:{self.port}"

    def records(self):
        return http("GET", self.port, "/_records").json()

    def reset(self):
        assert http("POST", self.port, "/_reset", b"").status == 200

    def stop(self):
        self.proc.stop()


class Stack:
    """Predictors and transformers shared by the tests of one module, started on first use, stopped at its end.

    predictor(kind): "kserve" (the Python KServe predictor) or "echo" (our echo-predictor), model `echo`.
    transformer(kind, protocol, *extra): identity-transformer `echo` in front of that predictor, speaking
    `protocol` (v1, v2 or grpc-v2) to it.
    """

    def __init__(self):
        self.procs = {}

    def predictor(self, kind):
        if kind not in self.procs:
            self.procs[kind] = start_kserve_predictor() if kind == "kserve" else start_echo_predictor()
        return self.procs[kind]

    def transformer(self, kind, protocol, *extra):
        key = (kind, protocol, extra)
        if key not in self.procs:
            predictor = self.predictor(kind)
            port = predictor.grpc_port if protocol == "grpc-v2" else predictor.http_port
            self.procs[key] = start_transformer(f"{HOST}:{port}", protocol, extra=extra)
        return self.procs[key]

    def close(self):
        for proc in reversed(list(self.procs.values())):
            proc.stop()


@pytest.fixture(scope="module")
def stack():
    s = Stack()
    yield s
    s.close()
