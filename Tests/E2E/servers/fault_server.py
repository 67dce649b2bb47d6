"""A predictor that misbehaves on purpose; the model name in the request path chooses how.

  python fault_server.py --port P [--listen-on-signal]

Paths: POST /v1/models/<mode>:predict or POST /v2/models/<mode>/infer, where <mode> is
  ok         200 with a correct answer (v1: {"predictions": instances}; v2: input i -> output-<i>, JSON)
  hang       reads the request and never answers (the connection stays open)
  bad400     400 {"error":"bad"}
  err500     500 {"error":"boom"}
  badjson    200 application/json whose body is not JSON
  truncated  200 with Content-Length 200 and only the first 20 bytes of the body, then closes
  reset      reads the request, then resets the connection (SO_LINGER 0)
  slowok     like ok, after 0.5 s
With --listen-on-signal the port is bound and listened on only after SIGUSR1 (until then: connection refused).
Each request is logged on stdout as `<time> <client port> <method> <path>`.
"""

import argparse
import json
import signal
import socket
import struct
import sys
import threading
import time


def log(*parts):
    print(f"{time.time():.3f}", *parts, flush=True)


def read_request(conn, buffer):
    """(method, path, headers, body, rest of buffer) or None when the client closed."""
    while b"\r\n\r\n" not in buffer:
        chunk = conn.recv(65536)
        if not chunk:
            return None
        buffer += chunk
    head, buffer = buffer.split(b"\r\n\r\n", 1)
    lines = head.decode("latin-1").split("\r\n")
    method, path, _ = lines[0].split(" ", 2)
    headers = {}
    for line in lines[1:]:
        name, _, value = line.partition(":")
        headers[name.strip().lower()] = value.strip()
    length = int(headers.get("content-length", "0"))
    while len(buffer) < length:
        chunk = conn.recv(65536)
        if not chunk:
            return None
        buffer += chunk
    return method, path, headers, buffer[:length], buffer[length:]


def response(status, body, content_type="application/json", length=None):
    reason = {200: "OK", 400: "Bad Request", 404: "Not Found", 500: "Internal Server Error"}[status]
    head = (f"HTTP/1.1 {status} {reason}\r\nContent-Type: {content_type}\r\n"
            f"Content-Length: {len(body) if length is None else length}\r\n\r\n")
    return head.encode() + body


def good_answer(path, body):
    payload = json.loads(body) if body else {}
    if path.startswith("/v1/"):
        return json.dumps({"predictions": payload.get("instances")}).encode()
    model = path.split("/")[3]
    outputs = [{"name": f"output-{i}", "datatype": t["datatype"], "shape": t["shape"], "data": t["data"]}
               for i, t in enumerate(payload.get("inputs", []))]
    return json.dumps({"model_name": model, "id": payload.get("id", ""), "outputs": outputs}).encode()


def mode_of(path):
    if path.startswith("/v1/models/"):
        return path[len("/v1/models/"):].split(":", 1)[0]
    if path.startswith("/v2/models/"):
        return path.split("/")[3]
    return ""


def handle(conn, client_port):
    buffer = b""
    try:
        while True:
            request = read_request(conn, buffer)
            if request is None:
                return
            method, path, headers, body, buffer = request
            log(client_port, method, path)
            if method == "GET":  # health checks
                conn.sendall(response(200, b'{"status":"alive","ready":true}'))
                continue
            mode = mode_of(path)
            if mode == "ok":
                conn.sendall(response(200, good_answer(path, body)))
            elif mode == "slowok":
                time.sleep(0.5)
                conn.sendall(response(200, good_answer(path, body)))
            elif mode == "hang":
                while conn.recv(65536):
                    pass
                return
            elif mode == "bad400":
                conn.sendall(response(400, b'{"error":"bad"}'))
            elif mode == "err500":
                conn.sendall(response(500, b'{"error":"boom"}'))
            elif mode == "badjson":
                conn.sendall(response(200, b"this is not JSON {"))
            elif mode == "truncated":
                full = good_answer(path, body) + b" " * 200
                conn.sendall(response(200, full[:20], length=200))
                return
            elif mode == "reset":
                conn.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
                return
            else:
                conn.sendall(response(404, json.dumps({"error": f"unknown mode {mode!r}"}).encode()))
    except OSError:
        pass
    finally:
        conn.close()


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--listen-on-signal", action="store_true")
    args = parser.parse_args()
    if args.listen_on_signal:
        go = threading.Event()
        signal.signal(signal.SIGUSR1, lambda *_: go.set())
        log("waiting for SIGUSR1")
        while not go.wait(0.01):
            pass
    server = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    server.bind(("127.0.0.1", args.port))
    server.listen(1024)
    log("listening on", args.port)
    while True:
        conn, address = server.accept()
        threading.Thread(target=handle, args=(conn, address[1]), daemon=True).start()


if __name__ == "__main__":
    sys.exit(main())
