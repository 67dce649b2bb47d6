#!/usr/bin/env python3
"""HTTP/1.1 keep-alive test server for PredictorClientTests.

Binds 127.0.0.1 on the port given as the first argument (0: any free port), prints the port on one line, and
serves until killed or until its standard input closes (the test process ended). Every request is answered according to its query string:

  (none)             200 with a JSON echo: method, path, headers ([[name, value], ...] in order), body (base64),
                     client_port (the peer port of the connection, so a test can count connections)
  raw=1              200 with the request body itself as the response body (application/octet-stream)
  status=N           answer with status N (the echo as body)
  delay=S            sleep S seconds before answering
  header=NAME:VALUE  add a response header (may repeat)
  mode=truncate      announce Content-Length 1000, send 10 bytes, close the connection
  mode=reset         close the connection with a TCP reset, sending nothing
  mode=hang          accept the request and never answer; record when the client closes the connection

GET /_stats answers {"connections": distinct connections accepted so far, "hang_closed": hung connections the
client has closed}.
"""

import base64
import json
import os
import socket
import struct
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

lock = threading.Lock()
connections = 0
hang_closed = 0


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def setup(self):
        global connections
        super().setup()
        # Headers and body go out in separate writes: without this, Nagle's algorithm and the client's delayed ACK
        # add 40 ms to every response on a kept-alive connection.
        self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        with lock:
            connections += 1

    def log_message(self, format, *args):
        pass

    def do_GET(self):
        self.handle_any()

    def do_POST(self):
        self.handle_any()

    def do_PUT(self):
        self.handle_any()

    def do_DELETE(self):
        self.handle_any()

    def do_PATCH(self):
        self.handle_any()

    def do_HEAD(self):
        # The head a GET of the same path would get, without the body.
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", "2")
        self.send_header("X-Method", self.command)
        self.end_headers()

    def handle_any(self):
        global hang_closed
        url = urlsplit(self.path)
        query = parse_qs(url.query)
        length = int(self.headers.get("Content-Length", "0"))
        body = self.rfile.read(length) if length > 0 else b""

        if url.path == "/_stats":
            with lock:
                self.send_body(200, "application/json", json.dumps({"connections": connections, "hang_closed": hang_closed}).encode())
            return

        if "delay" in query:
            time.sleep(float(query["delay"][0]))

        mode = query.get("mode", [""])[0]
        if mode == "reset":
            self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            self.connection.close()
            self.close_connection = True
            return
        if mode == "truncate":
            self.wfile.write(b"HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 1000\r\n\r\n0123456789")
            self.wfile.flush()
            self.connection.shutdown(socket.SHUT_RDWR)
            self.close_connection = True
            return
        if mode == "hang":
            try:
                while self.connection.recv(65536):
                    pass
            except OSError:
                pass
            with lock:
                hang_closed += 1
            self.close_connection = True
            return

        status = int(query.get("status", ["200"])[0])
        extra = [h.split(":", 1) for h in query.get("header", [])]
        if "raw" in query:
            self.send_body(status, "application/octet-stream", body, extra)
            return
        echo = {
            "method": self.command,
            "path": self.path,
            "headers": [[name, value] for name, value in self.headers.items()],
            "body": base64.b64encode(body).decode(),
            "client_port": self.client_address[1],
        }
        self.send_body(status, "application/json", json.dumps(echo).encode(), extra)

    def send_body(self, status, content_type, body, extra=()):
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        for name, value in extra:
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(body)


class Server(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 1024


def exit_when_parent_goes():
    """The test process holds our standard input open; when it ends, for whatever reason, so does this server."""
    while sys.stdin.buffer.read(65536):
        pass
    os._exit(0)


def main():
    threading.Thread(target=exit_when_parent_goes, daemon=True).start()
    server = Server(("127.0.0.1", int(sys.argv[1]) if len(sys.argv) > 1 else 0), Handler)
    print(server.server_address[1], flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main()
