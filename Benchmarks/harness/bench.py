#!/usr/bin/env python3
"""The benchmark of issue 5, driven by scripts/bench (which installs what it needs and holds the build lock).

Sections, all on 127.0.0.1, every row a fixed duration after a short warm-up:
  transformer  identity transformers in front of nginx serving fixed v1 / v2 bodies: (a) direct, (b) nginx reverse
               proxy with a keep-alive upstream pool, (c) the Python KServe transformer, (d) swift-kserve's
               identity-transformer over v1, v2 JSON, v2 binary and gRPC in -> REST v2 out; ~1 KB and ~1 MB
               bodies; 16 and 64 connections.
  predictor    standalone echo model, small v2 JSON: echo-predictor vs the Python KServe server vs MLServer.
  memory       RSS idle / under a 64-connection load / after it, and exec -> first 200 on /v2/health/ready.
Outputs: a table on the terminal, TSV under results/, a PNG chart, docs/benchmarks.md (+ docs/benchmarks.png) for
full runs, and the bar of issue 5 checked line by line.
"""

import argparse
import datetime
import http.client
import json
import os
import random
import shutil
import signal
import socket
import statistics
import struct
import subprocess
import sys
import threading
import time

HARNESS = os.path.dirname(os.path.abspath(__file__))
CLK = os.sysconf("SC_CLK_TCK")
NCPU = os.cpu_count() or 1
KB = 1024
MODEL = "m"

# Payloads: element counts chosen so that each body is ~1 KB or ~1 MB.
JSON_ELEMENTS = {"small": 100, "large": 105_000}
BIN_ELEMENTS = {"small": 256, "large": 262_144}
SIZES = ["small", "large"]
CONNS = [16, 64]


# --------------------------------------------------------------------------------------------------------------
# /proc helpers
# --------------------------------------------------------------------------------------------------------------
def proc_tree(pid):
    """pid and all its descendants (live ones)."""
    pids, todo = [], [pid]
    while todo:
        p = todo.pop()
        if not os.path.exists(f"/proc/{p}"):
            continue
        pids.append(p)
        try:
            for task in os.listdir(f"/proc/{p}/task"):
                with open(f"/proc/{p}/task/{task}/children") as f:
                    todo.extend(int(c) for c in f.read().split())
        except OSError:
            pass
    return pids


def cpu_ticks(pids):
    total = 0
    for p in pids:
        try:
            with open(f"/proc/{p}/stat") as f:
                fields = f.read().rsplit(")", 1)[1].split()
            total += int(fields[11]) + int(fields[12])  # utime, stime (fields 14 and 15)
        except (OSError, IndexError):
            pass
    return total


def status_kb(pids, key):
    total = 0
    for p in pids:
        try:
            with open(f"/proc/{p}/status") as f:
                for line in f:
                    if line.startswith(key + ":"):
                        total += int(line.split()[1])
                        break
        except OSError:
            pass
    return total


def machine_ticks():
    """(busy, total) jiffies of the whole machine from /proc/stat."""
    with open("/proc/stat") as f:
        v = [int(x) for x in f.readline().split()[1:]]
    user, nice, system, idle, iowait, irq, softirq, steal = (v + [0] * 8)[:8]
    busy = user + nice + system + irq + softirq + steal
    return busy, busy + idle + iowait


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


