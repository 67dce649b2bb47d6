#!/usr/bin/env python
"""Writes Tests/ProtocolTests/Fixtures/float-formatting.json: doubles (as 16-hex-digit bit patterns) with the text
orjson (KServe's server serializer) and Python's repr (json.dumps, the CloudEvents SDK) print for them.
Run with a venv that has orjson (e.g. the kserve venv): python scripts/golden/gen_float_formatting.py"""
import json, os, random, struct
import orjson

random.seed(7)
values = []
for exponent in range(-330, 310):
    for _ in range(2):
        try:
            value = float(f"{random.random() * 10}e{exponent}")
        except ValueError:
            continue
        values += [value, -value]
values += [0.0, -0.0, 1e-5, 1e-4, 9.99999e-5, 1.5e-5, -2.5e-5, 1e16, 9.999999999999998e15, 1e15, 123456.789, 5e-324,
           2.2250738585072014e-308, 1.7976931348623157e308, 6.8, 0.1, 100.0]
for _ in range(1500):
    values.append(struct.unpack("<f", struct.pack("<f", random.uniform(-1e6, 1e6)))[0])
    values.append(struct.unpack("<d", struct.pack("<Q", random.getrandbits(64)))[0])
values = [v for v in values if v == v and abs(v) != float("inf")]
cases = [{"bits": struct.pack(">d", v).hex(), "orjson": orjson.dumps(v).decode(), "repr": repr(v)} for v in values]
path = os.path.join(os.path.dirname(__file__), "../../Tests/ProtocolTests/Fixtures/float-formatting.json")
with open(path, "w") as f:
    json.dump(cases, f, separators=(",", ":"))
print(len(cases), "cases")
