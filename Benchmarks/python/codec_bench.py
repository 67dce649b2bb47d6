"""The Python peer of Benchmarks/codec-bench: the KServe Python SDK doing the same work, on the same bodies.

Run through scripts/bench-codec, which makes the venv (`pip install kserve`) and calls, in order:

  codec_bench.py gen DIR                   write the request bodies both sides read (fixed seed)
  codec_bench.py run DIR [--rounds N] [--min-time S]
                                           time every case, print TSV rows (see TSV_COLUMNS)
  codec_bench.py mem-binary DIR            one binary decode in this fresh process, print its peak RSS growth
  codec_bench.py report ...                merge the Swift and Python rows, check both decoded the same values
                                           and wrote the same response, print the table, write the TSV

What "the same work" means, read from kserve's REST server (protocol/rest/v2_endpoints.py, dataplane.py) and
FastAPI/Starlette, for `POST /v2/models/{m}/infer`:
  JSON request:  Starlette `Request.json()` (stdlib `json.loads`), then FastAPI validates the body parameter
                 `Union[InferenceRequest, bytes]` with a pydantic TypeAdapter (`validate_python(...,
                 from_attributes=True)`), then `DataPlane.decode_inference_request` →
                 `InferRequest.from_inference_request`; the model reads its input with `as_numpy()`.
  JSON response: `InferResponse(...)` holding the numpy array, `DataPlane.encode` → `to_rest()`, then
                 `V2Endpoints.infer` → `InferenceResponse.model_validate`, then FastAPI's `serialize_response`
                 (the route has `response_model=None`) → `jsonable_encoder`, then the app's
                 `default_response_class=ORJSONResponse` (kserve/model_server.py) renders it with `orjson.dumps`.
                 `run` also sends both JSON requests once through a real FastAPI app with kserve's v2 routes and
                 DataPlane (Starlette TestClient, an echo model) and the report checks that the bytes are the same.
  binary request: `InferRequest.from_bytes(body, json_length, model)` + `as_numpy()` (the server path when the
                 `Inference-Header-Content-Length` header is present).
HTTP itself (uvicorn, routing, headers) is not timed on either side.
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import statistics
import sys
import time

MODEL = "bench-model"
REQUEST_ID = "bench-1"
ONE_M = 1_000_000
SMALL = 16
BINARY_ELEMENTS = 16 * 1024 * 1024  # 64 MiB of FP32
SEED = 20240611
FIXTURE_VERSION = "3"

# Columns of every row both benchmark programs print; the report adds `date` and `machine` in front.
TSV_COLUMNS = ["case", "impl", "unit", "value", "seconds_per_op", "bytes", "rounds", "iterations_per_round", "detail"]


# ---------------------------------------------------------------------------------------------------- fixtures

def gen(directory: str) -> None:
    import numpy as np

    os.makedirs(directory, exist_ok=True)
    stamp = os.path.join(directory, "fixtures.version")
    if os.path.exists(stamp) and open(stamp).read() == FIXTURE_VERSION:
        return
    rng = np.random.default_rng(SEED)

    def request(values, shape, datatype="FP32") -> bytes:
        body = {"id": REQUEST_ID, "inputs": [{"name": "input-0", "shape": shape, "datatype": datatype, "data": values}]}
        return json.dumps(body).encode()  # json.dumps defaults: ", " and ": " separators, floats as repr

    # 1M FP32 as an FP32 tensor's values are normally printed: the shortest text that reads back as the same
    # float32 (e.g. -1.4284534), from a standard normal distribution. Python floats made from that text print
    # the same text through json's repr. About 12 MB.
    values = rng.standard_normal(ONE_M, dtype=np.float32)
    texts = values.astype(str)
    floats = [float(t) for t in texts]
    assert np.array_equal(np.array(floats, dtype=np.float32), values)
    write(directory, "req-json-1m.json", request(floats, [ONE_M]))
    write(directory, "expected-1m.f32", values.astype("<f4").tobytes())
    # The same tensor as a Python client that calls `tolist()` on a float32 array sends it: each value widened
    # to double and printed with 17 significant digits (1.7291035652160645). About 21 MB. Informational.
    write(directory, "req-json-1m-f64repr.json", request(values.tolist(), [ONE_M]))
    # 16 values, shape [1, 16].
    small = rng.standard_normal(SMALL, dtype=np.float32)
    write(directory, "req-json-16.json", request([float(t) for t in small.astype(str)], [1, SMALL]))
    # Binary extension: JSON header, then 64 MiB of little-endian FP32.
    big = rng.standard_normal(BINARY_ELEMENTS, dtype=np.float32).astype("<f4")
    header = {
        "id": REQUEST_ID,
        "inputs": [{"name": "input-0", "shape": [BINARY_ELEMENTS], "datatype": "FP32",
                    "parameters": {"binary_data_size": big.nbytes}}],
    }
    header_bytes = json.dumps(header).encode()
    with open(os.path.join(directory, "req-binary-64m.bin"), "wb") as f:
        f.write(header_bytes)
        f.write(big.tobytes())
    write(directory, "req-binary-64m.jsonlen", str(len(header_bytes)).encode())
    write(directory, "fixtures.version", FIXTURE_VERSION.encode())


def write(directory: str, name: str, data: bytes) -> None:
    with open(os.path.join(directory, name), "wb") as f:
        f.write(data)


def read(directory: str, name: str) -> bytes:
    with open(os.path.join(directory, name), "rb") as f:
        return f.read()


# ---------------------------------------------------------------------------------------------- the server path

def server_path():
    """The functions the KServe server runs, imported once (importing kserve takes seconds)."""
    from typing import Union

    from fastapi.encoders import jsonable_encoder
    from kserve.protocol.infer_type import InferOutput, InferRequest, InferResponse
    from kserve.protocol.rest.v2_datamodels import InferenceRequest, InferenceResponse
    from pydantic import TypeAdapter
    from fastapi.responses import ORJSONResponse

    body_adapter = TypeAdapter(Union[InferenceRequest, bytes])

    def decode_json(body: bytes):
        parsed = json.loads(body)  # starlette Request.json()
        model = body_adapter.validate_python(parsed, from_attributes=True)  # FastAPI body validation
        request = InferRequest.from_inference_request(model, MODEL)  # DataPlane.decode_inference_request
        return request, request.inputs[0].as_numpy()

    def encode_json(request, array) -> bytes:
        output = InferOutput(name="output-0", shape=list(array.shape), datatype="FP32", data=array)
        response = InferResponse(response_id=request.id, model_name=MODEL, infer_outputs=[output])
        rest, json_size = response.to_rest()  # DataPlane.encode
        assert json_size is None
        validated = InferenceResponse.model_validate(rest)  # V2Endpoints.infer
        return ORJSONResponse(jsonable_encoder(validated)).body  # FastAPI serialize_response + the app's response class

    def decode_binary(body: bytes, json_length: int):
        request = InferRequest.from_bytes(body, json_length, MODEL)
        return request, request.inputs[0].as_numpy()

    return decode_json, encode_json, decode_binary


def real_server_responses(directory: str, out_dir: str) -> None:
    """Sends the JSON requests once through a FastAPI app built as kserve's ModelServer builds it (ORJSONResponse
    as the default response class, kserve's v2 routes, a real DataPlane and ModelRepository) with an echo model,
    and writes the response bodies, so that the report can check that `encode_json` above writes what the real
    server writes. Not timed."""
    import warnings

    warnings.filterwarnings("ignore")
    from fastapi import FastAPI
    from fastapi.responses import ORJSONResponse
    from fastapi.testclient import TestClient
    from kserve import Model
    from kserve.model_repository import ModelRepository
    from kserve.protocol.dataplane import DataPlane
    from kserve.protocol.infer_type import InferOutput, InferResponse
    from kserve.protocol.rest.v2_endpoints import register_v2_endpoints

    class Echo(Model):
        def __init__(self):
            super().__init__(MODEL)
            self.ready = True

        async def predict(self, request, headers=None):
            array = request.inputs[0].as_numpy()
            output = InferOutput(name="output-0", shape=list(array.shape), datatype="FP32", data=array)
            return InferResponse(response_id=request.id, model_name=self.name, infer_outputs=[output])

    repository = ModelRepository()
    repository.update(Echo())
    app = FastAPI(default_response_class=ORJSONResponse)
    register_v2_endpoints(app, DataPlane(model_registry=repository), None)
    client = TestClient(app)
    for name, request in [("1m", "req-json-1m.json"), ("16", "req-json-16.json")]:
        response = client.post(f"/v2/models/{MODEL}/infer", content=read(directory, request),
                               headers={"content-type": "application/json"})
        if response.status_code != 200:
            raise RuntimeError(f"real server answered {response.status_code}: {response.text[:200]}")
        write(out_dir, f"server-response-{name}.json", response.content)


# ---------------------------------------------------------------------------------------------------- timing

def measure(op, rounds: int, min_time: float):
    """Warm-up, then `rounds` rounds of N back-to-back calls, N chosen from the warm-up so that a round lasts at
    least `min_time` seconds. Returns (median seconds per call, N)."""
    op()  # warm-up
    calls = 1
    while True:  # calibrate on at least 0.2 s of calls
        start = time.perf_counter()
        for _ in range(calls):
            op()
        elapsed = time.perf_counter() - start
        if elapsed >= 0.2 or calls >= 1_000_000:
            break
        calls *= 4
    warm = elapsed / calls
    iterations = max(1, int(min_time / max(warm, 1e-9)) + 1)
    per_call = []
    for _ in range(rounds):
        start = time.perf_counter()
        for _ in range(iterations):
            op()
        per_call.append((time.perf_counter() - start) / iterations)
    return statistics.median(per_call), iterations


def row(case, unit, value, seconds, size, rounds, iterations, detail=""):
    print("\t".join(str(x) for x in [case, "python", unit, value, f"{seconds:.9g}", size, rounds, iterations, detail]),
          flush=True)


def run(directory: str, rounds: int, min_time: float, out_dir: str) -> None:
    decode_json, encode_json, decode_binary = server_path()
    os.makedirs(out_dir, exist_ok=True)
    real_server_responses(directory, out_dir)

    for case, name in [("json-decode-1m", "req-json-1m.json"), ("json-decode-1m-f64repr", "req-json-1m-f64repr.json")]:
        body = read(directory, name)
        _, array = decode_json(body)
        if case == "json-decode-1m":
            write(out_dir, "python-decoded-1m.f32", array.astype("<f4").tobytes())
        seconds, iterations = measure(lambda: decode_json(body), rounds, min_time)
        row(case, "MB/s", f"{len(body) / seconds / 1e6:.1f}", seconds, len(body), rounds, iterations)

    body = read(directory, "req-json-1m.json")
    request, array = decode_json(body)
    response = encode_json(request, array)
    write(out_dir, "python-response-1m.json", response)
    seconds, iterations = measure(lambda: encode_json(request, array), rounds, min_time)
    row("json-encode-1m", "MB/s", f"{len(response) / seconds / 1e6:.1f}", seconds, len(response), rounds, iterations)
    del request, array, response

    body = read(directory, "req-binary-64m.bin")
    json_length = int(read(directory, "req-binary-64m.jsonlen"))
    seconds, iterations = measure(lambda: decode_binary(body, json_length), rounds, min_time)
    row("binary-decode-64m", "MB/s", f"{len(body) / seconds / 1e6:.1f}", seconds, len(body), rounds, iterations)
    del body
    gc.collect()

    small = read(directory, "req-json-16.json")

    def round_trip():
        req, arr = decode_json(small)
        return encode_json(req, arr)

    write(out_dir, "python-response-16.json", round_trip())
    seconds, iterations = measure(round_trip, rounds, min_time)
    row("small-roundtrip-16", "us", f"{seconds * 1e6:.2f}", seconds, len(small), rounds, iterations)


# ----------------------------------------------------------------------------------------------------- memory

def status_kib(field: str) -> int:
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith(field + ":"):
                return int(line.split()[1])
    raise RuntimeError(f"{field} not in /proc/self/status")


def mem_binary(directory: str) -> None:
    """Peak RSS growth of one binary decode in this fresh process (same method as the Swift side, see
    scripts/bench-codec): load the body, reset the peak with `echo 5 > /proc/self/clear_refs`, decode once and
    keep the result alive, then growth = VmHWM after − VmRSS before. A small body is decoded first."""
    import resource

    _, _, decode_binary = server_path()
    body = read(directory, "req-binary-64m.bin")
    json_length = int(read(directory, "req-binary-64m.jsonlen"))
    # Decode a small body first, so that first-use costs (imports, caches) are not counted as the decode's memory.
    small_header = json.dumps({"inputs": [{"name": "input-0", "shape": [16], "datatype": "FP32",
                                           "parameters": {"binary_data_size": 64}}]}).encode()
    decode_binary(small_header + bytes(64), len(small_header))
    gc.collect()
    try:
        with open("/proc/self/clear_refs", "w") as f:
            f.write("5")
        method = "clear_refs+VmHWM"
    except OSError:
        method = "ru_maxrss"
    rss_before = status_kib("VmRSS")
    maxrss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    request, array = decode_binary(body, json_length)
    float(array[0])
    if method == "clear_refs+VmHWM":
        growth = (status_kib("VmHWM") - rss_before) * 1024
    else:
        growth = (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - maxrss_before) * 1024
    row("binary-decode-64m-peak", "bytes", growth, 0, len(body), 1, 1, method)


# ----------------------------------------------------------------------------------------------------- report

CASES = [
    # case, label, unit, target text, check(swift value, ratio) -> bool
    ("json-decode-1m", "1. JSON decode, 1M FP32", "MB/s", ">= 400 MB/s, >= 10x", lambda v, r: v >= 400 and r >= 10),
    ("json-encode-1m", "2. JSON encode, 1M FP32", "MB/s", ">= 200 MB/s", lambda v, r: v >= 200),
    ("binary-decode-64m", "3. binary decode, 64 MiB FP32", "MB/s", ">= 2000 MB/s", lambda v, r: v >= 2000),
    ("binary-decode-64m-peak", "3. binary decode, peak extra RSS", "x payload", "<= 1x payload", None),
    ("small-roundtrip-16", "4. 16 FP32 decode+encode", "us", "<= 3 us", lambda v, r: v <= 3),
    ("json-decode-1m-f64repr", "i. JSON decode, 1M FP32 as 17-digit", "MB/s", "(info)", None),
]

# A payload counts as copied once if the peak growth is at most the payload plus this allowance (malloc
# bookkeeping, the request's small objects, page rounding).
PEAK_ALLOWANCE = 1 << 20


def load_rows(path):
    rows = {}
    with open(path) as f:
        for line in f:
            parts = line.rstrip("\n").split("\t")
            if len(parts) != len(TSV_COLUMNS):
                continue
            entry = dict(zip(TSV_COLUMNS, parts))
            rows[(entry["case"], entry["impl"])] = entry
    return rows


def same_file(a, b):
    try:
        return read("", a) == read("", b)
    except OSError:
        return False


def report(args) -> int:
    import numpy as np

    rows = {}
    for path in args.rows:
        rows.update(load_rows(path))
    print()
    print(f"date: {args.date}")
    print(f"machine: {args.machine}")
    print(f"swift: {args.swift_version}; python: {sys.version.split()[0]}, kserve {kserve_version()}")
    print(f"method: median of {args.rounds} rounds of >= {args.min_time:g} s each after a warm-up; "
          f"MB = 10^6 bytes of request body (decode) or response body (encode)")
    header = ["case", "Swift", "Python", "ratio", "target", "result"]
    table = []
    failed = 0
    for case, label, unit, target, check in CASES:
        s, p = rows.get((case, "swift")), rows.get((case, "python"))
        if s is None:
            table.append([label, "missing", "", "", target, "FAIL"])
            failed += 1
            continue
        sv = float(s["value"])
        pv = float(p["value"]) if p else None
        if case.endswith("-peak"):
            payload = int(s["bytes"])
            ok = sv <= payload + PEAK_ALLOWANCE
            cell = lambda v: f"{v / 2**20:.1f} MiB ({v / payload:.2f}x)"
            table.append([label, cell(sv), cell(pv) if pv is not None else "n/a",
                          f"{pv / sv:.1f}x less" if pv else "", target, "PASS" if ok else "FAIL"])
        else:
            if unit == "us":
                ratio = pv / sv if pv else 0.0
                cell = lambda v: f"{v:.2f} us"
            else:
                ratio = sv / pv if pv else 0.0
                cell = lambda v: f"{v:.1f} MB/s"
            ok = check(sv, ratio) if check else None
            table.append([label, cell(sv), cell(pv) if pv is not None else "n/a", f"{ratio:.1f}x",
                          target, "" if ok is None else ("PASS" if ok else "FAIL")])
        if table[-1][-1] == "FAIL":
            failed += 1
    widths = [max(len(r[i]) for r in table + [header]) for i in range(len(header))]
    line = lambda r: "| " + " | ".join(c.ljust(w) for c, w in zip(r, widths)) + " |"
    print(line(header))
    print("|" + "|".join("-" * (w + 2) for w in widths) + "|")
    for r in table:
        print(line(r))

    # Both sides must have done the same work: same decoded values, same response bytes.
    d = args.fixtures
    expected = np.fromfile(os.path.join(d, "expected-1m.f32"), dtype="<f4")
    checks = []
    for impl in ("swift", "python"):
        path = os.path.join(args.out, f"{impl}-decoded-1m.f32")
        got = np.fromfile(path, dtype="<f4") if os.path.exists(path) else None
        checks.append((f"{impl} decoded the 1M values exactly",
                       got is not None and got.shape == expected.shape and np.array_equal(got.view("<u4"), expected.view("<u4"))))
    for name in ("response-1m.json", "response-16.json"):
        server = os.path.join(args.out, f"server-{name}")
        for impl in ("swift", "python"):
            checks.append((f"{impl} {name} is byte-identical to the real kserve server's",
                           same_file(os.path.join(args.out, f"{impl}-{name}"), server)))
    for text, ok in checks:
        print(f"check: {text}: {'yes' if ok else 'NO'}")
    print(f"targets: {len([r for r in table if r[-1] == 'PASS'])} passed, {failed} failed")

    os.makedirs(os.path.dirname(args.tsv), exist_ok=True)
    with open(args.tsv, "w") as f:
        f.write("\t".join(["date", "machine"] + TSV_COLUMNS) + "\n")
        for key in sorted(rows):
            entry = rows[key]
            f.write("\t".join([args.date, args.machine] + [entry[c] for c in TSV_COLUMNS]) + "\n")
    print(f"raw results: {args.tsv}")
    return 0


def kserve_version() -> str:
    try:
        from importlib.metadata import version
        return version("kserve")
    except Exception:
        return "?"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)
    p = sub.add_parser("gen")
    p.add_argument("fixtures")
    p = sub.add_parser("run")
    p.add_argument("fixtures")
    p.add_argument("--out", required=True)
    p.add_argument("--rounds", type=int, default=5)
    p.add_argument("--min-time", type=float, default=1.0)
    p = sub.add_parser("mem-binary")
    p.add_argument("fixtures")
    p = sub.add_parser("report")
    p.add_argument("rows", nargs="+")
    p.add_argument("--fixtures", required=True)
    p.add_argument("--out", required=True)
    p.add_argument("--tsv", required=True)
    p.add_argument("--date", required=True)
    p.add_argument("--machine", required=True)
    p.add_argument("--swift-version", default="?")
    p.add_argument("--rounds", type=int, default=5)
    p.add_argument("--min-time", type=float, default=1.0)
    args = parser.parse_args()
    if args.command == "gen":
        gen(args.fixtures)
    elif args.command == "run":
        run(args.fixtures, args.rounds, args.min_time, args.out)
    elif args.command == "mem-binary":
        mem_binary(args.fixtures)
    else:
        return report(args)
    return 0


if __name__ == "__main__":
    sys.exit(main())