# --------------------------------------------------------------------------------------------------------------
# Processes
# --------------------------------------------------------------------------------------------------------------
class Server:
    """A process the harness started (in its own session, so that it can stop it with its children)."""

    live = []

    def __init__(self, name, cmd, log_dir, env=None, cwd=None):
        self.name = name
        self.log_path = os.path.join(log_dir, f"{name}.log")
        self.log = open(self.log_path, "ab")
        self.t0 = time.perf_counter()
        self.proc = subprocess.Popen(cmd, stdout=self.log, stderr=subprocess.STDOUT, env=env, cwd=cwd,
                                     start_new_session=True)
        self.pid = self.proc.pid
        Server.live.append(self)

    def pids(self):
        return proc_tree(self.pid)

    def cpu(self):
        return cpu_ticks(self.pids())

    def rss_kb(self):
        return status_kb(self.pids(), "VmRSS")

    def hwm_kb(self):
        return status_kb(self.pids(), "VmHWM")

    def alive(self):
        return self.proc.poll() is None

    def stop(self):
        if self.proc.poll() is None:
            try:
                os.killpg(self.pid, signal.SIGTERM)
            except ProcessLookupError:
                pass
            try:
                self.proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                try:
                    os.killpg(self.pid, signal.SIGKILL)
                except ProcessLookupError:
                    pass
                self.proc.wait()
        # children left behind in the session (e.g. MLServer workers)
        try:
            os.killpg(self.pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            pass
        self.log.close()
        if self in Server.live:
            Server.live.remove(self)

    def tail(self, n=30):
        try:
            with open(self.log_path, "rb") as f:
                return b"\n".join(f.read().splitlines()[-n:]).decode(errors="replace")
        except OSError:
            return ""


def stop_all():
    for s in list(Server.live):
        s.stop()


def http_get_status(port, path, timeout=1.0):
    """Status of a GET on 127.0.0.1:port, or None when nothing answers."""
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=timeout) as s:
            s.sendall(f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n".encode())
            data = s.recv(64)
            if data.startswith(b"HTTP/1."):
                return int(data.split()[1])
    except (OSError, ValueError, IndexError):
        return None
    return None


def wait_ready(server, port, path, timeout=120.0, tight=False):
    """Polls GET path until 200. Returns seconds since the server's exec (tight: 0.5 ms between polls)."""
    deadline = time.perf_counter() + timeout
    pause = 0.0005 if tight else 0.05
    while time.perf_counter() < deadline:
        if http_get_status(port, path, timeout=2.0) == 200:
            return time.perf_counter() - server.t0
        if not server.alive():
            raise RuntimeError(f"{server.name} exited with {server.proc.returncode}:\n{server.tail()}")
        time.sleep(pause)
    raise RuntimeError(f"{server.name} not ready on :{port}{path} after {timeout} s:\n{server.tail()}")


def wait_port(server, port, timeout=30.0):
    deadline = time.perf_counter() + timeout
    while time.perf_counter() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
            return
        except OSError:
            if not server.alive():
                raise RuntimeError(f"{server.name} exited:\n{server.tail()}")
            time.sleep(0.05)
    raise RuntimeError(f"{server.name}: nothing listens on {port}")


# --------------------------------------------------------------------------------------------------------------
# Fixtures: request and response bodies
# --------------------------------------------------------------------------------------------------------------
def gen_fixtures(fx):
    os.makedirs(fx, exist_ok=True)
    rng = random.Random(5)
    meta = {}

    def values(n):
        return [f"{rng.uniform(-1, 1):.6f}" for _ in range(n)]

    def binary(n):
        return struct.pack(f"<{n}f", *(rng.uniform(-1, 1) for _ in range(n)))

    def write(name, data):
        with open(os.path.join(fx, name), "wb") as f:
            f.write(data)
        meta[name] = len(data)

    for size in SIZES:
        n = JSON_ELEMENTS[size]
        data = ",".join(values(n))
        write(f"req-v1-{size}.json", f'{{"instances":[[{data}]]}}'.encode())
        write(f"resp-v1-{size}.json", f'{{"predictions":[[{data}]]}}'.encode())
        write(f"req-v2-{size}.json",
              f'{{"id":"1","inputs":[{{"name":"input-0","shape":[1,{n}],"datatype":"FP32","data":[{data}]}}]}}'.encode())
        write(f"resp-v2-{size}.json",
              (f'{{"id":"1","model_name":"{MODEL}","outputs":[{{"name":"output-0","shape":[1,{n}],'
               f'"datatype":"FP32","data":[{data}]}}]}}').encode())
        nb = BIN_ELEMENTS[size]
        raw = binary(nb)
        head = (f'{{"id":"1","inputs":[{{"name":"input-0","shape":[1,{nb}],"datatype":"FP32",'
                f'"parameters":{{"binary_data_size":{len(raw)}}}}}],"parameters":{{"binary_data_output":true}}}}').encode()
        write(f"req-v2bin-{size}.bin", head + raw)
        meta[f"req-v2bin-{size}.hcl"] = len(head)
        rhead = (f'{{"id":"1","model_name":"{MODEL}","outputs":[{{"name":"output-0","shape":[1,{nb}],'
                 f'"datatype":"FP32","parameters":{{"binary_data_size":{len(raw)}}}}}]}}').encode()
        write(f"resp-v2bin-{size}.bin", rhead + raw)
        meta[f"resp-v2bin-{size}.hcl"] = len(rhead)

    # gRPC requests: small as typed fp32_contents (forwarded as REST v2 JSON), large as raw_input_contents
    # (forwarded with the binary extension, being over the transformer's binary threshold).
    from kserve.protocol.grpc import grpc_predict_v2_pb2 as pb

    small = pb.ModelInferRequest(model_name=MODEL, id="1")
    t = small.inputs.add(name="input-0", datatype="FP32", shape=[1, JSON_ELEMENTS["small"]])
    t.contents.fp32_contents.extend(float(v) for v in values(JSON_ELEMENTS["small"]))
    write("req-grpc-small.pb", small.SerializeToString())
    large = pb.ModelInferRequest(model_name=MODEL, id="1")
    large.inputs.add(name="input-0", datatype="FP32", shape=[1, BIN_ELEMENTS["large"]])
    large.raw_input_contents.append(binary(BIN_ELEMENTS["large"]))
    write("req-grpc-large.pb", large.SerializeToString())

    # The backend's document roots: one per variant.
    for size in SIZES:
        d = os.path.join(fx, "backend", f"json-{size}")
        os.makedirs(d, exist_ok=True)
        shutil.copy(os.path.join(fx, f"resp-v1-{size}.json"), os.path.join(d, "v1.json"))
        shutil.copy(os.path.join(fx, f"resp-v2-{size}.json"), os.path.join(d, "v2.json"))
        d = os.path.join(fx, "backend", f"bin-{size}")
        os.makedirs(d, exist_ok=True)
        shutil.copy(os.path.join(fx, f"resp-v2bin-{size}.bin"), os.path.join(d, "v2.bin"))
    with open(os.path.join(fx, "meta.json"), "w") as f:
        json.dump(meta, f, indent=1)
    return meta


# --------------------------------------------------------------------------------------------------------------
# nginx: the backend (fixed bodies) and the reverse proxy
# --------------------------------------------------------------------------------------------------------------
NGINX_COMMON = """
worker_processes auto;
user root;
error_log {prefix}/error.log warn;
pid {prefix}/nginx.pid;
events {{ worker_connections 4096; }}
http {{
    access_log off;
    sendfile on;
    tcp_nodelay on;
    etag off;
    server_tokens off;
    keepalive_timeout 300s;
    keepalive_requests 10000000;
    client_max_body_size 0;
    client_body_buffer_size 4m;
    client_body_temp_path {prefix}/client_body;
    proxy_temp_path {prefix}/proxy;
    fastcgi_temp_path {prefix}/fastcgi;
    uwsgi_temp_path {prefix}/uwsgi;
    scgi_temp_path {prefix}/scgi;
    open_file_cache max=64 inactive=600s;
    open_file_cache_valid 600s;
{servers}
}}
"""


def backend_conf(prefix, fx, ports, meta):
    servers = []
    for variant, port in ports.items():
        root = os.path.join(fx, "backend", variant)
        size = variant.split("-")[1]
        if variant.startswith("json"):
            servers.append(f"""
    server {{
        listen 127.0.0.1:{port} reuseport backlog=4096;
        root {root};
        location = /v1/models/{MODEL}:predict {{ error_page 405 =200 /v1.json; return 405; }}
        location = /v2/models/{MODEL}/infer {{ error_page 405 =200 /v2.json; return 405; }}
        location = /v1.json {{ internal; default_type application/json; }}
        location = /v2.json {{ internal; default_type application/json; }}
        location = /v2/health/ready {{ default_type application/json; return 200 '{{"ready":true}}'; }}
        location = / {{ default_type application/json; return 200 '{{"status":"alive"}}'; }}
    }}""")
        else:
            hcl = meta[f"resp-v2bin-{size}.hcl"]
            servers.append(f"""
    server {{
        listen 127.0.0.1:{port} reuseport backlog=4096;
        root {root};
        location = /v2/models/{MODEL}/infer {{ error_page 405 =200 /v2.bin; return 405; }}
        location = /v2.bin {{
            internal;
            default_type application/octet-stream;
            add_header Inference-Header-Content-Length {hcl} always;
        }}
        location = /v2/health/ready {{ default_type application/json; return 200 '{{"ready":true}}'; }}
    }}""")
    return NGINX_COMMON.format(prefix=prefix, servers="\n".join(servers))


def proxy_conf(prefix, backend_ports, proxy_ports):
    servers = []
    for variant, port in proxy_ports.items():
        up = "be_" + variant.replace("-", "_")
        servers.append(f"""
    upstream {up} {{
        server 127.0.0.1:{backend_ports[variant]};
        keepalive 256;
        keepalive_requests 10000000;
        keepalive_timeout 300s;
    }}
    server {{
        listen 127.0.0.1:{port} reuseport backlog=4096;
        location / {{
            proxy_pass http://{up};
            proxy_http_version 1.1;
            proxy_set_header Connection "";
            proxy_buffer_size 64k;
            proxy_buffers 64 64k;
            proxy_busy_buffers_size 256k;
            proxy_max_temp_file_size 0;
        }}
    }}""")
    return NGINX_COMMON.format(prefix=prefix, servers="\n".join(servers))


def start_nginx(name, conf_text, work, logs):
    prefix = os.path.join(work, name)
    shutil.rmtree(prefix, ignore_errors=True)
    os.makedirs(prefix)
    conf = os.path.join(prefix, "nginx.conf")
    with open(conf, "w") as f:
        f.write(conf_text)
    test = subprocess.run(["nginx", "-t", "-p", prefix, "-c", conf], capture_output=True, text=True)
    if test.returncode != 0:
        raise RuntimeError(f"nginx -t failed for {name}:\n{test.stderr}")
    return Server(name, ["nginx", "-p", prefix, "-c", conf, "-g", "daemon off;"], logs)


# --------------------------------------------------------------------------------------------------------------
# Loads
# --------------------------------------------------------------------------------------------------------------
class Request:
    """What the load generator sends: a body file, its content type, path and (binary) header length."""

    def __init__(self, proto, size, fx, meta, path_model=MODEL):
        self.proto, self.size = proto, size
        if proto == "v1":
            self.file, self.ct, self.hcl = f"req-v1-{size}.json", "application/json", None
            self.path = f"/v1/models/{path_model}:predict"
        elif proto == "v2":
            self.file, self.ct, self.hcl = f"req-v2-{size}.json", "application/json", None
            self.path = f"/v2/models/{path_model}/infer"
        elif proto == "v2bin":
            self.file, self.ct = f"req-v2bin-{size}.bin", "application/octet-stream"
            self.hcl = meta[f"req-v2bin-{size}.hcl"]
            self.path = f"/v2/models/{path_model}/infer"
        elif proto == "grpc":
            self.file, self.ct, self.hcl, self.path = f"req-grpc-{size}.pb", None, None, None
        self.body_path = os.path.join(fx, self.file)
        self.bytes = meta[self.file]


def backend_variant(proto, size):
    if proto in ("v1", "v2"):
        return f"json-{size}"
    if proto == "v2bin":
        return f"bin-{size}"
    return "json-small" if size == "small" else "bin-large"  # grpc: what the transformer forwards


class Harness:
    def __init__(self, args):
        self.args = args
        self.root = args.root
        self.work = os.path.join(self.root, ".build-bench-harness")
        self.fx = os.path.join(self.work, "fixtures")
        self.logs = os.path.join(self.work, "logs")
        shutil.rmtree(self.logs, ignore_errors=True)
        os.makedirs(self.logs, exist_ok=True)
        self.meta = gen_fixtures(self.fx)
        self.rows = []
        self.memory = []
        self.notes = []
        self.duration = args.duration
        self.warmup = args.warmup
        self.py = args.python
        self.mlpy = args.mlserver_python
        self.bin = args.bin_dir

    # ---- one measured row -----------------------------------------------------------------------------------
    def load(self, target_port, request, conns, duration, server, backend=None, record=True, grpc_channels=2):
        if request.proto == "grpc":
            cmd = [self.py, os.path.join(HARNESS, "grpc_load.py"), "--target", f"127.0.0.1:{target_port}",
                   "--request", request.body_path, "--concurrency", str(conns), "--duration", str(duration),
                   "--channels", str(grpc_channels)]
            env = dict(os.environ)
        else:
            threads = min(self.args.wrk_threads, conns)
            cmd = ["wrk", "-t", str(threads), "-c", str(conns), "-d", f"{max(1, round(duration))}s", "--timeout", "30s",
                   "-s", os.path.join(HARNESS, "post.lua"), f"http://127.0.0.1:{target_port}{request.path}"]
            env = dict(os.environ, BENCH_BODY=request.body_path, BENCH_CT=request.ct,
                       BENCH_HCL=str(request.hcl or ""))
        peak = [server.rss_kb()]
        stop = threading.Event()

        def sample():
            while not stop.wait(0.1):
                peak[0] = max(peak[0], server.rss_kb())

        sampler = threading.Thread(target=sample, daemon=True)
        self_pid = os.getpid()
        m0 = machine_ticks()
        s0 = server.cpu()
        b0 = backend.cpu() if backend is not None else 0
        h0 = cpu_ticks([self_pid])
        t0 = time.perf_counter()
        proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env)
        sampler.start()
        out, err = proc.stdout.read(), proc.stderr.read()
        _, status, usage = os.wait4(proc.pid, 0)
        proc.returncode = os.waitstatus_to_exitcode(status)
        t1 = time.perf_counter()
        s1 = server.cpu()
        b1 = backend.cpu() if backend is not None else 0
        h1 = cpu_ticks([self_pid])
        m1 = machine_ticks()
        stop.set()
        sampler.join()
        if not record:
            return None
        result = None
        for line in out.decode(errors="replace").splitlines():
            if line.startswith("BENCHJSON "):
                result = json.loads(line[len("BENCHJSON "):])
        if result is None:
            raise RuntimeError(f"load generator failed ({proc.returncode}): {err.decode(errors='replace')[-2000:]}"
                               f"\n{out.decode(errors='replace')[-2000:]}")
        wall = t1 - t0
        busy = m1[0] - m0[0]
        total = max(1, m1[1] - m0[1])
        server_ticks = s1 - s0
        backend_ticks = b1 - b0
        loadgen_s = usage.ru_utime + usage.ru_stime
        harness_ticks = h1 - h0
        errors = result["connect"] + result["read"] + result["write"] + result["status"] + result["timeout"]
        ok = max(0, result["requests"] - result["status"])
        secs = result["duration_us"] / 1e6
        foreign = busy - server_ticks - backend_ticks - loadgen_s * CLK - harness_ticks
        return {
            "requests": ok,
            "rps": ok / secs if secs > 0 else 0.0,
            "p50_ms": result["p50_us"] / 1000,
            "p90_ms": result["p90_us"] / 1000,
            "p99_ms": result["p99_us"] / 1000,
            "max_ms": result["max_us"] / 1000,
            "errors": errors,
            "server_cpu_us_req": server_ticks / CLK * 1e6 / ok if ok else float("nan"),
            "server_cpu_pct": server_ticks / CLK / wall * 100,
            "backend_cpu_us_req": backend_ticks / CLK * 1e6 / ok if ok and backend is not None else float("nan"),
            "loadgen_cpu_pct": loadgen_s / wall * 100,
            "machine_busy_pct": busy / total * 100,
            "foreign_pct": max(0.0, foreign / total * 100),
            "rss_peak_mb": peak[0] / KB,
            "wall_s": wall,
        }

    @staticmethod
    def settle(server, timeout=180.0):
        """Waits until the server has been (nearly) idle for 0.3 s: a slow server may still be working through
        requests that the load generator abandoned when its previous run ended, and must not do so during a row."""
        deadline = time.perf_counter() + timeout
        while time.perf_counter() < deadline:
            c0 = server.cpu()
            time.sleep(0.3)
            if (server.cpu() - c0) / CLK / 0.3 < 0.05:
                return

    def row(self, section, system, label, request, conns, port, server, backend=None, note=""):
        self.settle(server)
        if self.warmup > 0:
            self.load(port, request, conns, self.warmup, server, backend, record=False)
            self.settle(server)
        r = self.load(port, request, conns, self.duration, server, backend)
        r.update(section=section, system=system, label=label, proto=request.proto, size=request.size,
                 body_bytes=request.bytes, conns=conns, duration_s=self.duration, note=note)
        r["flag"] = "FOREIGN" if r["foreign_pct"] > 10 else ""
        if r["errors"]:
            r["flag"] = (r["flag"] + " ERRORS").strip()
        if r["requests"] < 50:
            r["flag"] = (r["flag"] + " FEW").strip()  # under 50 answers in the row: its figures are rough
        self.rows.append(r)
        print(f"   {label:<34} {request.proto:<5} {request.size:<5} c{conns:<3} {r['rps']:>10.0f} req/s  "
              f"p50 {r['p50_ms']:>8.2f} ms  p99 {r['p99_ms']:>8.2f} ms  err {r['errors']:>4}  "
              f"cpu {r['server_cpu_us_req']:>8.1f} µs/req  foreign {r['foreign_pct']:>4.1f}%  {r['flag']}", flush=True)
        return r

    # ---- verification of a system before its rows ------------------------------------------------------------
    def verify_http(self, port, request, expect):
        with open(request.body_path, "rb") as f:
            body = f.read()
        headers = {"Content-Type": request.ct}
        if request.hcl:
            headers["Inference-Header-Content-Length"] = str(request.hcl)
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        conn.request("POST", request.path, body=body, headers=headers)
        resp = conn.getresponse()
        data = resp.read()
        conn.close()
        if resp.status != 200:
            raise RuntimeError(f"POST :{port}{request.path} answered {resp.status}: {data[:500]!r}")
        hcl = resp.getheader("Inference-Header-Content-Length")
        head = json.loads(data[: int(hcl)] if hcl else data)
        if expect == "v1":
            n = len(head["predictions"][0])
            want = JSON_ELEMENTS[request.size]
        else:
            out = head["outputs"][0]
            n = 1
            for d in out["shape"]:
                n *= d
            want = None  # shape is checked against the backend's or the echo's tensor below
            if "data" in out:
                assert len(out["data"]) == n, "data length != shape"
            else:
                assert hcl and len(data) - int(hcl) >= 4 * n, "binary output shorter than its shape"
        if want is not None and n != want:
            raise RuntimeError(f"POST :{port}{request.path}: {n} values, expected {want}")
        return n

    def verify_grpc(self, port, request):
        out = subprocess.run([self.py, os.path.join(HARNESS, "grpc_load.py"), "--target", f"127.0.0.1:{port}",
                              "--request", request.body_path, "--check"], capture_output=True, text=True, timeout=120)
        if out.returncode != 0:
            raise RuntimeError(f"gRPC check on :{port} failed:\n{out.stderr[-2000:]}")
        return json.loads(out.stdout.strip().splitlines()[-1])

    # ---- servers --------------------------------------------------------------------------------------------
    def swift_transformer(self, name, backend_port, protocol):
        port, gport = free_port(), free_port()
        cmd = [os.path.join(self.bin, "identity-transformer"), "--http_port", str(port), "--grpc_port", str(gport),
               "--bind_address", "127.0.0.1", "--model_name", MODEL, "--predictor_host", f"127.0.0.1:{backend_port}",
               "--predictor_protocol", protocol, "--enable_access_log", "false", "--enable_latency_logging", "false"]
        if self.args.swift_workers:
            cmd += ["--workers", str(self.args.swift_workers)]
        s = Server(name, cmd, self.logs)
        s.port, s.grpc_port = port, gport
        return s

    def forward_floor(self, name, backend_port, client="libcurl"):
        port = free_port()
        cmd = [os.path.join(self.bin, "forward-floor"), "--http_port", str(port), "--bind_address", "127.0.0.1",
               "--predictor_host", f"127.0.0.1:{backend_port}", "--client", client]
        if self.args.swift_workers:
            cmd += ["--workers", str(self.args.swift_workers)]
        s = Server(name, cmd, self.logs)
        s.port = port
        return s

    def python_transformer(self, name, backend_port, protocol):
        port = free_port()
        cmd = [self.py, os.path.join(HARNESS, "kserve_identity_transformer.py"), "--http_port", str(port),
               "--model_name", MODEL, "--predictor_host", f"127.0.0.1:{backend_port}", "--predictor_protocol",
               protocol, "--enable_grpc", "false", "--enable_latency_logging", "false", "--workers", "1"]
        s = Server(name, cmd, self.logs)
        s.port = port
        return s

    def swift_echo(self, name):
        port, gport = free_port(), free_port()
        cmd = [os.path.join(self.bin, "echo-predictor"), "--http_port", str(port), "--grpc_port", str(gport),
               "--bind_address", "127.0.0.1", "--model_name", "echo", "--enable_access_log", "false",
               "--enable_latency_logging", "false"]
        if self.args.swift_workers:
            cmd += ["--workers", str(self.args.swift_workers)]
        s = Server(name, cmd, self.logs)
        s.port = port
        return s

    def python_echo(self, name):
        port = free_port()
        cmd = [self.py, os.path.join(HARNESS, "kserve_echo_predictor.py"), "--http_port", str(port),
               "--model_name", "echo", "--enable_grpc", "false", "--enable_latency_logging", "false",
               "--workers", "1"]
        s = Server(name, cmd, self.logs)
        s.port = port
        return s

    def mlserver(self, name):
        port = free_port()
        folder = os.path.join(self.work, "mlserver-" + name)
        shutil.rmtree(folder, ignore_errors=True)
        shutil.copytree(os.path.join(HARNESS, "mlserver_echo"), folder)
        # Its best configuration for a trivial model: inference in the server process (parallel_workers 0, no
        # IPC to a worker pool), no debug/access logging, no metrics server, no gzip middleware.
        settings = {"host": "127.0.0.1", "http_port": port, "grpc_port": free_port(), "metrics_port": free_port(),
                    "parallel_workers": 0, "debug": False, "metrics_endpoint": None, "gzip_enabled": False,
                    "load_models_at_startup": True}
        with open(os.path.join(folder, "settings.json"), "w") as f:
            json.dump(settings, f)
        mlserver_bin = os.path.join(os.path.dirname(self.mlpy), "mlserver")
        env = dict(os.environ, PYTHONPATH=folder)
        s = Server(name, [mlserver_bin, "start", folder], self.logs, env=env, cwd=folder)
        s.port = port
        return s

    # ---- sections -------------------------------------------------------------------------------------------
    def start_backends(self):
        variants = ["json-small", "json-large", "bin-small", "bin-large"]
        self.backend_ports = {v: free_port() for v in variants}
        self.proxy_ports = {v: free_port() for v in variants}
        self.backend = start_nginx("nginx-backend", backend_conf(os.path.join(self.work, "nginx-backend"), self.fx,
                                                                 self.backend_ports, self.meta), self.work, self.logs)
        for p in self.backend_ports.values():
            wait_port(self.backend, p)
        self.proxy = start_nginx("nginx-proxy", proxy_conf(os.path.join(self.work, "nginx-proxy"), self.backend_ports,
                                                           self.proxy_ports), self.work, self.logs)
        for p in self.proxy_ports.values():
            wait_port(self.proxy, p)
        # The backend must answer POSTs of both sizes with its fixed bodies, directly and through the proxy.
        for proto in ["v1", "v2", "v2bin"]:
            for size in SIZES:
                req = Request(proto, size, self.fx, self.meta)
                v = backend_variant(proto, size)
                self.verify_http(self.backend_ports[v], req, "v1" if proto == "v1" else "v2")
                self.verify_http(self.proxy_ports[v], req, "v1" if proto == "v1" else "v2")
        print("== nginx backend answers v1 / v2 JSON / v2 binary POSTs of ~1 KB and ~1 MB (direct and via proxy)")

    def transformer_section(self):
        print(f"== transformer overhead ({self.duration:g} s per row, warm-up {self.warmup:g} s)")
        self.peak_transformer = {}
        for size in SIZES:
            for proto in ["v1", "v2", "v2bin", "grpc"]:
                req = Request(proto, size, self.fx, self.meta)
                variant = backend_variant(proto, size)
                bport = self.backend_ports[variant]
                if proto != "grpc":
                    for conns in CONNS:
                        self.row("transformer", "a", "(a) direct to nginx backend", req, conns, bport, self.backend)
                    for conns in CONNS:
                        self.row("transformer", "b", "(b) nginx reverse proxy", req, conns, self.proxy_ports[variant],
                                 self.proxy, self.backend)
                if proto in ("v1", "v2") and not self.args.skip_python:
                    s = self.python_transformer(f"kserve-transformer-{proto}-{size}", bport, proto)
                    try:
                        wait_ready(s, s.port, "/v2/health/ready")
                        self.verify_http(s.port, req, "v1" if proto == "v1" else "v2")
                        for conns in CONNS:
                            self.row("transformer", "c", "(c) Python KServe transformer", req, conns, s.port, s,
                                     self.backend)
                        self.peak_transformer["c"] = max(self.peak_transformer.get("c", 0), s.hwm_kb() / KB)
                    finally:
                        s.stop()
                s = self.swift_transformer(f"swift-transformer-{proto}-{size}", bport, "v1" if proto == "v1" else "v2")
                try:
                    wait_ready(s, s.port, "/v2/health/ready")
                    if proto == "grpc":
                        check = self.verify_grpc(s.grpc_port, req)
                        if not check["outputs"]:
                            raise RuntimeError(f"gRPC answer without outputs: {check}")
                        for conns in CONNS:
                            self.row("transformer", "d", "(d) swift-kserve identity-transformer", req, conns,
                                     s.grpc_port, s, self.backend,
                                     note="load generator: Python grpc.aio, 2 channels")
                    else:
                        self.verify_http(s.port, req, "v1" if proto == "v1" else "v2")
                        for conns in CONNS:
                            self.row("transformer", "d", "(d) swift-kserve identity-transformer", req, conns, s.port,
                                     s, self.backend)
                    self.peak_transformer["d"] = max(self.peak_transformer.get("d", 0), s.hwm_kb() / KB)
                finally:
                    s.stop()
                floors = [("e", "libcurl", "(e) floor: NIO + libcurl byte forwarder"),
                          ("f", "nio", "(f) floor without libcurl: NIO client on the same loop")]
                for system, client, label in floors if proto != "grpc" else []:
                    s = self.forward_floor(f"forward-floor-{client}-{proto}-{size}", bport, client)
                    try:
                        wait_ready(s, s.port, "/v2/health/ready")
                        self.verify_http(s.port, req, "v1" if proto == "v1" else "v2")
                        for conns in CONNS:
                            self.row("transformer", system, label, req, conns, s.port, s, self.backend)
                    finally:
                        s.stop()

    def predictor_section(self):
        print(f"== standalone predictor, echo model, small v2 JSON ({self.duration:g} s per row)")
        req = Request("v2", "small", self.fx, self.meta, path_model="echo")
        makers = [("swift", "swift-kserve echo-predictor", self.swift_echo)]
        if not self.args.skip_python:
            makers += [("kserve", "Python KServe server", self.python_echo), ("mlserver", "MLServer", self.mlserver)]
        for system, label, make in makers:
            s = make(f"{system}-echo")
            try:
                wait_ready(s, s.port, "/v2/health/ready")
                n = self.verify_http(s.port, req, "v2")
                if n != JSON_ELEMENTS["small"]:
                    raise RuntimeError(f"{label}: echo answered {n} values")
                for conns in CONNS:
                    self.row("predictor", system, label, req, conns, s.port, s)
            finally:
                s.stop()

    def memory_section(self):
        print(f"== memory and start-up ({self.args.starts} starts each; 64-connection small v2 JSON load)")
        bport = self.backend_ports["json-small"]
        systems = [
            ("swift-transformer", "swift-kserve identity-transformer", lambda n: self.swift_transformer(n, bport, "v2"), MODEL),
            ("swift-echo", "swift-kserve echo-predictor", self.swift_echo, "echo"),
        ]
        if not self.args.skip_python:
            systems += [
                ("kserve-transformer", "Python KServe transformer", lambda n: self.python_transformer(n, bport, "v2"), MODEL),
                ("kserve-echo", "Python KServe server (echo)", self.python_echo, "echo"),
                ("mlserver-echo", "MLServer (echo)", self.mlserver, "echo"),
            ]
        for key, label, make, model in systems:
            starts = []
            for i in range(self.args.starts):
                s = make(f"{key}-start{i}")
                try:
                    starts.append(wait_ready(s, s.port, "/v2/health/ready", tight=True) * 1000)
                finally:
                    s.stop()
            s = make(f"{key}-memory")
            try:
                wait_ready(s, s.port, "/v2/health/ready")
                time.sleep(1.0)
                idle = s.rss_kb() / KB
                req = Request("v2", "small", self.fx, self.meta, path_model=model)
                self.load(s.port, req, 64, max(self.warmup, 1.0), s, record=False)
                self.settle(s)
                first = s.rss_kb() / KB
                r = self.load(s.port, req, 64, self.duration, s)
                peak = s.hwm_kb() / KB
                time.sleep(2.0)
                after = s.rss_kb() / KB
            finally:
                s.stop()
            m = {"system": key, "label": label, "rss_idle_mb": idle, "rss_post_warmup_mb": first,
                 "rss_peak_mb": max(peak, r["rss_peak_mb"]), "rss_after_mb": after,
                 "leak_delta_pct": (after - first) / first * 100 if first else float("nan"),
                 "startup_ms_median": statistics.median(starts), "startup_ms_all": ",".join(f"{x:.1f}" for x in starts),
                 "load_rps": r["rps"], "load_errors": r["errors"], "foreign_pct": r["foreign_pct"]}
            self.memory.append(m)
            print(f"   {label:<36} idle {idle:6.1f} MB  post-warm-up {first:6.1f} MB  peak {m['rss_peak_mb']:6.1f} MB  "
                  f"after {after:6.1f} MB ({m['leak_delta_pct']:+.1f}%)  start-up median {m['startup_ms_median']:7.1f} ms "
                  f"[{m['startup_ms_all']}]", flush=True)


