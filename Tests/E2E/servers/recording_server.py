"""A predictor that records what it gets: headers, path, body, and the client port of each request's connection.

  python recording_server.py --port P [--delay SECONDS]

Answers like an echo predictor (HTTP/1.1, keep-alive):
  POST /v1/models/<m>:predict   {"instances": X} -> {"predictions": X}
  POST /v1/models/<m>:explain   body B -> {"explanations": B, "model": m}
  POST /v2/models/<m>/infer     input i -> output `output-<i>` (JSON data, or the same binary section)
  GET  /  /v2/health/ready  /v1/models/<m>  /v2/models/<m>/ready   alive / ready
  (any path prefix before /v1/ or /v2/ is ignored)
Control (not recorded):
  GET  /_records   [{"method", "path", "headers": [[name, value], ...], "body", "body_b64", "body_length",
                   "client_port"}]
  POST /_reset     forgets the records
"""

import argparse
import base64
import json
import socket
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

lock = threading.Lock()
records = []
DELAY = 0.0


def unprefixed(path):
    """The path without a leading prefix (a predictor behind `--predictor_host host:port/prefix`)."""
    for marker in ("/v1/", "/v2/"):
        if marker in path:
            return path[path.index(marker):]
    return path


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def setup(self):
        super().setup()
        # Headers and body go out in two writes: without this, Nagle and delayed ACKs add 40 ms per answer.
        self.request.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

    def reply(self, status, body, content_type="application/json", extra=()):
        if isinstance(body, (dict, list)):
            body = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        for name, value in extra:
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(body)

    def record(self, body):
        with lock:
            records.append({
                "method": self.command,
                "path": self.path,
                "headers": [[k, v] for k, v in self.headers.items()],
                "body": body.decode("utf-8", "replace"),
                "body_b64": base64.b64encode(body).decode(),
                "body_length": len(body),
                "client_port": self.client_address[1],
                "time": time.time(),
            })

    def do_GET(self):
        path = self.path
        if path == "/_records":
            with lock:
                return self.reply(200, list(records))
        self.record(b"")
        path = unprefixed(path)
        if path == "/":
            return self.reply(200, {"status": "alive"})
        if path == "/v2/health/ready":
            return self.reply(200, {"ready": True})
        if path.startswith("/v1/models/"):
            return self.reply(200, {"name": path.rsplit("/", 1)[1], "ready": True})
        if path.startswith("/v2/models/") and path.endswith("/ready"):
            return self.reply(200, {"name": path.split("/")[3], "ready": True})
        return self.reply(404, {"error": f"no route {path}"})

    def do_POST(self):
        length = int(self.headers.get("Content-Length", "0"))
        body = self.rfile.read(length)
        if self.path == "/_reset":
            with lock:
                records.clear()
            return self.reply(200, {"reset": True})
        self.record(body)
        if DELAY:
            time.sleep(DELAY)
        path = unprefixed(self.path)
        if path.startswith("/v1/models/") and path.endswith(":predict"):
            payload = json.loads(body)
            return self.reply(200, {"predictions": payload.get("instances")})
        if path.startswith("/v1/models/") and path.endswith(":explain"):
            model = path[len("/v1/models/"):-len(":explain")]
            return self.reply(200, {"explanations": json.loads(body), "model": model})
        if path.startswith("/v2/models/") and path.endswith("/infer"):
            return self.infer(path.split("/")[3], body)
        return self.reply(404, {"error": f"no route {path}"})

    def infer(self, model, body):
        header_length = self.headers.get("Inference-Header-Content-Length")
        json_part = body[: int(header_length)] if header_length else body
        binary = body[len(json_part):]
        request = json.loads(json_part)
        outputs, sections, offset = [], [], 0
        for index, tensor in enumerate(request["inputs"]):
            output = {"name": f"output-{index}", "datatype": tensor["datatype"], "shape": tensor["shape"]}
            size = (tensor.get("parameters") or {}).get("binary_data_size")
            if size is not None:
                output["parameters"] = {"binary_data_size": size}
                sections.append(binary[offset:offset + size])
                offset += size
            else:
                output["data"] = tensor["data"]
            outputs.append(output)
        response = json.dumps({"model_name": model, "id": request.get("id", ""), "outputs": outputs}).encode()
        if not sections:
            return self.reply(200, response)
        return self.reply(200, response + b"".join(sections), "application/octet-stream",
                          [("Inference-Header-Content-Length", str(len(response)))])


class Server(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 1024


def main():
    global DELAY
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--delay", type=float, default=0.0)
    args = parser.parse_args()
    DELAY = args.delay
    server = Server(("127.0.0.1", args.port), Handler)
    server.serve_forever()


if __name__ == "__main__":
    main()
