"""A server that cannot start says why in one log line and exits with the status KServe's Python server exits with
(0.21: 3, uvicorn's STARTUP_FAILURE, after "[Errno 98] error while attempting to bind on address ..." for the REST
port; 1 for the gRPC port), instead of trapping with a stack trace."""

import errno
import socket
import subprocess

import pytest

from conftest import ECHO_BIN, HOST, TRANSFORMER_BIN, free_port


def held_port():
    """A listening socket on 127.0.0.1 and its port; the caller closes it."""
    sock = socket.socket()
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind((HOST, 0))
    sock.listen()
    return sock, sock.getsockname()[1]


def start(binary, http_port, grpc_port):
    args = [binary, "--http_port", str(http_port), "--grpc_port", str(grpc_port), "--bind_address", HOST]
    if binary == TRANSFORMER_BIN:
        args += ["--model_name", "m", "--predictor_host", f"{HOST}:{free_port()}"]
    return subprocess.run(args, capture_output=True, text=True, timeout=60)


def assert_clean_failure(result, status, line):
    assert result.returncode == status, (result.returncode, result.stderr[-2000:])
    assert line in result.stderr, result.stderr[-2000:]
    for crash in ("Fatal error", "Program crashed", "Backtrac"):
        assert crash not in result.stderr, result.stderr[-2000:]


@pytest.mark.parametrize("binary", [TRANSFORMER_BIN, ECHO_BIN], ids=["identity-transformer", "echo-predictor"])
def test_taken_http_port(binary):
    sock, port = held_port()
    with sock:
        result = start(binary, port, free_port())
    assert_clean_failure(
        result, 3, f"[Errno {errno.EADDRINUSE}] error while attempting to bind on address ('{HOST}', {port}): "
                "address already in use")


@pytest.mark.parametrize("binary", [TRANSFORMER_BIN, ECHO_BIN], ids=["identity-transformer", "echo-predictor"])
def test_taken_grpc_port(binary):
    sock, port = held_port()
    with sock:
        result = start(binary, free_port(), port)
    assert_clean_failure(result, 1, f"Failed to bind to address {HOST}:{port}: address already in use")