# --------------------------------------------------------------------------------------------------------------
# Report
# --------------------------------------------------------------------------------------------------------------
def find(rows, section, system, proto, size, conns):
    for r in rows:
        if (r["section"], r["system"], r["proto"], r["size"], r["conns"]) == (section, system, proto, size, conns):
            return r
    return None


def add_ratios(rows):
    for r in rows:
        r["x_b_rps"] = r["x_b_p99"] = r["x_c_rps"] = r["x_c_p99"] = float("nan")
        if r["section"] == "transformer" and r["system"] in ("c", "d", "e", "f"):
            bproto = r["proto"] if r["proto"] != "grpc" else ("v2" if r["size"] == "small" else "v2bin")
            b = find(rows, "transformer", "b", bproto, r["size"], r["conns"])
            if b and b["rps"]:
                r["x_b_rps"], r["x_b_p99"] = r["rps"] / b["rps"], r["p99_ms"] / b["p99_ms"]
            if r["system"] == "d" and r["proto"] in ("v1", "v2"):
                c = find(rows, "transformer", "c", r["proto"], r["size"], r["conns"])
                if c and c["rps"]:
                    r["x_c_rps"], r["x_c_p99"] = r["rps"] / c["rps"], r["p99_ms"] / c["p99_ms"]
        if r["section"] == "predictor" and r["system"] == "swift":
            k = find(rows, "predictor", "kserve", "v2", "small", r["conns"])
            m = find(rows, "predictor", "mlserver", "v2", "small", r["conns"])
            if k and k["rps"]:
                r["x_b_rps"], r["x_b_p99"] = r["rps"] / k["rps"], r["p99_ms"] / k["p99_ms"]
            if m and m["rps"]:
                r["x_c_rps"], r["x_c_p99"] = r["rps"] / m["rps"], r["p99_ms"] / m["p99_ms"]


