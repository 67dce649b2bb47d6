"""Graceful shutdown over real sockets, each test on an echo-predictor of its own.

echo-predictor has no slow model, so the request kept in flight is a large v2 binary upload that the client
holds half-sent: SIGTERM arrives after the server has accepted the request and is reading its body, the rest of
the body is sent afterwards, and the request must still complete with the right answer. (A request in flight
inside the model's predict would need a slow model: see the note at the end of this file.)
"""

import json
import signal
import socket
import time

import pytest

from conftest import HOST, EchoServer

GRACE = 10


def connect_refused(port):
    try:
        with socket.create_connection((HOST, port), timeout=2):
            return False
    except ConnectionRefusedError:
        return True


def wait_refused(port, timeout):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if connect_refused(port):
            return True
        time.sleep(0.05)
    return False


class Truncated(AssertionError):
    pass


def read_http_response(sock, timeout=60):
    """Read one HTTP/1.1 response with a Content-Length body; returns (status, headers, body)."""
    sock.settimeout(timeout)
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = sock.recv(65536)
        if not chunk:
            raise AssertionError(f"connection closed before the response head: {data[:300]!r}")
        data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    status = int(lines[0].split()[1])
    headers = {}
    for line in lines[1:]:
        k, _, v = line.partition(":")
        headers[k.strip().lower()] = v.strip()
    length = int(headers["content-length"])
    buf = bytearray(body)
    while len(buf) < length:
        chunk = sock.recv(1 << 20)
        if not chunk:
            raise Truncated(f"connection closed after {len(buf)} of {length} body bytes")
        buf += chunk
    return status, headers, bytes(buf)