def fmt(v, spec):
    if v is None or (isinstance(v, float) and v != v):
        return "–"
    return format(v, spec)


PROTO_NAMES = {"v1": "v1", "v2": "v2 JSON", "v2bin": "v2 binary", "grpc": "gRPC→v2"}
SIZE_NAMES = {"small": "1 KB", "large": "1 MB"}


def table_lines(rows, memory, markdown):
    out = []

    def emit(cells, widths, header=False):
        if markdown:
            out.append("| " + " | ".join(cells) + " |")
            if header:
                out.append("|" + "|".join("---" for _ in cells) + "|")
        else:
            out.append("  ".join(c.rjust(w) if i >= 4 else c.ljust(w) for i, (c, w) in enumerate(zip(cells, widths))))
            if header:
                out.append("-" * (sum(widths) + 2 * (len(widths) - 1)))

    tr = [r for r in rows if r["section"] == "transformer"]
    if tr:
        out.append("" if markdown else "")
        out.append("### Transformer overhead (backend: nginx serving fixed bodies)" if markdown else
                   "TRANSFORMER OVERHEAD (backend: nginx serving fixed bodies)")
        out.append("")
        head = ["system", "protocol", "body", "conns", "req/s", "p50 ms", "p99 ms", "errors", "CPU µs/req",
                "×(b) req/s", "×(b) p99", "×(c) req/s", "×(c) p99", "foreign %", "flag"]
        widths = [38, 9, 5, 5, 9, 8, 9, 6, 10, 10, 8, 10, 8, 9, 8]
        emit(head, widths, header=True)
        for r in tr:
            emit([r["label"], PROTO_NAMES[r["proto"]], SIZE_NAMES[r["size"]], str(r["conns"]), fmt(r["rps"], ".0f"),
                  fmt(r["p50_ms"], ".2f"), fmt(r["p99_ms"], ".2f"), str(r["errors"]), fmt(r["server_cpu_us_req"], ".1f"),
                  fmt(r["x_b_rps"], ".2f"), fmt(r["x_b_p99"], ".2f"), fmt(r["x_c_rps"], ".1f"),
                  fmt(r["x_c_p99"], ".3f"), fmt(r["foreign_pct"], ".1f"), r["flag"]], widths)
    pr = [r for r in rows if r["section"] == "predictor"]
    if pr:
        out.append("")
        out.append("### Standalone predictor (echo model, 1 KB v2 JSON)" if markdown else
                   "STANDALONE PREDICTOR (echo model, 1 KB v2 JSON)")
        out.append("")
        head = ["system", "protocol", "body", "conns", "req/s", "p50 ms", "p99 ms", "errors", "CPU µs/req",
                "×KServe req/s", "×KServe p99", "×MLServer req/s", "×MLServer p99", "foreign %", "flag"]
        widths = [38, 9, 5, 5, 9, 8, 9, 6, 10, 13, 11, 15, 13, 9, 8]
        emit(head, widths, header=True)
        for r in pr:
            emit([r["label"], PROTO_NAMES[r["proto"]], SIZE_NAMES[r["size"]], str(r["conns"]), fmt(r["rps"], ".0f"),
                  fmt(r["p50_ms"], ".2f"), fmt(r["p99_ms"], ".2f"), str(r["errors"]), fmt(r["server_cpu_us_req"], ".1f"),
                  fmt(r["x_b_rps"], ".1f"), fmt(r["x_b_p99"], ".3f"), fmt(r["x_c_rps"], ".1f"),
                  fmt(r["x_c_p99"], ".3f"), fmt(r["foreign_pct"], ".1f"), r["flag"]], widths)
    if memory:
        out.append("")
        out.append("### Memory and start-up" if markdown else "MEMORY AND START-UP")
        out.append("")
        head = ["system", "RSS idle MB", "post-warm-up MB", "peak (64 conns) MB", "after MB", "after vs first",
                "start-up ms (median)", "starts ms"]
        widths = [36, 11, 15, 18, 8, 14, 20, 40]
        if markdown:
            emit(head, widths, header=True)
        else:
            out.append("  ".join(h.ljust(w) if i == 0 or i == 7 else h.rjust(w) for i, (h, w) in enumerate(zip(head, widths))))
            out.append("-" * (sum(widths) + 14))
        for m in memory:
            cells = [m["label"], fmt(m["rss_idle_mb"], ".1f"), fmt(m["rss_post_warmup_mb"], ".1f"),
                     fmt(m["rss_peak_mb"], ".1f"), fmt(m["rss_after_mb"], ".1f"), fmt(m["leak_delta_pct"], "+.1f") + " %",
                     fmt(m["startup_ms_median"], ".1f"), m["startup_ms_all"]]
            if markdown:
                emit(cells, widths)
            else:
                out.append("  ".join(c.ljust(w) if i in (0, 7) else c.rjust(w) for i, (c, w) in enumerate(zip(cells, widths))))
    return out


def bar_check(rows, memory):
    """The bar of issue 5, one line per line of its table: (PASS|FAIL|N/A, measure, detail)."""
    lines = []

    def both(check):
        parts, ok, missing = [], True, False
        for c in CONNS:
            res = check(c)
            if res is None:
                missing = True
                parts.append(f"c{c}: not measured")
                continue
            good, text = res
            ok = ok and good
            parts.append(f"c{c}: {text}")
        return ("N/A" if missing and ok else ("PASS" if ok else "FAIL")), "; ".join(parts)

    def ours(proto, size, c):
        return find(rows, "transformer", "d", proto, size, c)

    def vs_proxy(c):
        d, b = ours("v2", "small", c), find(rows, "transformer", "b", "v2", "small", c)
        if not d or not b:
            return None
        x, y = d["rps"] / b["rps"], d["p99_ms"] / b["p99_ms"]
        return x >= 0.7 and y <= 2 and not d["errors"], f"req/s {x:.2f}× (≥ 0.7), p99 {y:.2f}× (≤ 2)" + (
            f", {d['errors']} errors" if d["errors"] else "")

    lines.append(("identity transformer, small v2 JSON vs nginx proxy", "req/s ≥ 0.7×, p99 ≤ 2×") + both(vs_proxy))

    def vs_python(c):
        d, p = ours("v2", "small", c), find(rows, "transformer", "c", "v2", "small", c)
        if not d or not p or not p["rps"]:
            return None
        x, y = d["rps"] / p["rps"], d["p99_ms"] / p["p99_ms"]
        # What the nginx proxy itself reaches against the same Python row: the ceiling of the ratio on this machine.
        b = find(rows, "transformer", "b", "v2", "small", c)
        ceiling = f"; nginx proxy itself {b['rps'] / p['rps']:.1f}×" if b else ""
        return x >= 100 and y <= 1 / 20, f"req/s {x:.1f}× (≥ 100), p99 {y:.3f}× (≤ 0.05){ceiling}"

    lines.append(("identity transformer, small v2 JSON vs Python KServe transformer", "≥ 100× req/s, p99 ≤ 1/20")
                 + both(vs_python))

    def large(proto, target):
        def check(c):
            d, b = ours(proto, "large", c), find(rows, "transformer", "b", proto, "large", c)
            if not d or not b:
                return None
            x = d["rps"] / b["rps"]
            return x >= target and not d["errors"], f"req/s {x:.2f}× (≥ {target})"
        return check

    lines.append(("identity transformer, 1 MB v2 JSON vs nginx proxy", "req/s ≥ 0.25×") + both(large("v2", 0.25)))
    lines.append(("identity transformer, 1 MB v2 binary vs nginx proxy", "req/s ≥ 0.6×") + both(large("v2bin", 0.6)))

    def predictor(c):
        s, k, m = (find(rows, "predictor", x, "v2", "small", c) for x in ("swift", "kserve", "mlserver"))
        if not s or not k or not m or not k["rps"] or not m["rps"]:
            return None
        x, y = s["rps"] / k["rps"], s["rps"] / m["rps"]
        # nginx answering a fixed body to the same load generator: the most any server reaches on this machine.
        a = find(rows, "transformer", "a", "v2", "small", c)
        ceiling = f"; nginx fixed body itself {a['rps'] / k['rps']:.1f}× KServe" if a else ""
        return x >= 50 and y >= 10, f"{x:.1f}× KServe (≥ 50), {y:.1f}× MLServer (≥ 10){ceiling}"

    lines.append(("standalone predictor, small v2", "≥ 50× Python KServe, ≥ 10× MLServer") + both(predictor))

    ours_mem = [m for m in memory if m["system"].startswith("swift")]
    if ours_mem:
        ok, parts = True, []
        for m in ours_mem:
            good = m["rss_idle_mb"] <= 25 and m["rss_peak_mb"] <= 100 and abs(m["leak_delta_pct"]) <= 10
            ok = ok and good
            parts.append(f"{m['system']}: idle {m['rss_idle_mb']:.1f} MB, peak {m['rss_peak_mb']:.1f} MB, after "
                         f"{m['leak_delta_pct']:+.1f} % vs first post-warm-up sample")
        lines.append(("RSS", "idle ≤ 25 MB; peak ≤ 100 MB; after within 10 %", "PASS" if ok else "FAIL", "; ".join(parts)))
        ok = all(m["startup_ms_median"] <= 200 for m in ours_mem)
        lines.append(("start-up", "first 200 on readiness ≤ 200 ms", "PASS" if ok else "FAIL",
                      "; ".join(f"{m['system']}: median {m['startup_ms_median']:.1f} ms" for m in ours_mem)))
    else:
        lines.append(("RSS", "idle ≤ 25 MB; peak ≤ 100 MB; after within 10 %", "N/A", "not measured"))
        lines.append(("start-up", "first 200 on readiness ≤ 200 ms", "N/A", "not measured"))
    return lines