def big_binary_request(n_bytes):
    tensor = bytes(range(256)) * (n_bytes // 256)
    header = json.dumps({"id": "big", "inputs": [{"name": "x", "shape": [len(tensor)], "datatype": "UINT8",
                                                   "parameters": {"binary_data_size": len(tensor)}}],
                         "parameters": {"binary_data_output": True}}, separators=(",", ":")).encode()
    head = (b"POST /v2/models/echo/infer HTTP/1.1\r\nHost: 127.0.0.1\r\n"
            b"Content-Type: application/octet-stream\r\n"
            b"Inference-Header-Content-Length: %d\r\nContent-Length: %d\r\n\r\n" % (len(header), len(header) + len(tensor)))
    return head, header + tensor, tensor



def read_or_xfail_on_truncation(sock, server):
    """Reads the whole answer; a truncated one fails the test."""
    # Fixed (DrainBeforeCloseHandler): a truncated answer is now a plain failure.
    return read_http_response(sock)


def test_in_flight_request_completes_new_connections_refused_exit_0():
    with EchoServer("--grace_period_seconds", str(GRACE)) as server:
        head, body, tensor = big_binary_request(50 * 1024 * 1024)
        half = len(body) // 2
        sock = socket.create_connection((HOST, server.http_port), timeout=30)
        try:
            sock.sendall(head + body[:half])
            time.sleep(0.5)  # the server has the request and half of its 50 MB body

            server.proc.send_signal(signal.SIGTERM)
            t0 = time.monotonic()

            # While the request is still in flight, the listeners close: new connections are refused.
            assert wait_refused(server.http_port, timeout=GRACE / 2), "HTTP port still accepts after SIGTERM"
            assert wait_refused(server.grpc_port, timeout=GRACE / 2), "gRPC port still accepts after SIGTERM"
            assert server.proc.poll() is None, "the server exited with a request in flight"

            sock.sendall(body[half:])
            status, headers, answer = read_or_xfail_on_truncation(sock, server)
        finally:
            sock.close()
        assert status == 200, answer[:300]
        n = int(headers["inference-header-content-length"])
        meta = json.loads(answer[:n])
        assert meta["id"] == "big"
        assert meta["outputs"][0]["parameters"]["binary_data_size"] == len(tensor)
        assert answer[n:] == tensor

        code = server.proc.wait(timeout=GRACE + 5)
        elapsed = time.monotonic() - t0
        assert code == 0, f"exit status {code}\n{server.output()[-3000:]}"
        assert elapsed < GRACE, f"took {elapsed:.1f} s to exit (grace {GRACE} s)"


def _in_flight_small_request(server):
    """A 4 MB upload held half-sent across SIGTERM; returns the answer and whether the server then closed."""
    head, body, tensor = big_binary_request(4 * 1024 * 1024)
    with socket.create_connection((HOST, server.http_port), timeout=30) as sock:
        sock.sendall(head + body[:1000])
        time.sleep(0.3)
        server.proc.send_signal(signal.SIGTERM)
        assert wait_refused(server.http_port, timeout=GRACE / 2), "HTTP port still accepts after SIGTERM"
        assert wait_refused(server.grpc_port, timeout=GRACE / 2), "gRPC port still accepts after SIGTERM"
        assert server.proc.poll() is None, "the server exited with a request in flight"
        sock.sendall(body[1000:])
        status, headers, answer = read_or_xfail_on_truncation(sock, server)
        sock.settimeout(GRACE)
        try:
            closed = sock.recv(1) == b""
        except (ConnectionResetError, socket.timeout):
            closed = False
    assert status == 200
    assert answer.endswith(tensor)
    return headers, closed


def test_in_flight_request_of_4mb_completes_new_connections_refused_then_closed():
    with EchoServer("--grace_period_seconds", str(GRACE)) as server:
        _, closed = _in_flight_small_request(server)
        assert closed, "the server kept the connection open after answering during shutdown"
        assert server.proc.wait(timeout=GRACE + 5) == 0


def test_in_flight_answer_says_connection_close():
    with EchoServer("--grace_period_seconds", str(GRACE)) as server:
        headers, _ = _in_flight_small_request(server)
        assert headers.get("connection", "").lower() == "close", headers


def test_idle_keep_alive_connection_does_not_delay_exit():
    with EchoServer("--grace_period_seconds", str(GRACE)) as server:
        sock = socket.create_connection((HOST, server.http_port), timeout=10)
        try:
            sock.sendall(b"GET /v2/health/live HTTP/1.1\r\nHost: x\r\n\r\n")
            status, _, body = read_http_response(sock)
            assert (status, body) == (200, b'{"live":true}')
            server.proc.send_signal(signal.SIGTERM)
            t0 = time.monotonic()
            code = server.proc.wait(timeout=GRACE + 5)
            elapsed = time.monotonic() - t0
        finally:
            sock.close()
        assert code == 0
        assert elapsed < 3, f"an idle keep-alive connection held the server {elapsed:.1f} s"


def test_stalled_request_is_cut_at_the_grace_period():
    grace = 2
    with EchoServer("--grace_period_seconds", str(grace)) as server:
        head, body, _ = big_binary_request(1024 * 1024)
        with socket.create_connection((HOST, server.http_port), timeout=10) as sock:
            sock.sendall(head + body[:100])  # and never the rest
            time.sleep(0.3)
            server.proc.send_signal(signal.SIGTERM)
            t0 = time.monotonic()
            try:
                code = server.proc.wait(timeout=grace + 5)
            except Exception:
                pytest.fail(f"still running {grace + 5} s after SIGTERM with a {grace} s grace period")
            elapsed = time.monotonic() - t0
        assert elapsed < grace + 3, f"exit took {elapsed:.1f} s with a {grace} s grace period"
        assert code == 0, f"exit status {code}\n{server.output()[-3000:]}"


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT], ids=["SIGTERM", "SIGINT"])
def test_signal_when_idle_exits_0_fast(sig):
    with EchoServer() as server:
        server.proc.send_signal(sig)
        t0 = time.monotonic()
        code = server.proc.wait(timeout=35)
        elapsed = time.monotonic() - t0
        assert code == 0, f"exit status {code}\n{server.output()[-3000:]}"
        assert elapsed < 3, f"took {elapsed:.1f} s"
        assert connect_refused(server.http_port) and connect_refused(server.grpc_port)


# Not tested here: a request in flight *inside the model* (predict running) when SIGTERM arrives. echo-predictor
# answers instantly, so the only honest in-flight window is the body upload used above. A `--sleep SECONDS` knob
# on echo-predictor (predict waits that long) would let a test hold a request inside predict across SIGTERM, over
# REST and gRPC alike.