TSV_COLUMNS = ["section", "system", "label", "proto", "size", "body_bytes", "conns", "duration_s", "requests", "rps",
               "p50_ms", "p90_ms", "p99_ms", "max_ms", "errors", "server_cpu_us_req", "server_cpu_pct",
               "backend_cpu_us_req", "loadgen_cpu_pct", "machine_busy_pct", "foreign_pct", "flag", "x_b_rps",
               "x_b_p99", "x_c_rps", "x_c_p99", "rss_peak_mb", "wall_s", "note"]
MEM_COLUMNS = ["system", "label", "rss_idle_mb", "rss_post_warmup_mb", "rss_peak_mb", "rss_after_mb", "leak_delta_pct",
               "startup_ms_median", "startup_ms_all", "load_rps", "load_errors", "foreign_pct"]


def write_tsv(path, columns, rows):
    with open(path, "w") as f:
        f.write("\t".join(columns) + "\n")
        for r in rows:
            cells = []
            for c in columns:
                v = r.get(c, "")
                cells.append(f"{v:.4g}" if isinstance(v, float) else str(v))
            f.write("\t".join(cells) + "\n")


def chart(rows, path, title):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    groups = [("transformer", "small", "Transformer, ~1 KB bodies"), ("transformer", "large", "Transformer, ~1 MB bodies"),
              ("predictor", "small", "Standalone predictor (echo), 1 KB v2 JSON")]
    groups = [g for g in groups if any(r["section"] == g[0] and r["size"] == g[1] for r in rows)]
    if not groups:
        return
    heights = [max(2.0, 0.28 * sum(1 for r in rows if r["section"] == g[0] and r["size"] == g[1]) + 1.0) for g in groups]
    fig, axes = plt.subplots(len(groups), 2, figsize=(15, sum(heights) + 1), squeeze=False,
                             gridspec_kw={"height_ratios": heights})
    colors = {"a": "#9e9e9e", "b": "#2e7d32", "c": "#c62828", "d": "#1565c0", "e": "#7e57c2", "f": "#00838f",
              "swift": "#1565c0", "kserve": "#c62828", "mlserver": "#ef6c00"}
    short = {"a": "direct", "b": "nginx proxy", "c": "Python KServe", "d": "swift-kserve", "e": "floor (NIO + libcurl)",
             "f": "floor (NIO client)", "swift": "swift-kserve", "kserve": "Python KServe", "mlserver": "MLServer"}
    for gi, (section, size, name) in enumerate(groups):
        sel = [r for r in rows if r["section"] == section and r["size"] == size]
        labels = [f"{short[r['system']]} · {PROTO_NAMES[r['proto']]} · c{r['conns']}" for r in sel]
        ys = list(range(len(sel)))[::-1]
        for ci, (key, xlabel) in enumerate([("rps", "requests / s (log)"), ("p99_ms", "p99 latency, ms (log)")]):
            ax = axes[gi][ci]
            vals = [r[key] if r["requests"] else 0.0 for r in sel]
            ax.barh(ys, vals, color=[colors[r["system"]] for r in sel])
            ax.set_xscale("log")
            positive = [v for v in vals if v > 0]
            if positive:
                ax.set_xlim(min(positive) / 2, max(positive) * 3)
            ax.set_yticks(ys)
            ax.set_yticklabels(labels if ci == 0 else [""] * len(sel), fontsize=8)
            ax.set_xlabel(xlabel, fontsize=9)
            ax.set_title(f"{name}: {'throughput' if key == 'rps' else 'p99'}", fontsize=10)
            ax.grid(axis="x", which="both", alpha=0.3)
            for y, v in zip(ys, vals):
                if v <= 0:
                    ax.text(min(positive) / 2 if positive else 1, y, " no answer within the row", va="center",
                            fontsize=7)
                else:
                    ax.text(v, y, f" {v:,.0f}" if key == "rps" else f" {v:.2f}", va="center", fontsize=7)
    fig.suptitle(title, fontsize=11)
    fig.tight_layout(rect=(0, 0, 1, 0.98))
    fig.savefig(path, dpi=110)
    plt.close(fig)


def versions(args):
    v = {}

    def run(cmd):
        try:
            p = subprocess.run(cmd, capture_output=True, text=True, timeout=30)
            return (p.stdout + p.stderr).strip().splitlines()[0]
        except Exception:
            return "?"

    v["nginx"] = run(["nginx", "-v"]).split("/")[-1]
    v["wrk"] = run(["wrk", "-v"]).split()[1] if run(["wrk", "-v"]) != "?" else "?"
    v["kserve"] = run([args.python, "-c", "import importlib.metadata as m; print(m.version('kserve'))"])
    v["uvloop"] = run([args.python, "-c", "import importlib.metadata as m; print(m.version('uvloop'))"])
    v["mlserver"] = run([args.mlserver_python, "-c", "import importlib.metadata as m; print(m.version('mlserver'))"])
    v["python"] = run([args.python, "-c", "import platform; print(platform.python_version())"])
    return v


def write_docs(args, rows, memory, bars, machine, date, vers, png_rel):
    lines = [
        "# Benchmarks",
        "",
        "Generated by `scripts/bench` (do not edit by hand: the next run rewrites this page). Every figure below comes "
        "from one run of that command; compare ratios within the run, not absolute numbers across machines.",
        "",
        f"- **Date:** {date}",
        f"- **Machine:** {machine}",
        f"- **Software:** {args.swift_version}; nginx {vers['nginx']}; wrk {vers['wrk']}; Python {vers['python']}, "
        f"kserve {vers['kserve']} (uvloop {vers['uvloop']}, sniffio installed); MLServer {vers['mlserver']} "
        "(its own venv: it pins an older FastAPI/Starlette than kserve's)",
        f"- **Method:** {args.duration:g} s per row after a {args.warmup:g} s warm-up; everything on 127.0.0.1; "
        "nothing pinned: servers, nginx and the load generator share the 2 cores; `/tmp/swift-build.lock` held so no "
        "Swift build runs meanwhile. Load: `wrk` "
        f"({args.wrk_threads} thread(s), `--timeout 30s`, exact percentiles from its Lua `done()`), except gRPC rows: "
        "a Python `grpc.aio` load generator (2 channels; Debian has no `ghz`), which is the bottleneck of its rows.",
        "- **Systems:** (a) direct to the backend: nginx (`worker_processes auto`) answering fixed v1 / v2 bodies; "
        "(b) an nginx reverse proxy (`worker_processes auto`, keep-alive upstream pool of 256); (c) the Python KServe "
        "transformer, identity `preprocess` / `postprocess`, one worker, uvloop, no access or latency log; "
        "(d) `identity-transformer` (built by `scripts/build-release`; default workers = one event loop per core, no access or latency log); "
        "(e) `forward-floor` (Benchmarks/forward-floor): the same SwiftNIO server side and libcurl client as (d), forwarding each "
        "body byte for byte, with no routing, codecs, call chain, metrics or logs: the cheapest transformer this design allows; "
        "(f) `forward-floor --client nio`: the same, but with what the design rules out, an HTTP/1.1 client on each "
        "connection's own event loop (NIO's client codec, one kept-alive predictor connection per client connection) "
        "instead of libcurl. "
        "MLServer: custom echo runtime, `parallel_workers: 0`, no metrics, no gzip, `debug: false`.",
        "- **Columns:** CPU µs/req = utime + stime of the server's processes (`/proc/<pid>/stat`) over the row ÷ "
        "successful requests (for (a), nginx itself; for (b), the proxy only). ×(b), ×(c) = this row ÷ the same "
        "protocol, body and connection count of system (b) or (c) (gRPC rows: the (b) row with the same backend). "
        "Foreign % = CPU of the whole machine (`/proc/stat`) not used by the server, the backend, the load generator "
        "or the harness, as a share of both cores; rows above 10 % are flagged FOREIGN; rows with fewer than 50 answers are flagged FEW "
        "(a system slower than the row is long).",
        "",
        f"![throughput and p99 per system]({png_rel})",
        "",
        "## The bar of issue 5",
        "",
        "| result | measure | target | measured |",
        "|---|---|---|---|",
    ]
    for measure, target, verdict, detail in bars:
        lines.append(f"| {verdict} | {measure} | {target} | {detail} |")
    lines.append("")
    lines.append("## Tables")
    lines += table_lines(rows, memory, markdown=True)
    lines.append("")
    lines.append("Raw rows: `results/bench.tsv` and `results/bench-memory.tsv` after a run (not committed).")
    lines.append("")
    with open(os.path.join(args.root, "docs", "benchmarks.md"), "w") as f:
        f.write("\n".join(lines))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--root", required=True)
    ap.add_argument("--bin-dir", required=True)
    ap.add_argument("--python", required=True)
    ap.add_argument("--mlserver-python", required=True)
    ap.add_argument("--duration", type=float, default=10)
    ap.add_argument("--warmup", type=float, default=2)
    ap.add_argument("--starts", type=int, default=5)
    ap.add_argument("--wrk-threads", type=int, default=1)
    ap.add_argument("--swift-workers", type=int, default=0)
    ap.add_argument("--sections", default="transformer,predictor,memory")
    ap.add_argument("--skip-python", action="store_true")
    ap.add_argument("--docs", action="store_true", help="rewrite docs/benchmarks.md and docs/benchmarks.png")
    ap.add_argument("--swift-version", default="Swift ?")
    args = ap.parse_args()
    sections = set(args.sections.split(","))

    for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
        signal.signal(sig, lambda *_: (stop_all(), sys.exit(130)))
    cpu = "unknown CPU"
    with open("/proc/cpuinfo") as f:
        for line in f:
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    git = subprocess.run(["git", "-C", args.root, "describe", "--always", "--dirty"], capture_output=True,
                         text=True).stdout.strip() or "?"
    machine = f"nproc={NCPU}, {cpu}, {os.uname().sysname} {os.uname().release}, git {git}; unpinned"
    date = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    print(f"== {date}; {machine}")
    h = Harness(args)
    try:
        h.start_backends()
        if "transformer" in sections:
            h.transformer_section()
        if "predictor" in sections:
            h.predictor_section()
        if "memory" in sections:
            h.memory_section()
    finally:
        stop_all()

    rows = h.rows
    add_ratios(rows)
    results = os.path.join(args.root, "results")
    os.makedirs(results, exist_ok=True)
    stamp = datetime.datetime.now().strftime("%Y%m%d-%H%M%S")
    write_tsv(os.path.join(results, f"bench-{stamp}.tsv"), TSV_COLUMNS, rows)
    write_tsv(os.path.join(results, f"bench-memory-{stamp}.tsv"), MEM_COLUMNS, h.memory)
    shutil.copy(os.path.join(results, f"bench-{stamp}.tsv"), os.path.join(results, "bench.tsv"))
    shutil.copy(os.path.join(results, f"bench-memory-{stamp}.tsv"), os.path.join(results, "bench-memory.tsv"))
    title = f"swift-kserve benchmark, {date}, {machine.split(', git')[0]}"
    png = os.path.join(results, "bench.png")
    chart(rows, png, title)
    bars = bar_check(rows, h.memory)

    print()
    print(f"Machine: {machine}")
    print(f"Date: {date}; {args.duration:g} s per row (+{args.warmup:g} s warm-up); wrk -t{args.wrk_threads}; "
          "gRPC load: Python grpc.aio (its CPU is in results/bench.tsv, loadgen_cpu_pct)")
    for line in table_lines(rows, h.memory, markdown=False):
        print(line)
    print()
    print("BAR OF ISSUE 5")
    for measure, target, verdict, detail in bars:
        print(f"  {verdict:<4}  {measure} [{target}]: {detail}")
    flagged = [r for r in rows if "FOREIGN" in r["flag"]]
    if flagged:
        print(f"\n  note: {len(flagged)} row(s) flagged FOREIGN (other processes used > 10 % of the machine)")
    print(f"\nTSV: {os.path.join(results, 'bench.tsv')}, {os.path.join(results, 'bench-memory.tsv')}; chart: {png}")
    if args.docs:
        shutil.copy(png, os.path.join(args.root, "docs", "benchmarks.png"))
        write_docs(args, rows, h.memory, bars, machine, date, versions(args), "benchmarks.png")
        print("docs: docs/benchmarks.md, docs/benchmarks.png rewritten")
    return 0


if __name__ == "__main__":
    sys.exit(main())
