#!/usr/bin/env python
"""Generate golden test vectors for swift-kserve from the real KServe Python SDK.

Run with the scratch venv:   /work/venv-scratch/bin/python gen_golden.py
Writes golden.json next to this script.

Every case mirrors a KServe unit test (python/kserve/test/test_infer_type.py, test_server.py,
test_grpc_server.py) or is an extra probe (name prefixed with "extra_"). Expected values are NOT
typed in by hand: they are whatever the installed `kserve` package produces.

Conventions inside golden.json
  * floats that JSON cannot hold are written as strings "NaN", "Infinity", "-Infinity"
    (only in *input descriptions*; expected JSON bytes are given verbatim as json_text/json_hex).
  * bytes values are written as {"bytes_hex": "..."}.
  * gRPC InferParameter values in descriptions are written as {"int64_param": 1} / {"bool_param": true} /
    {"string_param": "x"} (protobuf JSON mapping, except int64 kept as a JSON number).
  * "numpy" tensor descriptions: dtype, shape, values (literal as written in the KServe test),
    exact (the values after rounding to dtype, as float64/int), raw_hex (little-endian tensor bytes,
    BYTES = 4-byte LE length + bytes per element), binary_data (flag passed to set_data_from_numpy).
  * kinds: request_to_rest / response_to_rest (expected: result_type bytes|dict, json_text, json_hex,
    json_length, binary_hex; dict results also carry the dict and json_text = orjson.dumps(dict));
    request_roundtrip_bytes (to_rest then from_bytes); request_from_bytes / response_from_bytes /
    request_from_json / request_from_grpc / response_from_grpc (expected.decoded or error);
    request_to_grpc / response_to_grpc / grpc_response (message_to_dict with map keys sorted,
    serialized_hex_deterministic, raw_*_contents_hex); server_v2_response (real FastAPI app via TestClient:
    status, response_headers, json_text/json_hex/json_length/binary_hex, error).
  * error cases: expected.status (400 for InvalidInput) or grpc_status, error_type, error (exact str(exc)).
  * verified_against_kserve_test_literal: true when the bytes equal the literal asserted in KServe's test.
  * generated ids (uuid4) are patched to a fixed UUID (see fixed_uuid_for_generated_ids).
"""
import asyncio
import base64
import copy
import json
import logging
import math
import os
import sys
import uuid
from importlib import metadata
from unittest import mock

import numpy as np
import orjson
import pandas as pd
from google.protobuf.json_format import MessageToDict

import kserve  # noqa: F401
from kserve import Model, ModelRepository, ModelServer
from kserve.errors import InvalidInput, InferenceError
from kserve.protocol.dataplane import DataPlane
from kserve.protocol.grpc import grpc_predict_v2_pb2 as pb
from kserve.protocol.grpc import servicer as grpc_servicer
from kserve.protocol.infer_type import (
    InferInput,
    InferOutput,
    InferRequest,
    InferResponse,
    RequestedOutput,
    serialize_byte_tensor,
)
from kserve.protocol.grpc.grpc_predict_v2_pb2 import (
    InferParameter,
    ModelInferRequest,
    ModelInferResponse,
)
from kserve.protocol.model_repository_extension import ModelRepositoryExtension
from kserve.protocol.rest.v2_datamodels import InferenceRequest, RequestInput
from kserve.utils.utils import get_predict_input, get_predict_response, generate_uuid

HERE = os.path.dirname(os.path.abspath(__file__))
INFERENCE_HEADER = "inference-header-content-length"
FIXED_UUID = uuid.UUID("00000000-0000-4000-8000-000000000000")

CASES = []


# ----------------------------------------------------------------------------------------------
# helpers
# ----------------------------------------------------------------------------------------------
def jsonable(v):
    if isinstance(v, bool) or v is None or isinstance(v, str):
        return v
    if isinstance(v, float):
        if math.isnan(v):
            return "NaN"
        if math.isinf(v):
            return "Infinity" if v > 0 else "-Infinity"
        return v
    if isinstance(v, int):
        return v
    if isinstance(v, np.generic):
        return jsonable(v.item())
    if isinstance(v, np.ndarray):
        return jsonable(v.tolist())
    if isinstance(v, (bytes, bytearray)):
        return {"bytes_hex": bytes(v).hex()}
    if isinstance(v, InferParameter):
        which = v.WhichOneof("parameter_choice")
        return {which: getattr(v, which)} if which else {}
    if isinstance(v, dict):
        return {k: jsonable(x) for k, x in v.items()}
    if hasattr(v, "items"):  # protobuf MessageMap: iteration order is not stable -> sort keys
        return {k: jsonable(x) for k, x in sorted(v.items())}
    if isinstance(v, (list, tuple)):
        return [jsonable(x) for x in v]
    return repr(v)


def np_desc(arr, binary_data, literal=None):
    """Description of a numpy array handed to set_data_from_numpy (or used as data)."""
    d = {
        "dtype": str(arr.dtype),
        "shape": list(arr.shape),
        "values": jsonable(literal if literal is not None else arr.tolist()),
        "exact": jsonable([x.item() if isinstance(x, np.generic) else x for x in arr.flatten()]),
    }
    if arr.dtype == np.object_:
        ser = serialize_byte_tensor(arr)
        d["raw_hex"] = (ser.item() if ser.size > 0 else b"").hex()
    else:
        d["raw_hex"] = arr.tobytes().hex()
    if binary_data is not None:
        d["binary_data"] = binary_data
    return d


def split_body(body: bytes, json_length):
    if json_length is None:
        return {
            "json_text": body.decode("utf-8"),
            "json_hex": body.hex(),
            "json_length": None,
            "binary_hex": "",
        }
    return {
        "json_text": body[:json_length].decode("utf-8"),
        "json_hex": body[:json_length].hex(),
        "json_length": json_length,
        "binary_hex": body[json_length:].hex(),
    }


def to_rest_expected(result, json_length):
    """Expected output of InferRequest.to_rest / InferResponse.to_rest."""
    if isinstance(result, bytes):
        out = {"result_type": "bytes"}
        out.update(split_body(result, json_length))
        return out
    # dict result: keep the dict (key order preserved) and the compact orjson bytes that
    # KServe's own REST client (InferenceRESTClient.infer) sends for a dict.
    text = orjson.dumps(result)
    return {
        "result_type": "dict",
        "dict": jsonable(result),
        "json_text": text.decode("utf-8"),
        "json_hex": text.hex(),
        "json_length": None,
        "binary_hex": "",
        "note": "json_text = orjson.dumps(dict) (compact, what kserve InferenceRESTClient sends)",
    }


def error_expected(exc, status=None):
    if status is None:
        status = 400 if isinstance(exc, InvalidInput) else 500
    return {"status": status, "error_type": type(exc).__name__, "error": str(exc)}


def add(name, kind, mirrors, inp, expected, notes=None):
    case = {"name": name, "kind": kind, "mirrors": mirrors, "input": inp, "expected": expected}
    if notes:
        case["notes"] = notes
    CASES.append(case)


def run_expect_error(fn):
    try:
        fn()
    except (InvalidInput, InferenceError) as e:  # KServe errors
        return e
    except Exception as e:  # noqa: BLE001 - record anything else as-is
        return e
    return None


def pj(p, from_grpc):
    """jsonable parameters; maps that came from protobuf have no stable order -> sorted keys."""
    v = jsonable(p)
    return dict(sorted(v.items())) if (from_grpc and isinstance(v, dict)) else v


def describe_request(req: InferRequest):
    """Describe an InferRequest *as decoded* (after from_bytes / from_grpc)."""
    return {
        "id": req.id,
        "model_name": req.model_name,
        "model_version": req.model_version,
        "parameters": pj(req.parameters, req.from_grpc),
        "from_grpc": req.from_grpc,
        "use_binary_outputs": bool(req.use_binary_outputs),
        "inputs": [
            {
                "name": i.name,
                "datatype": i.datatype,
                "shape": list(i.shape),
                "data": jsonable(i.data),
                "raw_hex": None if i._raw_data is None else bytes(i._raw_data).hex(),
                "parameters": pj(i.parameters, req.from_grpc),
            }
            for i in req.inputs
        ],
        "request_outputs": None
        if req.request_outputs is None
        else [{"name": o.name, "parameters": pj(o.parameters, req.from_grpc)} for o in req.request_outputs],
    }


def describe_response(res: InferResponse):
    return {
        "id": res.id,
        "model_name": res.model_name,
        "model_version": res.model_version,
        "parameters": pj(res.parameters, res.from_grpc),
        "outputs": [
            {
                "name": o.name,
                "datatype": o.datatype,
                "shape": list(o.shape),
                "data": jsonable(o.data),
                "raw_hex": None if o._raw_data is None else bytes(o._raw_data).hex(),
                "parameters": pj(o.parameters, res.from_grpc),
            }
            for o in res.outputs
        ],
    }


def sorted_maps(obj):
    """MessageToDict keeps protobuf map iteration order, which is not stable: sort 'parameters' maps."""
    if isinstance(obj, dict):
        return {k: (dict(sorted((kk, sorted_maps(vv)) for kk, vv in v.items())) if k == "parameters" and isinstance(v, dict)
                    else sorted_maps(v)) for k, v in obj.items()}
    if isinstance(obj, list):
        return [sorted_maps(x) for x in obj]
    return obj


def m2d(msg):
    return sorted_maps(MessageToDict(msg, preserving_proto_field_name=True))


def grpc_msg_expected(msg):
    d = {
        "message_to_dict": m2d(msg),
        "serialized_hex_deterministic": msg.SerializeToString(deterministic=True).hex(),
    }
    if isinstance(msg, ModelInferResponse):
        d["raw_output_contents_hex"] = [bytes(r).hex() for r in msg.raw_output_contents]
        d["raw_output_contents_b64"] = [base64.b64encode(bytes(r)).decode() for r in msg.raw_output_contents]
        d["outputs"] = [
            {
                "name": o.name,
                "datatype": o.datatype,
                "shape": list(o.shape),
                "parameters": {k: jsonable(v) for k, v in sorted(o.parameters.items())},
                "contents": MessageToDict(o.contents, preserving_proto_field_name=True)
                if o.HasField("contents")
                else None,
            }
            for o in msg.outputs
        ]
    if isinstance(msg, ModelInferRequest):
        d["raw_input_contents_hex"] = [bytes(r).hex() for r in msg.raw_input_contents]
    return d


GP = {
    "test-str": "dummy",
    "test-bool": True,
    "test-int": 100,
}


def gp():
    return dict(GP)


# ----------------------------------------------------------------------------------------------
# test_infer_type.py :: TestInferRequest
# ----------------------------------------------------------------------------------------------
def infer_request_cases():
    mirrors = "python/kserve/test/test_infer_type.py::TestInferRequest::"

    # --- test_to_rest_with_mixed_binary_data (json_length 546)
    a1 = np.array([1, 2, 3], dtype=np.int32)
    a2 = np.array(["test"], dtype=np.object_)
    a3 = np.array([1.2, 2.2, 3.2], dtype=np.float16)
    i1 = InferInput(name="input1", shape=[3], datatype="INT32", data=a1.copy(), parameters={"test-str": "dummy"})
    i2 = InferInput(name="input2", shape=[1], datatype="BYTES", data=None, parameters={"test-int": 2})
    i2.set_data_from_numpy(a2, binary_data=True)
    i3 = InferInput(name="input3", shape=[3], datatype="FP16", data=None)
    i3.set_data_from_numpy(a3, binary_data=True)
    req = InferRequest(
        request_id="4be4e82f-5500-420a-a5c5-ac86841e271b",
        model_name="test_model",
        infer_inputs=[i1, i2, i3],
        request_outputs=[RequestedOutput(name="output-0", parameters=gp()), RequestedOutput(name="output-1", parameters=gp())],
    )
    res, jl = req.to_rest()
    add(
        "test_to_rest_with_mixed_binary_data",
        "request_to_rest",
        mirrors + "test_to_rest_with_mixed_binary_data",
        {
            "id": "4be4e82f-5500-420a-a5c5-ac86841e271b",
            "model_name": "test_model",
            "parameters": None,
            "inputs": [
                {"name": "input1", "shape": [3], "datatype": "INT32", "parameters": {"test-str": "dummy"},
                 "data_numpy": np_desc(a1, None), "note": "data is an np.ndarray; to_rest converts it to a JSON list"},
                {"name": "input2", "shape": [1], "datatype": "BYTES", "parameters": {"test-int": 2},
                 "set_data_from_numpy": np_desc(a2, True)},
                {"name": "input3", "shape": [3], "datatype": "FP16", "parameters": None,
                 "set_data_from_numpy": np_desc(a3, True, [1.2, 2.2, 3.2])},
            ],
            "outputs": [{"name": "output-0", "parameters": gp()}, {"name": "output-1", "parameters": gp()}],
        },
        to_rest_expected(res, jl),
        notes="binary_data_size is appended AFTER existing input parameters (dict insertion order).",
    )

    # --- test_to_rest_with_fp16_not_as_binary_data
    i1 = InferInput(name="input1", shape=[3], datatype="INT32", data=None)
    i1.set_data_from_numpy(np.array([1, 2, 3], dtype=np.int32), binary_data=False)
    i2 = InferInput(name="input2", shape=[1], datatype="BYTES", data=None)
    i2.set_data_from_numpy(np.array(["test"], dtype=np.object_), binary_data=True)
    i3 = InferInput(name="input3", shape=[3], datatype="FP16", data=None)
    i3.set_data_from_numpy(np.array([1.2, 2.2, 3.2], dtype=np.float16), binary_data=False)
    req = InferRequest(request_id="4be4e82f-5500-420a-a5c5-ac86841e271b", model_name="test_model", infer_inputs=[i1, i2, i3])
    err = run_expect_error(req.to_rest)
    add(
        "test_to_rest_with_fp16_not_as_binary_data",
        "request_to_rest",
        mirrors + "test_to_rest_with_fp16_not_as_binary_data",
        {
            "id": "4be4e82f-5500-420a-a5c5-ac86841e271b",
            "model_name": "test_model",
            "inputs": [
                {"name": "input1", "shape": [3], "datatype": "INT32", "set_data_from_numpy": np_desc(np.array([1, 2, 3], dtype=np.int32), False)},
                {"name": "input2", "shape": [1], "datatype": "BYTES", "set_data_from_numpy": np_desc(np.array(["test"], dtype=np.object_), True)},
                {"name": "input3", "shape": [3], "datatype": "FP16", "set_data_from_numpy": np_desc(np.array([1.2, 2.2, 3.2], dtype=np.float16), False, [1.2, 2.2, 3.2])},
            ],
        },
        error_expected(err),
    )

    # --- test_to_rest_with_no_binary_data (dict result)
    req = InferRequest(
        request_id="4be4e82f-5500-420a-a5c5-ac86841e271b",
        model_name="test_model",
        infer_inputs=[
            InferInput(name="input1", shape=[3], datatype="INT32", data=[1, 2, 3]),
            InferInput(name="input2", shape=[1], datatype="BYTES", data=["test"]),
            InferInput(name="input3", shape=[3], datatype="FP32", data=[1.2, 2.2, 3.2], parameters={"test-int": 2}),
        ],
        request_outputs=[RequestedOutput(name="output-0", parameters=gp()), RequestedOutput(name="output-1", parameters=gp())],
    )
    inp_desc = {
        "id": "4be4e82f-5500-420a-a5c5-ac86841e271b",
        "model_name": "test_model",
        "inputs": [
            {"name": "input1", "shape": [3], "datatype": "INT32", "data": [1, 2, 3]},
            {"name": "input2", "shape": [1], "datatype": "BYTES", "data": ["test"]},
            {"name": "input3", "shape": [3], "datatype": "FP32", "data": [1.2, 2.2, 3.2], "parameters": {"test-int": 2}},
        ],
        "outputs": [{"name": "output-0", "parameters": gp()}, {"name": "output-1", "parameters": gp()}],
    }
    res, jl = req.to_rest()
    add(
        "test_to_rest_with_no_binary_data",
        "request_to_rest",
        mirrors + "test_to_rest_with_no_binary_data",
        inp_desc,
        to_rest_expected(res, jl),
        notes="List data is emitted as given (FP32 1.2 stays 1.2, no float32 rounding on the request side).",
    )

    # --- test_to_rest_with_parameters (id generated -> uuid4; patched to a fixed value)
    ii = InferInput(name="input1", shape=[3], datatype="INT32", data=None, parameters={"param1": "value1"})
    ii.set_data_from_numpy(np.array([1, 2, 3], dtype=np.int32), binary_data=True)
    req = InferRequest(model_name="test_model", infer_inputs=[ii], parameters={"request_param1": "request_value1"})
    with mock.patch("uuid.uuid4", return_value=FIXED_UUID):
        res, jl = req.to_rest()
    add(
        "test_to_rest_with_parameters",
        "request_to_rest",
        mirrors + "test_to_rest_with_parameters",
        {
            "id": None,
            "id_generated_as": str(FIXED_UUID),
            "model_name": "test_model",
            "parameters": {"request_param1": "request_value1"},
            "inputs": [{"name": "input1", "shape": [3], "datatype": "INT32", "parameters": {"param1": "value1"},
                        "set_data_from_numpy": np_desc(np.array([1, 2, 3], dtype=np.int32), True)}],
        },
        to_rest_expected(res, jl),
        notes="No id -> str(uuid.uuid4()) (patched to a fixed value here). Request 'parameters' come AFTER inputs/outputs.",
    )

    # --- extra: empty-string id is replaced too (truthiness test)
    req = InferRequest(model_name="m", request_id="", infer_inputs=[InferInput(name="x", shape=[1], datatype="BOOL", data=[True])],
                       parameters={}, request_outputs=[RequestedOutput(name="y", parameters={})])
    with mock.patch("uuid.uuid4", return_value=FIXED_UUID):
        res, jl = req.to_rest()
    add("extra_request_to_rest_empty_id_and_empty_parameters", "request_to_rest", "infer_type.py InferRequest.to_rest",
        {"id": "", "id_generated_as": str(FIXED_UUID), "model_name": "m", "parameters": {},
         "inputs": [{"name": "x", "shape": [1], "datatype": "BOOL", "data": [True]}], "outputs": [{"name": "y", "parameters": {}}]},
        to_rest_expected(res, jl),
        notes="id '' is replaced by uuid4; empty {} parameters (request, input, requested output) are omitted.")

    # --- test_infer_request_to_rest_missing_data_field
    req = InferRequest(model_name="test_model", infer_inputs=[InferInput(name="input1", shape=[1], datatype="INT32", parameters={"binary_data_size": 12})])
    err = run_expect_error(req.to_rest)
    add(
        "test_infer_request_to_rest_missing_data_field",
        "request_to_rest",
        mirrors + "test_infer_request_to_rest_missing_data_field",
        {"model_name": "test_model", "inputs": [{"name": "input1", "shape": [1], "datatype": "INT32", "parameters": {"binary_data_size": 12}}]},
        error_expected(err),
        notes="Quirk: the message says 'output' although it is an input (InferRequest.to_rest).",
    )

    # --- test_infer_request_from_bytes_valid_input / _with_requested_outputs (round trip)
    for with_outputs in (False, True):
        fp16 = np.array([1.1, 2.9, 3.4], dtype=np.float16)
        in1 = InferInput(name="input1", shape=[3], datatype="INT32", data=[1, 2, 3])
        in2 = InferInput(name="input2", shape=[3], datatype="FP16", data=None, parameters={})
        in2.set_data_from_numpy(fp16, binary_data=True)
        outs = [RequestedOutput(name="output-0", parameters=gp()), RequestedOutput(name="output-1", parameters=gp())] if with_outputs else None
        req = InferRequest(request_id="abc", model_name="test_model", infer_inputs=[in1, in2], request_outputs=outs)
        body, jl = req.to_rest()
        decoded = InferRequest.from_bytes(body, jl, "test_model")
        name = "test_infer_request_from_bytes_with_requested_outputs" if with_outputs else "test_infer_request_from_bytes_valid_input"
        desc = {
            "id": "abc",
            "model_name": "test_model",
            "inputs": [
                {"name": "input1", "shape": [3], "datatype": "INT32", "data": [1, 2, 3]},
                {"name": "input2", "shape": [3], "datatype": "FP16", "parameters": {}, "set_data_from_numpy": np_desc(fp16, True, [1.1, 2.9, 3.4])},
            ],
        }
        if with_outputs:
            desc["outputs"] = [{"name": "output-0", "parameters": gp()}, {"name": "output-1", "parameters": gp()}]
        exp = {"to_rest": to_rest_expected(body, jl), "from_bytes": describe_request(decoded)}
        add(name, "request_roundtrip_bytes", mirrors + name, desc, exp,
            notes="from_bytes(body, json_length, 'test_model'): binary inputs are decoded to JSON-style lists "
                  "(FP16 -> float values of the halfs) and binary_data_size is removed from parameters "
                  "(leaving {} when it was the only key).")

    # --- test_infer_request_from_bytes_invalid_json
    b = b'{"id": "1", "inputs": [{"name": "input1", "shape": [1], "datatype": "INT32", "data": [1]}'
    err = run_expect_error(lambda: InferRequest.from_bytes(b, 100, "test_model"))
    add("test_infer_request_from_bytes_invalid_json", "request_from_bytes", mirrors + "test_infer_request_from_bytes_invalid_json",
        {"body_text": b.decode(), "json_length": 100, "model_name": "test_model"}, error_expected(err),
        notes="json_length (100) > body length (88): the slice just takes the whole body. Message tail is orjson's parser text.")

    # --- test_infer_request_from_bytes_missing_data_field (the KServe test body is truncated JSON!)
    b = b'{"id": "1", "inputs": [{"name": "input1", "shape": [1], "datatype": "INT32"'
    err = run_expect_error(lambda: InferRequest.from_bytes(b, len(b), "test_model"))
    add("test_infer_request_from_bytes_missing_data_field", "request_from_bytes", mirrors + "test_infer_request_from_bytes_missing_data_field",
        {"body_text": b.decode(), "json_length": len(b), "model_name": "test_model"}, error_expected(err),
        notes="The KServe test's body is not valid JSON, so it actually fails with 'Unrecognized request format', not the missing-data message. See extra_request_from_bytes_missing_data_field_valid_json.")
    b = b'{"id": "1", "inputs": [{"name": "input1", "shape": [1], "datatype": "INT32"}]}'
    err = run_expect_error(lambda: InferRequest.from_bytes(b, len(b), "test_model"))
    add("extra_request_from_bytes_missing_data_field_valid_json", "request_from_bytes", mirrors + "test_infer_request_from_bytes_missing_data_field (fixed JSON)",
        {"body_text": b.decode(), "json_length": len(b), "model_name": "test_model"}, error_expected(err))

    # --- test_infer_request_from_bytes_missing_binary_data_size
    jb = b'{"id":"509c5da9-80d4-46e8-a50c-0bba2b9d76f8","inputs":[{"name":"input1","shape":[3],"datatype":"INT32"}]}'
    b = jb + b"\x01\x00\x00\x00\x02\x00\x00\x00\x03\x00\x00\x00"
    err = run_expect_error(lambda: InferRequest.from_bytes(b, len(jb), "test_model"))
    add("test_infer_request_from_bytes_missing_binary_data_size", "request_from_bytes", mirrors + "test_infer_request_from_bytes_missing_binary_data_size",
        {"body_hex": b.hex(), "json_text": jb.decode(), "json_length": len(jb), "model_name": "test_model"}, error_expected(err))

    # --- extra: binary_data_size explicitly null
    jb = b'{"id":"1","inputs":[{"name":"input1","shape":[3],"datatype":"INT32","parameters":{"binary_data_size":null}}]}'
    b = jb + b"\x01\x00\x00\x00\x02\x00\x00\x00\x03\x00\x00\x00"
    err = run_expect_error(lambda: InferRequest.from_bytes(b, len(jb), "test_model"))
    add("extra_request_from_bytes_binary_data_size_null", "request_from_bytes", "infer_type.py InferRequest.from_bytes",
        {"body_hex": b.hex(), "json_text": jb.decode(), "json_length": len(jb), "model_name": "test_model"}, error_expected(err))

    # --- test_infer_request_from_bytes_fp16_data_via_json (KServe body truncated again)
    b = b'{"id": "1", "inputs": [{"name": "input1", "shape": [1], "datatype": "FP16", "data": [1]}'
    err = run_expect_error(lambda: InferRequest.from_bytes(b, len(b), "test_model"))
    add("test_infer_request_from_bytes_fp16_data_via_json", "request_from_bytes", mirrors + "test_infer_request_from_bytes_fp16_data_via_json",
        {"body_text": b.decode(), "json_length": len(b), "model_name": "test_model"}, error_expected(err),
        notes="KServe test body is truncated JSON -> 'Unrecognized request format'. See extra_request_from_bytes_fp16_data_via_json_valid_json.")
    b = b'{"id": "1", "inputs": [{"name": "input1", "shape": [1], "datatype": "FP16", "data": [1]}]}'
    err = run_expect_error(lambda: InferRequest.from_bytes(b, len(b), "test_model"))
    add("extra_request_from_bytes_fp16_data_via_json_valid_json", "request_from_bytes", mirrors + "test_infer_request_from_bytes_fp16_data_via_json (fixed JSON)",
        {"body_text": b.decode(), "json_length": len(b), "model_name": "test_model"}, error_expected(err))

    # --- extra: from_bytes with NaN literal in JSON part (orjson rejects it)
    b = b'{"id":"1","inputs":[{"name":"x","shape":[1],"datatype":"FP32","data":[NaN]}]}'
    err = run_expect_error(lambda: InferRequest.from_bytes(b, len(b), "m"))
    add("extra_request_from_bytes_nan_literal", "request_from_bytes", "infer_type.py InferRequest.from_bytes (orjson.loads)",
        {"body_text": b.decode(), "json_length": len(b), "model_name": "m"}, error_expected(err),
        notes="Binary-framed requests are parsed with orjson, which rejects NaN/Infinity literals (the JSON route, parsed by FastAPI/json, accepts them - see extra_server_nan_inf_literals).")

    # --- extra: from_bytes with BYTES + BOOL binary inputs, extra trailing bytes, parameters kept
    jb = (b'{"id":"42","parameters":{"binary_data_output":true},"inputs":[{"name":"text","shape":[2],"datatype":"BYTES",'
          b'"parameters":{"binary_data_size":14,"k":"v"}},{"name":"flags","shape":[2],"datatype":"BOOL","parameters":{"binary_data_size":2}},'
          b'{"name":"n","shape":[2],"datatype":"INT64","data":[1,2]}],"outputs":[{"name":"o"}]}')
    tail = b"\x03\x00\x00\x00cat\x03\x00\x00\x00dog" + b"\x01\x00" + b"\xff\xff"
    dec = InferRequest.from_bytes(jb + tail, len(jb), "m")
    add("extra_request_from_bytes_bytes_bool", "request_from_bytes", "infer_type.py InferRequest.from_bytes",
        {"json_text": jb.decode(), "json_length": len(jb), "binary_hex": tail.hex(), "model_name": "m"},
        {"from_bytes": describe_request(dec)},
        notes="Extra trailing bytes are ignored. binary_data_size is popped from input parameters; other keys stay. "
              "Requested output without parameters -> parameters None from from_bytes (from_inference_request would give {}).")

    # --- test_from_inference_request_with_fp16_data
    ir = InferenceRequest(id="test_id", inputs=[RequestInput(name="input1", shape=[3], datatype="FP16", data=[1.0, 2.0, 3.0])])
    err = run_expect_error(lambda: InferRequest.from_inference_request(ir, "test_model"))
    add("test_from_inference_request_with_fp16_data", "request_from_json", mirrors + "test_from_inference_request_with_fp16_data",
        {"json": {"id": "test_id", "inputs": [{"name": "input1", "shape": [3], "datatype": "FP16", "data": [1.0, 2.0, 3.0]}]}, "model_name": "test_model"},
        error_expected(err))

    # --- test_from_inference_request_with_valid_input (parameters default {})
    ir = InferenceRequest(
        id="test_id",
        inputs=[RequestInput(name="input1", shape=[3], datatype="INT32", data=[1, 2, 3], parameters={"test-str": "dummy"}),
                RequestInput(name="input2", shape=[3], datatype="int32", data=[1, 2, 3])],
        outputs=[{"name": "output1", "parameters": {"binary_data": True}}, {"name": "output2"}],
        parameters={"test-bool": True},
    )
    dec = InferRequest.from_inference_request(ir, "test_model")
    add("test_from_inference_request_with_valid_input", "request_from_json", mirrors + "test_from_inference_request_with_valid_input (variant)",
        {"json": {"id": "test_id", "parameters": {"test-bool": True},
                  "inputs": [{"name": "input1", "shape": [3], "datatype": "INT32", "data": [1, 2, 3], "parameters": {"test-str": "dummy"}},
                             {"name": "input2", "shape": [3], "datatype": "int32", "data": [1, 2, 3]}],
                  "outputs": [{"name": "output1", "parameters": {"binary_data": True}}, {"name": "output2"}]},
         "model_name": "test_model"},
        {"decoded": describe_request(dec)},
        notes="Variant: second input lower-case datatype and output2 without parameters, to show upper-casing and the {} defaults.")

    # --- test_to_grpc (request)
    req = InferRequest(
        model_name="TestModel", model_version="v1", request_id="123", parameters=gp(),
        infer_inputs=[InferInput(name="input-0", datatype="INT32", shape=[1, 2], data=[1, 2], parameters=gp())],
        request_outputs=[RequestedOutput(name="output-0", parameters=gp()), RequestedOutput(name="output-1", parameters=gp())],
    )
    msg = req.to_grpc()
    add("test_to_grpc_request", "request_to_grpc", mirrors + "test_to_grpc",
        {"model_name": "TestModel", "model_version": "v1", "id": "123", "parameters": gp(),
         "inputs": [{"name": "input-0", "datatype": "INT32", "shape": [1, 2], "data": [1, 2], "parameters": gp()}],
         "outputs": [{"name": "output-0", "parameters": gp()}, {"name": "output-1", "parameters": gp()}]},
        grpc_msg_expected(msg))

    # --- extra: to_grpc with a float parameter -> error
    req = InferRequest(model_name="m", request_id="1", parameters={"test-float": 1.3},
                       infer_inputs=[InferInput(name="x", datatype="INT32", shape=[1], data=[1])])
    err = run_expect_error(req.to_grpc)
    add("extra_to_grpc_float_parameter", "request_to_grpc", "infer_type.py to_grpc_parameters",
        {"model_name": "m", "id": "1", "parameters": {"test-float": 1.3}, "inputs": [{"name": "x", "datatype": "INT32", "shape": [1], "data": [1]}]},
        error_expected(err))

    # --- extra: to_grpc with raw (binary) inputs and BYTES typed contents
    xi = InferInput(name="f", datatype="FP32", shape=[2], data=None)
    xi.set_data_from_numpy(np.array([1.0, 2.0], dtype=np.float32), binary_data=True)
    req = InferRequest(model_name="m", request_id="1", infer_inputs=[xi])
    msg = req.to_grpc()
    add("extra_to_grpc_raw_input", "request_to_grpc", "infer_type.py InferRequest.to_grpc",
        {"model_name": "m", "id": "1", "inputs": [{"name": "f", "datatype": "FP32", "shape": [2], "set_data_from_numpy": np_desc(np.array([1.0, 2.0], dtype=np.float32), True)}]},
        grpc_msg_expected(msg),
        notes="Raw inputs keep their 'binary_data_size' parameter (int64_param) in the gRPC request.")

    # --- test_from_grpc (request)
    gm = ModelInferRequest(
        model_name="TestModel", id="123",
        parameters={"test-str": InferParameter(string_param="dummy"), "test-bool": InferParameter(bool_param=True), "test-int": InferParameter(int64_param=100)},
        inputs=[{"name": "input-0", "shape": [1, 2], "datatype": "INT32", "contents": {"int_contents": [1, 2]},
                 "parameters": {"test-str": InferParameter(string_param="dummy"), "test-bool": InferParameter(bool_param=True), "test-int": InferParameter(int64_param=100)}}],
        outputs=[{"name": "output-0", "parameters": {"test-str": InferParameter(string_param="dummy"), "test-bool": InferParameter(bool_param=True), "test-int": InferParameter(int64_param=100)}},
                 {"name": "output-1", "parameters": {"test-str": InferParameter(string_param="dummy"), "test-bool": InferParameter(bool_param=True), "test-int": InferParameter(int64_param=100)}}],
    )
    dec = InferRequest.from_grpc(gm)
    add("test_from_grpc_request", "request_from_grpc", mirrors + "test_from_grpc",
        {"message_to_dict": m2d(gm),
         "serialized_hex_deterministic": gm.SerializeToString(deterministic=True).hex()},
        {"decoded": describe_request(dec)},
        notes="Top-level request parameters stay as proto InferParameter (shown as {'string_param':..}); "
              "input and requested-output parameters are converted to plain values. model_version '' (proto default).")


# ----------------------------------------------------------------------------------------------
# test_infer_type.py :: TestInferResponse
# ----------------------------------------------------------------------------------------------
def infer_response_cases():
    mirrors = "python/kserve/test/test_infer_type.py::TestInferResponse::"

    # --- test_to_grpc (response)
    res = InferResponse(model_name="TestModel", response_id="123", model_version="v1", parameters=gp(),
                        infer_outputs=[InferOutput(name="output-0", datatype="INT32", shape=[1, 2], data=[1, 2], parameters=gp())])
    add("test_to_grpc_response", "response_to_grpc", mirrors + "test_to_grpc",
        {"model_name": "TestModel", "id": "123", "model_version": "v1", "parameters": gp(),
         "outputs": [{"name": "output-0", "datatype": "INT32", "shape": [1, 2], "data": [1, 2], "parameters": gp()}]},
        grpc_msg_expected(res.to_grpc()))

    # --- test_from_grpc (response)
    P = {"test-str": InferParameter(string_param="dummy"), "test-bool": InferParameter(bool_param=True), "test-int": InferParameter(int64_param=100)}
    gm = ModelInferResponse(model_name="TestModel", id="123", model_version="v1", parameters=P,
                            outputs=[{"name": "output-0", "shape": [1, 2], "datatype": "INT32", "contents": {"int_contents": [1, 2]}, "parameters": P}])
    dec = InferResponse.from_grpc(gm)
    add("test_from_grpc_response", "response_from_grpc", mirrors + "test_from_grpc",
        {"message_to_dict": m2d(gm), "serialized_hex_deterministic": gm.SerializeToString(deterministic=True).hex()},
        {"decoded": describe_response(dec)},
        notes="InferResponse.from_grpc keeps output parameters in proto form (unlike InferRequest.from_grpc).")

    # --- test_infer_response_to_rest_with_binary_data (253)
    data = np.array([[1.2, 2.2, 3.2, 4.1], [1.5, 2.6, 3.787, 4.54]], dtype=np.float16)
    o16 = InferOutput(name="fp16_output", shape=list(data.shape), datatype="FP16", data=None, parameters=None)
    o32 = InferOutput(name="fp32_output", shape=list(data.shape), datatype="FP32", data=None, parameters=None)
    o16.set_data_from_numpy(data, binary_data=True)
    o32.set_data_from_numpy(data.astype(np.float32), binary_data=True)
    r = InferResponse(response_id="1", model_name="test_model", infer_outputs=[o16, o32],
                      requested_outputs=[RequestedOutput(name="fp16_output", parameters={"binary_data": True}),
                                         RequestedOutput(name="fp32_output", parameters={"binary_data": True})])
    out, jl = r.to_rest()
    lit = [[1.2, 2.2, 3.2, 4.1], [1.5, 2.6, 3.787, 4.54]]
    add("test_infer_response_to_rest_with_binary_data", "response_to_rest", mirrors + "test_infer_response_to_rest_with_binary_data",
        {"id": "1", "model_name": "test_model", "use_binary_outputs": False,
         "outputs": [{"name": "fp16_output", "shape": [2, 4], "datatype": "FP16", "set_data_from_numpy": np_desc(data, True, lit)},
                     {"name": "fp32_output", "shape": [2, 4], "datatype": "FP32", "set_data_from_numpy": np_desc(data.astype(np.float32), True, lit),
                      "note": "float16 values widened to float32"}],
         "requested_outputs": [{"name": "fp16_output", "parameters": {"binary_data": True}}, {"name": "fp32_output", "parameters": {"binary_data": True}}]},
        to_rest_expected(out, jl))

    # --- test_infer_response_to_rest_without_binary_data (dict)
    uint_data = np.array([[1, 2]], dtype=np.uint32)
    r = InferResponse(response_id="1", model_name="test_model", infer_outputs=[
        InferOutput(name="int32_output", shape=[1], datatype="INT32", data=[1], parameters=None),
        InferOutput(name="str_output", shape=[1], datatype="BYTES", data=["test"], parameters=None),
        InferOutput(name="uint_output", shape=[1, 2], datatype="UINT32", parameters=None, data=uint_data.copy())])
    out, jl = r.to_rest()
    add("test_infer_response_to_rest_without_binary_data", "response_to_rest", mirrors + "test_infer_response_to_rest_without_binary_data",
        {"id": "1", "model_name": "test_model", "use_binary_outputs": False,
         "outputs": [{"name": "int32_output", "shape": [1], "datatype": "INT32", "data": [1]},
                     {"name": "str_output", "shape": [1], "datatype": "BYTES", "data": ["test"]},
                     {"name": "uint_output", "shape": [1, 2], "datatype": "UINT32", "data_numpy": np_desc(uint_data, None)}]},
        to_rest_expected(out, jl),
        notes="Dict result (no binary). 'model_version': None is present; 'parameters' absent. Data flattened.")

    # --- test_infer_response_to_rest_with_mixed_binary_data (306)
    o1 = InferOutput(name="output1", shape=[1], datatype="FP16", data=np.array([1], dtype=np.float16), parameters=None)
    o1.set_data_from_numpy(np.array([1], dtype=np.float16), binary_data=True)
    o2 = InferOutput(name="output2", shape=[1], datatype="INT32", data=[1], parameters=None)
    o2.set_data_from_numpy(np.array([1], dtype=np.int32), binary_data=False)
    o3 = InferOutput(name="output3", shape=[1], datatype="BYTES", data=None, parameters=None)
    o3.set_data_from_numpy(np.array(["test"], dtype=np.object_), binary_data=True)
    r = InferResponse(response_id="1", model_name="test_model", infer_outputs=[o1, o2, o3],
                      requested_outputs=[RequestedOutput(name="output1", parameters={"binary_data": True}),
                                         RequestedOutput(name="output2", parameters={"binary_data": True}),
                                         RequestedOutput(name="output3", parameters={"binary_data": False})])
    out, jl = r.to_rest()
    add("test_infer_response_to_rest_with_mixed_binary_data", "response_to_rest", mirrors + "test_infer_response_to_rest_with_mixed_binary_data",
        {"id": "1", "model_name": "test_model", "use_binary_outputs": False,
         "outputs": [{"name": "output1", "shape": [1], "datatype": "FP16", "set_data_from_numpy": np_desc(np.array([1], dtype=np.float16), True)},
                     {"name": "output2", "shape": [1], "datatype": "INT32", "set_data_from_numpy": np_desc(np.array([1], dtype=np.int32), False)},
                     {"name": "output3", "shape": [1], "datatype": "BYTES", "set_data_from_numpy": np_desc(np.array(["test"], dtype=np.object_), True)}],
         "requested_outputs": [{"name": "output1", "parameters": {"binary_data": True}}, {"name": "output2", "parameters": {"binary_data": True}},
                               {"name": "output3", "parameters": {"binary_data": False}}]},
        to_rest_expected(out, jl),
        notes="The requested binary_data flag wins over how the output's data was stored.")

    # --- test_infer_response_to_rest_with_binary_output_data_true (325)
    o1 = InferOutput(name="output1", shape=[1], datatype="FP16", data=[1], parameters=None)
    o2 = InferOutput(name="output2", shape=[1], datatype="FP16", data=None, parameters=None)
    o2.set_data_from_numpy(np.array([1], dtype=np.float16), binary_data=True)
    o3 = InferOutput(name="output3", shape=[1], datatype="BYTES", data=[b"test"], parameters=None)
    r = InferResponse(response_id="1", model_name="test_model", infer_outputs=[o1, o2, o3], use_binary_outputs=True)
    out, jl = r.to_rest()
    add("test_infer_response_to_rest_with_binary_output_data_true", "response_to_rest", mirrors + "test_infer_response_to_rest_with_binary_output_data_true",
        {"id": "1", "model_name": "test_model", "use_binary_outputs": True,
         "outputs": [{"name": "output1", "shape": [1], "datatype": "FP16", "data": [1]},
                     {"name": "output2", "shape": [1], "datatype": "FP16", "set_data_from_numpy": np_desc(np.array([1], dtype=np.float16), True)},
                     {"name": "output3", "shape": [1], "datatype": "BYTES", "data": [{"bytes_hex": b"test".hex()}]}]},
        to_rest_expected(out, jl))

    # --- test_infer_response_to_rest_with_binary_output_data_precedence (301)
    o1 = InferOutput(name="output1", shape=[1], datatype="FP16", data=np.array([1], dtype=np.float16), parameters=None)
    o1.set_data_from_numpy(np.array([1], dtype=np.float16), binary_data=True)
    o2 = InferOutput(name="output2", shape=[1], datatype="INT32", data=[1], parameters=None)
    o3 = InferOutput(name="output3", shape=[1], datatype="BYTES", data=["test"], parameters=None)
    r = InferResponse(response_id="1", model_name="test_model", infer_outputs=[o1, o2, o3], use_binary_outputs=True,
                      requested_outputs=[RequestedOutput(name="output1", parameters={"binary_data": True}),
                                         RequestedOutput(name="output2", parameters={"binary_data": False}),
                                         RequestedOutput(name="output3", parameters={"binary_data": True})])
    out, jl = r.to_rest()
    add("test_infer_response_to_rest_with_binary_output_data_precedence", "response_to_rest", mirrors + "test_infer_response_to_rest_with_binary_output_data_precedence",
        {"id": "1", "model_name": "test_model", "use_binary_outputs": True,
         "outputs": [{"name": "output1", "shape": [1], "datatype": "FP16", "set_data_from_numpy": np_desc(np.array([1], dtype=np.float16), True)},
                     {"name": "output2", "shape": [1], "datatype": "INT32", "data": [1]},
                     {"name": "output3", "shape": [1], "datatype": "BYTES", "data": ["test"]}],
         "requested_outputs": [{"name": "output1", "parameters": {"binary_data": True}}, {"name": "output2", "parameters": {"binary_data": False}},
                               {"name": "output3", "parameters": {"binary_data": True}}]},
        to_rest_expected(out, jl))

    # --- extra: requested output WITHOUT binary_data while use_binary_outputs=True -> JSON (quirk)
    o1 = InferOutput(name="a", shape=[2], datatype="INT32", data=[1, 2])
    o2 = InferOutput(name="b", shape=[2], datatype="INT32", data=[3, 4])
    r = InferResponse(response_id="1", model_name="m", infer_outputs=[o1, o2], use_binary_outputs=True,
                      requested_outputs=[RequestedOutput(name="b", parameters={}), RequestedOutput(name="a", parameters={"binary_data": True})])
    out, jl = r.to_rest()
    add("extra_response_requested_output_without_flag_ignores_binary_data_output", "response_to_rest", "infer_type.py InferResponse.to_rest",
        {"id": "1", "model_name": "m", "use_binary_outputs": True,
         "outputs": [{"name": "a", "shape": [2], "datatype": "INT32", "data": [1, 2]}, {"name": "b", "shape": [2], "datatype": "INT32", "data": [3, 4]}],
         "requested_outputs": [{"name": "b", "parameters": {}}, {"name": "a", "parameters": {"binary_data": True}}]},
        to_rest_expected(out, jl),
        notes="Only requested outputs are emitted, in REQUESTED order; 'b' has no binary_data -> JSON even though use_binary_outputs=True.")

    # --- extra: unknown requested output
    r = InferResponse(response_id="1", model_name="m", infer_outputs=[InferOutput(name="a", shape=[1], datatype="INT32", data=[1])],
                      requested_outputs=[RequestedOutput(name="nope", parameters={"binary_data": False})])
    err = run_expect_error(r.to_rest)
    add("extra_response_unknown_requested_output", "response_to_rest", "infer_type.py InferResponse.to_rest",
        {"id": "1", "model_name": "m", "outputs": [{"name": "a", "shape": [1], "datatype": "INT32", "data": [1]}],
         "requested_outputs": [{"name": "nope", "parameters": {"binary_data": False}}]},
        error_expected(err))

    # --- extra: FP16 output requested as JSON -> error
    o = InferOutput(name="h", shape=[1], datatype="FP16")
    o.set_data_from_numpy(np.array([1], dtype=np.float16), binary_data=True)
    r = InferResponse(response_id="1", model_name="m", infer_outputs=[o])
    err = run_expect_error(r.to_rest)
    add("extra_response_fp16_output_as_json", "response_to_rest", "infer_type.py InferResponse.to_rest",
        {"id": "1", "model_name": "m", "use_binary_outputs": False,
         "outputs": [{"name": "h", "shape": [1], "datatype": "FP16", "set_data_from_numpy": np_desc(np.array([1], dtype=np.float16), True)}]},
        error_expected(err))

    # --- test_infer_response_to_rest_with_raw_data_with_binary_data_false (dict)
    o = InferOutput(name="output1", shape=[3], datatype="INT32")
    raw = b"\x01\x00\x00\x00\x02\x00\x00\x00\x03\x00\x00\x00"
    o._raw_data = raw
    r = InferResponse(response_id="4be4e82f-5500-420a-a5c5-ac86841e271b", model_name="test_model", infer_outputs=[o])
    out, jl = r.to_rest()
    add("test_infer_response_to_rest_with_raw_data_with_binary_data_false", "response_to_rest",
        mirrors + "test_infer_response_to_rest_with_raw_data_with_binary_data_false",
        {"id": "4be4e82f-5500-420a-a5c5-ac86841e271b", "model_name": "test_model", "use_binary_outputs": False,
         "outputs": [{"name": "output1", "shape": [3], "datatype": "INT32", "raw_hex": raw.hex()}]},
        to_rest_expected(out, jl))

    # --- test_infer_response_to_rest_missing_data_field
    r = InferResponse(response_id="1", model_name="test_model",
                      infer_outputs=[InferOutput(name="input1", shape=[1], datatype="INT32", parameters={"binary_data_size": 12})])
    err = run_expect_error(r.to_rest)
    add("test_infer_response_to_rest_missing_data_field", "response_to_rest", mirrors + "test_infer_response_to_rest_missing_data_field",
        {"id": "1", "model_name": "test_model", "outputs": [{"name": "input1", "shape": [1], "datatype": "INT32", "parameters": {"binary_data_size": 12}}]},
        error_expected(err))

    # --- test_infer_response_from_bytes_happy_path
    b = b'{"id": "1", "model_name": "test_model", "outputs": [{"name": "output1", "shape": [1], "datatype": "INT32", "data": [1]}]}'
    dec = InferResponse.from_bytes(b, len(b))
    add("test_infer_response_from_bytes_happy_path", "response_from_bytes", mirrors + "test_infer_response_from_bytes_happy_path",
        {"body_text": b.decode(), "json_length": len(b)}, {"decoded": describe_response(dec)})

    # --- test_infer_response_from_bytes_with_binary_data
    ser = serialize_byte_tensor(np.array([b"cat", b"dog", b"bird", b"fish"], dtype=np.object_)).item()
    jb = json.dumps({"model_name": "test_model", "id": "1", "outputs": [
        {"name": "output1", "shape": [4], "datatype": "BYTES", "parameters": {"binary_data_size": len(ser)}}]}).encode()
    dec = InferResponse.from_bytes(jb + ser, len(jb))
    add("test_infer_response_from_bytes_with_binary_data", "response_from_bytes", mirrors + "test_infer_response_from_bytes_with_binary_data",
        {"json_text": jb.decode(), "json_length": len(jb), "binary_hex": ser.hex()}, {"decoded": describe_response(dec)},
        notes="Decoded BYTES become str; binary_data_size is removed from the output parameters (-> {}). model_version is not read (None).")

    # --- test_infer_response_from_bytes_with_missing_data
    b = b'{"id": "1", "model_name": "test_model", "outputs": [{"name": "output1", "shape": [1], "datatype": "INT32"}]}'
    err = run_expect_error(lambda: InferResponse.from_bytes(b, len(b)))
    add("test_infer_response_from_bytes_with_missing_data", "response_from_bytes", mirrors + "test_infer_response_from_bytes_with_missing_data",
        {"body_text": b.decode(), "json_length": len(b)}, error_expected(err))

    # --- extra: from_bytes invalid JSON
    b = b'{"id": "1", "model_name": "test_model", "outputs": ['
    err = run_expect_error(lambda: InferResponse.from_bytes(b, len(b)))
    add("extra_response_from_bytes_invalid_json", "response_from_bytes", "infer_type.py InferResponse.from_bytes",
        {"body_text": b.decode(), "json_length": len(b)}, error_expected(err),
        notes="Response decoding error text also says 'request format'.")

    # --- extra: from_bytes with mixed binary outputs (FP32 binary, FP16 binary, INT64 JSON)
    f32 = np.array([6.8, 2.8], dtype=np.float32)
    f16 = np.array([1.5, -2.0], dtype=np.float16)
    jb = (b'{"id":"7","model_name":"m","model_version":"3","outputs":[{"name":"a","shape":[2],"datatype":"FP32","parameters":{"binary_data_size":8}},'
          b'{"name":"n","shape":[2],"datatype":"INT64","data":[5,6]},{"name":"h","shape":[2],"datatype":"FP16","parameters":{"binary_data_size":4,"x":1}}]}')
    tail = f32.tobytes() + f16.tobytes()
    dec = InferResponse.from_bytes(jb + tail, len(jb))
    add("extra_response_from_bytes_mixed", "response_from_bytes", "infer_type.py InferResponse.from_bytes",
        {"json_text": jb.decode(), "json_length": len(jb), "binary_hex": tail.hex()}, {"decoded": describe_response(dec)},
        notes="Binary outputs consume trailing bytes in output order; FP32 decoded values are float32 widened to float64; model_version ignored.")


# ----------------------------------------------------------------------------------------------
# float / string formatting probes through the SDK's own serializers
# ----------------------------------------------------------------------------------------------
def formatting_cases():
    doubles = [6.8, 0.1, -0.0, 1.0, 100.0, 1e15, 1e16, 1.5e16, 123456789012345680.0, 1e20, 1e21, 1e22, 1e100,
               1.7976931348623157e308, 1e-4, 1.5e-4, 1e-5, 1.5e-5, 9.9e-6, 1e-6, 1e-7, 1.2345678e-9, 5e-324,
               float("nan"), float("inf"), float("-inf")]
    f32_lit = [6.8, 2.8, 0.1, 1e-7, 3.4028234663852886e38, float("nan"), float("inf")]
    f32 = np.array(f32_lit, dtype=np.float32)
    ints = np.array([0, -1, 2**63 - 1, -(2**63)], dtype=np.int64)
    u64 = np.array([0, 2**64 - 1], dtype=np.uint64)
    bools = np.array([True, False], dtype=np.bool_)
    strs = np.array(["h\u00e9llo", 'a"b', "back\\slash", "t\tb\nc", "\x01", "/", "\u2028", "\U0001F600", "\x7f"], dtype=np.object_)

    def mk(binary):
        outs = []
        for name, dt, arr in [("fp64", "FP64", np.array(doubles, dtype=np.float64)), ("fp32", "FP32", f32), ("int64", "INT64", ints),
                              ("uint64", "UINT64", u64), ("bool", "BOOL", bools), ("bytes", "BYTES", strs)]:
            o = InferOutput(name=name, shape=[arr.size], datatype=dt)
            o.set_data_from_numpy(arr, binary_data=False)
            outs.append(o)
        if binary:
            # one extra binary output forces the orjson/bytes path for the whole JSON header
            b = InferOutput(name="bin", shape=[1], datatype="INT8")
            b.set_data_from_numpy(np.array([7], dtype=np.int8), binary_data=True)
            outs.append(b)
        return InferResponse(response_id="fmt", model_name="m", infer_outputs=outs,
                             requested_outputs=[RequestedOutput(o.name, {"binary_data": o.name == "bin"}) for o in outs])

    out, jl = mk(True).to_rest()
    desc = {"id": "fmt", "model_name": "m",
            "outputs": [{"name": "fp64", "datatype": "FP64", "values": jsonable(doubles)},
                        {"name": "fp32", "datatype": "FP32", "numpy": np_desc(f32, False, f32_lit)},
                        {"name": "int64", "datatype": "INT64", "values": jsonable(ints.tolist())},
                        {"name": "uint64", "datatype": "UINT64", "values": jsonable(u64.tolist())},
                        {"name": "bool", "datatype": "BOOL", "values": [True, False]},
                        {"name": "bytes", "datatype": "BYTES", "values": jsonable(strs.tolist())},
                        {"name": "bin", "datatype": "INT8", "values": [7], "binary_data": True}],
            "requested_outputs": "all, binary_data true only for 'bin'"}
    add("extra_float_and_string_formatting_binary_path", "response_to_rest", "infer_type.py InferResponse.to_rest (orjson.dumps)",
        desc, to_rest_expected(out, jl),
        notes="orjson formatting: shortest round-trip float64; FP32 values are widened to float64 first (6.8f -> 6.800000190734863); "
              "NaN/Inf -> null; exponent form for |x|<1e-5 or >=1e16 ('1e-7', '1e+16'; no zero padding); "
              "non-ASCII written raw as UTF-8; control chars \\t \\n escaped short, others \\u00XX; '/' and U+2028 and DEL not escaped.")

    # same data through the dict path -> orjson.dumps of the dict
    out, jl = mk(False).to_rest()
    return desc, out


# ----------------------------------------------------------------------------------------------
# test_server.py :: TestV2Endpoints  (FastAPI app of kserve.model_server)
# ----------------------------------------------------------------------------------------------
class DummyModel(Model):
    def __init__(self, name):
        super().__init__(name)
        self.ready = False

    def load(self):
        self.ready = True

    async def predict(self, request, headers=None):
        if isinstance(request, InferRequest):
            inputs = get_predict_input(request)
            infer_response = get_predict_response(request, inputs, self.name)
            if request.parameters:
                infer_response.parameters = request.parameters
            if request.inputs[0].parameters:
                infer_response.outputs[0].parameters = request.inputs[0].parameters
            return infer_response
        return {"predictions": request.get("inputs", request.get("instances"))}


class DummyFP16OutputModel(Model):
    def __init__(self, name):
        super().__init__(name)
        self.ready = False

    def load(self):
        self.ready = True

    async def predict(self, request, headers=None):
        outputs = pd.DataFrame({
            "fp16_output": request.get_input_by_name("fp32_input").as_numpy().astype(np.float16).flatten(),
            "fp32_output": request.get_input_by_name("fp32_input").as_numpy().flatten(),
        })
        infer_response = get_predict_response(request, outputs, self.name)
        if request.parameters:
            infer_response.parameters = request.parameters
            infer_response.parameters.pop("binary_data_output", None)
        if request.inputs[0].parameters:
            infer_response.outputs[0].parameters = request.inputs[0].parameters
            infer_response.outputs[0].parameters.pop("binary_data", None)
        return infer_response


class DummyFP16InputModel(Model):
    def __init__(self, name):
        super().__init__(name)
        self.ready = False

    def load(self):
        self.ready = True

    async def predict(self, request, headers=None):
        outputs = pd.DataFrame({
            "str_output": request.get_input_by_name("str_input").as_numpy().flatten(),
            "fp32_output": request.get_input_by_name("fp16_input").as_numpy().astype(np.float32).flatten(),
        })
        infer_response = get_predict_response(request, outputs, self.name)
        if request.parameters:
            infer_response.parameters = request.parameters
            infer_response.parameters.pop("binary_data_output", None)
        if request.inputs[0].parameters:
            infer_response.outputs[0].parameters = request.inputs[0].parameters
            infer_response.outputs[0].parameters.pop("binary_data", None)
        return infer_response


class EchoModel(Model):
    """Extra: returns every input as an output named '<input>_out' (same datatype, flattened),
    honouring the request flags exactly like get_predict_response does."""

    def __init__(self, name):
        super().__init__(name)
        self.ready = False

    def load(self):
        self.ready = True

    async def predict(self, request, headers=None):
        outs = []
        for i in request.inputs:
            arr = i.as_numpy().flatten()
            o = InferOutput(name=i.name + "_out", shape=[arr.size], datatype=i.datatype)
            o.set_data_from_numpy(arr, binary_data=request.use_binary_outputs)
            outs.append(o)
        return InferResponse(model_name=self.name, infer_outputs=outs,
                             response_id=request.id if request.id else generate_uuid(),
                             use_binary_outputs=request.use_binary_outputs, requested_outputs=request.request_outputs)


def server_cases(extra_fmt_desc):
    from fastapi.testclient import TestClient
    from kserve.model_server import app as kserve_app
    from kserve.protocol.rest.server import RESTServer

    server = ModelServer(registered_models=ModelRepository())
    rest = RESTServer(kserve_app, server.dataplane, server.model_repository_extension, http_port=8080)
    rest.create_application()
    for m in (DummyModel("TestModel"), DummyFP16InputModel("FP16InputModel"), DummyFP16OutputModel("FP16OutputModel"), EchoModel("EchoModel")):
        m.load()
        server.register_model(m)
    client = TestClient(kserve_app, headers={"content-type": "application/json"})
    logging.disable(logging.CRITICAL)  # expected error tracebacks from kserve's handlers
    mirrors = "python/kserve/test/test_server.py::TestV2Endpoints::"

    def post(path, body: bytes, headers=None):
        r = client.post(path, content=body, headers=headers or {"content-type": "application/json"})
        hdr = r.headers.get(INFERENCE_HEADER)
        exp = {
            "status": r.status_code,
            "response_headers": {"content-type": r.headers.get("content-type"), INFERENCE_HEADER: hdr,
                                 "content-length": r.headers.get("content-length"),
                                 "transfer-encoding": r.headers.get("transfer-encoding")},
        }
        jl = int(hdr) if hdr is not None else None
        exp.update(split_body(r.content, jl))
        if r.status_code >= 400:
            try:
                exp["error"] = json.loads(r.content).get("error")
            except Exception:  # noqa: BLE001
                pass
        return exp

    def req_desc(path, body: bytes, headers, json_length=None, built_from=None):
        d = {"method": "POST", "path": path, "headers": headers}
        if json_length is None:
            d["body_text"] = body.decode("utf-8")
        else:
            d["json_text"] = body[:json_length].decode("utf-8")
            d["json_length"] = json_length
            d["binary_hex"] = body[json_length:].hex()
        if built_from is not None:
            d["built_from"] = built_from
        return d

    JSON_H = {"content-type": "application/json"}

    # --- test_infer_v2
    body = b'{"inputs": [{"name": "input-0","shape": [1, 2],"datatype": "INT32","data": [[1,2]]}]}'
    with mock.patch("uuid.uuid4", return_value=FIXED_UUID):
        exp = post("/v2/models/TestModel/infer", body, JSON_H)
    add("test_infer_v2", "server_v2_response", mirrors + "test_infer_v2", req_desc("/v2/models/TestModel/infer", body, JSON_H), exp,
        notes=f"No id in request -> response id is str(uuid4()) (patched here to {FIXED_UUID}). Nested data flattened.")

    # --- test_infer_parameters_v2
    P = {"test-str": "dummy", "test-bool": True, "test-int": 100, "test-float": 1.3}
    req = InferRequest(model_name="TestModel", request_id="123", parameters=dict(P),
                       infer_inputs=[InferInput(name="input-0", datatype="INT32", shape=[1, 2], data=[1, 2], parameters=dict(P))])
    d, _ = req.to_rest()
    body = orjson.dumps(d)
    exp = post("/v2/models/TestModel/infer", body, JSON_H)
    exp["request_to_rest"] = to_rest_expected(d, None)
    add("test_infer_parameters_v2", "server_v2_response", mirrors + "test_infer_parameters_v2",
        req_desc("/v2/models/TestModel/infer", body, JSON_H, built_from="InferRequest.to_rest() dict, orjson.dumps (KServe test uses json.dumps with ', ' separators; same JSON value)"),
        exp)

    # --- test_fp16_input_as_binary_data
    fp16 = np.array([[6.8, 2.8, 4.8, 1.4], [6.0, 3.4, 4.5, 1.6]], dtype=np.float16)
    strs = np.array([["cat", "dog", "cat", "dog"], ["cat", "dog", "cat", "dog"]], dtype=np.object_)
    fi = InferInput(name="fp16_input", shape=[2, 4], datatype="FP16")
    fi.set_data_from_numpy(fp16, binary_data=True)
    req = InferRequest(model_name="FP16InputModel", request_id="123",
                       infer_inputs=[fi, InferInput(name="str_input", shape=[2, 4], datatype="BYTES", data=strs.tolist())])
    body, jl = req.to_rest()
    H = {INFERENCE_HEADER: str(jl), "content-type": "application/octet-stream"}
    exp = post("/v2/models/FP16InputModel/infer", body, H)
    d = req_desc("/v2/models/FP16InputModel/infer", body, H, json_length=jl,
                 built_from="InferRequest.to_rest() bytes; fp16_input set_data_from_numpy(binary_data=True), str_input data nested list")
    d["fp16_input_numpy"] = np_desc(fp16, True, [[6.8, 2.8, 4.8, 1.4], [6.0, 3.4, 4.5, 1.6]])
    add("test_fp16_input_as_binary_data", "server_v2_response", mirrors + "test_fp16_input_as_binary_data", d, exp,
        notes="Request JSON part keeps nested BYTES data as given. Response is the schema-normalised JSON (key order model_name, model_version, id, parameters, outputs).")

    # --- test_fp16_input_not_binary_data
    req_dict = {"model_name": "FP16InputModel", "request_id": "123", "inputs": [
        {"name": "fp16_input", "shape": [2, 4], "datatype": "FP16", "data": fp16.tolist()},
        {"name": "str_input", "shape": [2, 4], "datatype": "BYTES", "data": strs.tolist()}]}
    body = orjson.dumps(req_dict)
    exp = post("/v2/models/FP16InputModel/infer", body, JSON_H)
    add("test_fp16_input_not_binary_data", "server_v2_response", mirrors + "test_fp16_input_not_binary_data",
        req_desc("/v2/models/FP16InputModel/infer", body, JSON_H), exp)

    # --- test_fp16_output_as_binary_data (345) / test_binary_data_parameter_precedence (345) /
    #     test_requested_output / test_all_output_as_binary_data (256) / test_fp16_output_not_binary_data
    fp32 = np.array([[6.8, 2.8, 4.8, 1.4], [6.0, 3.4, 4.5, 1.6]], dtype=np.float32)
    variants = [
        ("test_fp16_output_as_binary_data", None,
         [RequestedOutput(name="fp16_output", parameters={"binary_data": True}), RequestedOutput(name="fp32_output", parameters={"binary_data": False})]),
        ("test_requested_output", None, [RequestedOutput(name="fp32_output", parameters={"binary_data": False})]),
        ("test_all_output_as_binary_data", {"binary_data_output": True}, None),
        ("test_binary_data_parameter_precedence", {"binary_data_output": True},
         [RequestedOutput(name="fp16_output", parameters={"binary_data": True}), RequestedOutput(name="fp32_output", parameters={"binary_data": False})]),
    ]
    for name, params, routs in variants:
        req = InferRequest(model_name="FP16OutputModel", request_id="123", parameters=params,
                           infer_inputs=[InferInput(name="fp32_input", shape=[2, 4], datatype="FP32", data=fp32.tolist())],
                           request_outputs=routs)
        d, _ = req.to_rest()
        body = orjson.dumps(d)
        exp = post("/v2/models/FP16OutputModel/infer", body, JSON_H)
        add(name, "server_v2_response", mirrors + name,
            req_desc("/v2/models/FP16OutputModel/infer", body, JSON_H, built_from="InferRequest.to_rest() dict -> orjson.dumps; fp32 data = np.float32 array .tolist() (values already widened)"),
            exp)

    req_dict = {"model_name": "FP16OutputModel", "request_id": "123",
                "inputs": [{"name": "fp32_input", "shape": [2, 4], "datatype": "FP32", "data": fp32.tolist()}],
                "outputs": [{"name": "fp16_output"}, {"name": "fp32_output", "parameters": {"binary_data": False}}]}
    body = orjson.dumps(req_dict)
    exp = post("/v2/models/FP16OutputModel/infer", body, JSON_H)
    add("test_fp16_output_not_binary_data", "server_v2_response", mirrors + "test_fp16_output_not_binary_data",
        req_desc("/v2/models/FP16OutputModel/infer", body, JSON_H), exp)

    # --- extras on the server
    # binary body without the inference header
    body = b'{"inputs":[{"name":"input-0","shape":[1],"datatype":"INT32","parameters":{"binary_data_size":4}}]}\x01\x00\x00\x00'
    H = {"content-type": "application/octet-stream"}
    exp = post("/v2/models/TestModel/infer", body, H)
    add("extra_server_binary_without_header", "server_v2_response", "v2_endpoints.infer -> DataPlane.decode_inference_request",
        {"method": "POST", "path": "/v2/models/TestModel/infer", "headers": H, "body_hex": body.hex()}, exp)

    # unknown requested output
    body = b'{"id":"1","inputs":[{"name":"fp32_input","shape":[1],"datatype":"FP32","data":[1]}],"outputs":[{"name":"nope"}]}'
    exp = post("/v2/models/FP16OutputModel/infer", body, JSON_H)
    add("extra_server_unknown_requested_output", "server_v2_response", "InferResponse.to_rest via DataPlane.encode",
        req_desc("/v2/models/FP16OutputModel/infer", body, JSON_H), exp)

    # NaN / Infinity literals in a JSON request are accepted (stdlib json) and come back as null
    body = b'{"id":"nan","inputs":[{"name":"x","shape":[4],"datatype":"FP64","data":[NaN,Infinity,-Infinity,1.5]}]}'
    exp = post("/v2/models/EchoModel/infer", body, JSON_H)
    add("extra_server_nan_inf_literals", "server_v2_response", "FastAPI JSON body parsing + ORJSONResponse",
        req_desc("/v2/models/EchoModel/infer", body, JSON_H), exp)

    # formatting probe through the schema-normalised JSON path
    doubles = [d for d in extra_fmt_desc["outputs"][0]["values"] if not isinstance(d, str)]
    strs_v = extra_fmt_desc["outputs"][5]["values"]
    reqd = {"id": "fmt", "parameters": {"p_float": 1e-7, "p_int": 3, "p_bool": False, "p_str": "\u00e9"},
            "inputs": [{"name": "d", "shape": [len(doubles)], "datatype": "FP64", "data": doubles, "parameters": {"z": 1, "a": 2}},
                       {"name": "f", "shape": [4], "datatype": "FP32", "data": [6.8, 0.1, 1e-7, 3]},
                       {"name": "u", "shape": [2], "datatype": "UINT64", "data": [0, 2**64 - 1]},
                       {"name": "b", "shape": [2], "datatype": "BOOL", "data": [True, False]},
                       {"name": "s", "shape": [len(strs_v)], "datatype": "BYTES", "data": strs_v}]}
    body = json.dumps(reqd, ensure_ascii=False).encode("utf-8")
    exp = post("/v2/models/EchoModel/infer", body, JSON_H)
    add("extra_server_formatting_json_path", "server_v2_response", "ORJSONResponse(jsonable_encoder(InferenceResponse))",
        req_desc("/v2/models/EchoModel/infer", body, JSON_H), exp,
        notes="EchoModel returns each input as '<name>_out' (flattened, same datatype). Response parameters are null: EchoModel does not copy them.")

    # same through binary_data_output=true + one JSON output (orjson direct path), requested outputs order
    reqd2 = {"id": "fmt2", "parameters": {"binary_data_output": True},
             "inputs": [{"name": "f", "shape": [3], "datatype": "FP32", "data": [6.8, 1, 2.5]},
                        {"name": "s", "shape": [2], "datatype": "BYTES", "data": ["cat", "\u00e9"]},
                        {"name": "b", "shape": [2], "datatype": "BOOL", "data": [True, False]}],
             "outputs": [{"name": "s_out", "parameters": {"binary_data": True}}, {"name": "f_out"}, {"name": "b_out", "parameters": {"binary_data": True}}]}
    body = json.dumps(reqd2, ensure_ascii=False).encode("utf-8")
    exp = post("/v2/models/EchoModel/infer", body, JSON_H)
    add("extra_server_requested_outputs_mixed", "server_v2_response", "InferResponse.to_rest via DataPlane.encode",
        req_desc("/v2/models/EchoModel/infer", body, JSON_H), exp,
        notes="Requested order is kept (s_out, f_out, b_out); f_out has no binary_data -> JSON although binary_data_output=true.")

    # output parameters + response parameters through the schema path with binary_data_output false
    body = b'{"id":"p","parameters":{"b":true,"a":1},"inputs":[{"name":"input-0","shape":[2],"datatype":"FP32","data":[1,2],"parameters":{"y":"s","x":2.5}}]}'
    exp = post("/v2/models/TestModel/infer", body, JSON_H)
    add("extra_server_parameters_order", "server_v2_response", "DummyModel copies request/input parameters",
        req_desc("/v2/models/TestModel/infer", body, JSON_H), exp,
        notes="Parameter maps keep insertion order; FP32 ints come back as floats ('1.0').")

    # 422 schema error (informational)
    body = b'{"id":"x"}'
    exp = post("/v2/models/TestModel/infer", body, JSON_H)
    add("extra_server_schema_error_422", "server_v2_response", "FastAPI request validation (InferenceRequest)",
        req_desc("/v2/models/TestModel/infer", body, JSON_H), exp, notes="Informational: only the status code is meant to be matched.")

    # unknown model
    body = b'{"inputs":[{"name":"x","shape":[1],"datatype":"INT32","data":[1]}]}'
    exp = post("/v2/models/Nope/infer", body, JSON_H)
    add("extra_server_unknown_model", "server_v2_response", "DataPlane.model_ready -> ModelNotFound",
        req_desc("/v2/models/Nope/infer", body, JSON_H), exp)

    return server


# ----------------------------------------------------------------------------------------------
# test_grpc_server.py
# ----------------------------------------------------------------------------------------------
class GrpcDummyModel(Model):
    def __init__(self, name):
        super().__init__(name)
        self.ready = False

    def load(self):
        self.ready = True

    async def predict(self, request, headers=None):
        outputs = pd.DataFrame({
            "fp32_output": request.get_input_by_name("fp32_input").as_numpy().flatten(),
            "int32_output": request.get_input_by_name("int32_input").as_numpy().flatten(),
            "string_output": request.get_input_by_name("string_input").as_numpy().flatten(),
            "uint8_output": request.get_input_by_name("uint8_input").as_numpy().flatten(),
            "bool_input": request.get_input_by_name("bool_input").as_numpy().flatten(),
        })
        infer_response = get_predict_response(request, outputs, self.name)
        if request.parameters:
            infer_response.parameters = request.parameters
        if request.inputs[0].parameters:
            infer_response.outputs[0].parameters = request.inputs[0].parameters
        return infer_response


class GrpcFP16OutputModel(Model):
    def __init__(self, name):
        super().__init__(name)
        self.ready = False

    def load(self):
        self.ready = True

    async def predict(self, request, headers=None):
        outputs = pd.DataFrame({
            "fp16_output": request.get_input_by_name("fp32_input").as_numpy().astype(np.float16).flatten(),
            "fp32_output": request.get_input_by_name("fp32_input").as_numpy().flatten(),
        })
        infer_response = get_predict_response(request, outputs, self.name)
        if request.parameters:
            infer_response.parameters = request.parameters
        if request.inputs[0].parameters:
            infer_response.outputs[0].parameters = request.inputs[0].parameters
        return infer_response


class GrpcFP16InputModel(Model):
    def __init__(self, name):
        super().__init__(name)
        self.ready = False

    def load(self):
        self.ready = True

    async def predict(self, request, headers=None):
        outputs = pd.DataFrame({
            "int32_output": np.array([1, 2, 3, 4, 5, 6, 7, 8]),
            "fp16_output": request.get_input_by_name("fp16_input").as_numpy().flatten(),
        })
        infer_response = get_predict_response(request, outputs, self.name)
        if request.parameters:
            infer_response.parameters = request.parameters
        if request.inputs[0].parameters:
            infer_response.outputs[0].parameters = request.inputs[0].parameters
        return infer_response


def grpc_cases():
    repo = ModelRepository()
    dp = DataPlane(model_registry=repo)
    for m in (GrpcDummyModel("TestModel"), GrpcFP16OutputModel("FP16OutputModel"), GrpcFP16InputModel("FP16InputModel")):
        m.load()
        repo.update(m)
    svc = grpc_servicer.InferenceServicer(dp, ModelRepositoryExtension(model_registry=repo))
    mirrors = "python/kserve/test/test_grpc_server.py::"

    def call(request):
        with mock.patch("kserve.protocol.grpc.servicer.to_headers", return_value={}):
            try:
                resp = asyncio.run(svc.ModelInfer(request, None))
            except Exception as e:  # noqa: BLE001
                return {"grpc_status": "INVALID_ARGUMENT" if isinstance(e, (InvalidInput, InferenceError)) else "INTERNAL",
                        "error_type": type(e).__name__, "error": str(e)}
        exp = {"grpc_status": "OK"}
        exp.update(grpc_msg_expected(resp))
        return exp

    def req_in(request):
        return {"message_to_dict": m2d(request),
                "raw_input_contents_hex": [bytes(r).hex() for r in request.raw_input_contents],
                "serialized_hex_deterministic": request.SerializeToString(deterministic=True).hex()}

    fp32_l = [6.8, 2.8, 4.8, 1.4, 6.0, 3.4, 4.5, 1.6]
    words = [b"Cat", b"Dog", b"Wolf", b"Cat", b"Dog", b"Wolf", b"Dog", b"Wolf"]
    bools = [True, False, True, False, True, False, True, False]

    # test_grpc_inputs
    request = pb.ModelInferRequest(model_name="TestModel", id="123", inputs=[
        {"name": "fp32_input", "shape": [2, 4], "datatype": "FP32", "contents": {"fp32_contents": fp32_l}},
        {"name": "int32_input", "shape": [2, 4], "datatype": "INT32", "contents": {"int_contents": [6, 2, 4, 1, 6, 3, 4, 1]}},
        {"name": "string_input", "shape": [8], "datatype": "BYTES", "contents": {"bytes_contents": words}},
        {"name": "uint8_input", "shape": [2, 4], "datatype": "UINT8", "contents": {"uint_contents": [6, 2, 4, 1, 6, 3, 4, 1]}},
        {"name": "bool_input", "shape": [8], "datatype": "BOOL", "contents": {"bool_contents": bools}}])
    add("test_grpc_inputs", "grpc_response", mirrors + "test_grpc_inputs", req_in(request), call(request),
        notes="Typed contents in -> typed contents out, no output parameters; model_version '' omitted.")

    # test_grpc_raw_inputs
    fp32 = np.array(fp32_l, dtype=np.float32)
    i32 = np.array([6, 2, 4, 1, 6, 3, 4, 1], dtype=np.int32)
    sd = np.array(words, dtype=np.object_)
    u8 = np.array([6, 2, 4, 1, 6, 3, 4, 1], dtype=np.uint8)
    bd = np.array(bools, dtype=np.bool_)
    raw = [fp32.tobytes(), i32.tobytes(), serialize_byte_tensor(sd).item(), u8.tobytes(), bd.tobytes()]
    request = pb.ModelInferRequest(model_name="TestModel", id="123", inputs=[
        {"name": "fp32_input", "shape": [2, 4], "datatype": "FP32"},
        {"name": "int32_input", "shape": [2, 4], "datatype": "INT32"},
        {"name": "string_input", "shape": [8], "datatype": "BYTES"},
        {"name": "uint8_input", "shape": [2, 4], "datatype": "UINT8"},
        {"name": "bool_input", "shape": [8], "datatype": "BOOL"}], raw_input_contents=raw)
    add("test_grpc_raw_inputs", "grpc_response", mirrors + "test_grpc_raw_inputs", req_in(request), call(request))

    # test_grpc_fp16_output
    request = pb.ModelInferRequest(model_name="FP16OutputModel", id="123", inputs=[
        {"name": "fp32_input", "shape": [2, 4], "datatype": "FP32", "contents": {"fp32_contents": fp32_l}}])
    add("test_grpc_fp16_output", "grpc_response", mirrors + "test_grpc_fp16_output", req_in(request), call(request),
        notes="An FP16 output forces ALL outputs to raw_output_contents, each with binary_data_size int64_param.")

    # test_grpc_fp16_input
    f16 = np.array(fp32_l, dtype=np.float16)
    request = pb.ModelInferRequest(model_name="FP16InputModel", id="123", inputs=[
        {"name": "fp16_input", "shape": [2, 4], "datatype": "FP16"}], raw_input_contents=[f16.tobytes()])
    add("test_grpc_fp16_input", "grpc_response", mirrors + "test_grpc_fp16_input", req_in(request), call(request),
        notes="np.array of python ints -> int64 -> datatype INT64 (64 bytes).")

    # test_grpc_raw_inputs_with_missing_input_data
    request = pb.ModelInferRequest(model_name="TestModel", id="123", inputs=[
        {"name": "fp32_input", "shape": [2, 4], "datatype": "FP32"},
        {"name": "int32_input", "shape": [2, 4], "datatype": "INT32"},
        {"name": "string_input", "shape": [8], "datatype": "BYTES"}], raw_input_contents=raw[:2])
    add("test_grpc_raw_inputs_with_missing_input_data", "grpc_response", mirrors + "test_grpc_raw_inputs_with_missing_input_data",
        req_in(request), call(request), notes="Via the interceptor, InvalidInput maps to StatusCode.INVALID_ARGUMENT with details = message.")

    # test_grpc_raw_inputs_with_contents_specified
    request = pb.ModelInferRequest(model_name="TestModel", id="123", inputs=[
        {"name": "fp32_input", "shape": [2, 4], "datatype": "FP32"},
        {"name": "int32_input", "shape": [2, 4], "datatype": "INT32"},
        {"name": "string_input", "shape": [8], "datatype": "BYTES"},
        {"name": "uint8_input", "shape": [2, 4], "datatype": "UINT8", "contents": {"uint_contents": [6, 2, 4, 1, 6, 3, 4, 1]}},
        {"name": "bool_input", "shape": [8], "datatype": "BOOL"}], raw_input_contents=raw)
    add("test_grpc_raw_inputs_with_contents_specified", "grpc_response", mirrors + "test_grpc_raw_inputs_with_contents_specified",
        req_in(request), call(request))

    # extra: gRPC request without id -> response id is a fresh uuid4 (proto default "" is falsy)
    request = pb.ModelInferRequest(model_name="FP16OutputModel", inputs=[
        {"name": "fp32_input", "shape": [1], "datatype": "FP32", "contents": {"fp32_contents": [1.0]}}])
    with mock.patch("uuid.uuid4", return_value=FIXED_UUID):
        exp = call(request)
    add("extra_grpc_no_id", "grpc_response", "servicer.ModelInfer + utils.get_predict_response", req_in(request), exp,
        notes=f"id '' -> str(uuid.uuid4()) (patched here to {FIXED_UUID}).")

    # extra: request parameters echoed into the gRPC response (proto form kept)
    request = pb.ModelInferRequest(model_name="FP16OutputModel", id="9",
                                   parameters={"s": InferParameter(string_param="x"), "n": InferParameter(int64_param=5)},
                                   inputs=[{"name": "fp32_input", "shape": [2], "datatype": "FP32", "contents": {"fp32_contents": [1.0, 2.0]},
                                            "parameters": {"k": InferParameter(bool_param=True)}}])
    add("extra_grpc_parameters_echo", "grpc_response", "servicer.ModelInfer + InferResponse.to_grpc", req_in(request), call(request),
        notes="Output 0 gets the input's parameters plus binary_data_size (raw because of FP16 output).")


# ----------------------------------------------------------------------------------------------
# Self-check against the literal expectations written in KServe's own tests
# ----------------------------------------------------------------------------------------------
KSERVE_LITERALS = {
    # name: (full body bytes, json_length)
    "test_to_rest_with_mixed_binary_data": (b'{"id":"4be4e82f-5500-420a-a5c5-ac86841e271b","model_name":"test_model","inputs":[{"name":"input1","shape":[3],"datatype":"INT32","parameters":{"test-str":"dummy"},"data":[1,2,3]},{"name":"input2","shape":[1],"datatype":"BYTES","parameters":{"test-int":2,"binary_data_size":8}},{"name":"input3","shape":[3],"datatype":"FP16","parameters":{"binary_data_size":6}}],"outputs":[{"name":"output-0","parameters":{"test-str":"dummy","test-bool":true,"test-int":100}},{"name":"output-1","parameters":{"test-str":"dummy","test-bool":true,"test-int":100}}]}\x04\x00\x00\x00test\xcd<f@fB', 546),
    "test_infer_response_to_rest_with_binary_data": (b'{"id":"1","model_name":"test_model","model_version":null,"outputs":[{"name":"fp16_output","shape":[2,4],"datatype":"FP16","parameters":{"binary_data_size":16}},{"name":"fp32_output","shape":[2,4],"datatype":"FP32","parameters":{"binary_data_size":32}}]}\xcd<f@fB\x1aD\x00>3A\x93C\x8aD\x00\xa0\x99?\x00\xc0\x0c@\x00\xc0L@\x00@\x83@\x00\x00\xc0?\x00`&@\x00`r@\x00@\x91@', 253),
    "test_infer_response_to_rest_with_mixed_binary_data": (b'{"id":"1","model_name":"test_model","model_version":null,"outputs":[{"name":"output1","shape":[1],"datatype":"FP16","parameters":{"binary_data_size":2}},{"name":"output2","shape":[1],"datatype":"INT32","parameters":{"binary_data_size":4}},{"name":"output3","shape":[1],"datatype":"BYTES","data":["test"]}]}\x00<\x01\x00\x00\x00', 306),
    "test_infer_response_to_rest_with_binary_output_data_true": (b'{"id":"1","model_name":"test_model","model_version":null,"outputs":[{"name":"output1","shape":[1],"datatype":"FP16","parameters":{"binary_data_size":2}},{"name":"output2","shape":[1],"datatype":"FP16","parameters":{"binary_data_size":2}},{"name":"output3","shape":[1],"datatype":"BYTES","parameters":{"binary_data_size":8}}]}\x00<\x00<\x04\x00\x00\x00test', 325),
    "test_infer_response_to_rest_with_binary_output_data_precedence": (b'{"id":"1","model_name":"test_model","model_version":null,"outputs":[{"name":"output1","shape":[1],"datatype":"FP16","parameters":{"binary_data_size":2}},{"name":"output2","shape":[1],"datatype":"INT32","data":[1]},{"name":"output3","shape":[1],"datatype":"BYTES","parameters":{"binary_data_size":8}}]}\x00<\x04\x00\x00\x00test', 301),
    "test_fp16_input_as_binary_data": (b'{"model_name":"FP16InputModel","model_version":null,"id":"123","parameters":null,"outputs":[{"name":"str_output","shape":[8],"datatype":"BYTES","parameters":null,"data":["cat","dog","cat","dog","cat","dog","cat","dog"]},{"name":"fp32_output","shape":[8],"datatype":"FP32","parameters":null,"data":[6.80078125,2.80078125,4.80078125,1.400390625,6.0,3.400390625,4.5,1.599609375]}]}', None),
    "test_fp16_output_as_binary_data": (b'{"id":"123","model_name":"FP16OutputModel","model_version":null,"outputs":[{"name":"fp16_output","shape":[8],"datatype":"FP16","parameters":{"binary_data_size":16}},{"name":"fp32_output","shape":[8],"datatype":"FP32","data":[6.800000190734863,2.799999952316284,4.800000190734863,1.399999976158142,6.0,3.4000000953674316,4.5,1.600000023841858]}]}\xcdF\x9aA\xcdD\x9a=\x00F\xcdB\x80Df>', 345),
    "test_binary_data_parameter_precedence": (b'{"id":"123","model_name":"FP16OutputModel","model_version":null,"outputs":[{"name":"fp16_output","shape":[8],"datatype":"FP16","parameters":{"binary_data_size":16}},{"name":"fp32_output","shape":[8],"datatype":"FP32","data":[6.800000190734863,2.799999952316284,4.800000190734863,1.399999976158142,6.0,3.4000000953674316,4.5,1.600000023841858]}]}\xcdF\x9aA\xcdD\x9a=\x00F\xcdB\x80Df>', 345),
    "test_requested_output": (b'{"model_name":"FP16OutputModel","model_version":null,"id":"123","parameters":null,"outputs":[{"name":"fp32_output","shape":[8],"datatype":"FP32","parameters":null,"data":[6.800000190734863,2.799999952316284,4.800000190734863,1.399999976158142,6.0,3.4000000953674316,4.5,1.600000023841858]}]}', None),
    "test_all_output_as_binary_data": (b'{"id":"123","model_name":"FP16OutputModel","model_version":null,"outputs":[{"name":"fp16_output","shape":[8],"datatype":"FP16","parameters":{"binary_data_size":16}},{"name":"fp32_output","shape":[8],"datatype":"FP32","parameters":{"binary_data_size":32}}]}\xcdF\x9aA\xcdD\x9a=\x00F\xcdB\x80Df>\x9a\x99\xd9@333@\x9a\x99\x99@33\xb3?\x00\x00\xc0@\x9a\x99Y@\x00\x00\x90@\xcd\xcc\xcc?', 256),
}
KSERVE_GRPC_LITERALS = {
    "test_grpc_raw_inputs": (["mpnZQDMzM0CamZlAMzOzPwAAwECamVlAAACQQM3MzD8=", "BgAAAAIAAAAEAAAAAQAAAAYAAAADAAAABAAAAAEAAAA=",
                              "AwAAAENhdAMAAABEb2cEAAAAV29sZgMAAABDYXQDAAAARG9nBAAAAFdvbGYDAAAARG9nBAAAAFdvbGY=", "BgIEAQYDBAE=", "AQABAAEAAQA="],
                             ["32", "32", "59", "8", "8"]),
    "test_grpc_fp16_output": (["zUaaQc1Emj0ARs1CgERmPg==", "mpnZQDMzM0CamZlAMzOzPwAAwECamVlAAACQQM3MzD8="], ["16", "32"]),
    "test_grpc_fp16_input": (["AQAAAAAAAAACAAAAAAAAAAMAAAAAAAAABAAAAAAAAAAFAAAAAAAAAAYAAAAAAAAABwAAAAAAAAAIAAAAAAAAAA==", "zUaaQc1Emj0ARs1CgERmPg=="], ["64", "16"]),
}

_B = [True, False, True, False, True, False, True, False]
_I = [6, 2, 4, 1, 6, 3, 4, 1]
GRPC_INPUTS_EXPECTED = {
    "model_name": "TestModel", "id": "123",
    "outputs": [
        {"name": "fp32_output", "datatype": "FP32", "shape": ["8"], "contents": {"fp32_contents": [6.8, 2.8, 4.8, 1.4, 6.0, 3.4, 4.5, 1.6]}},
        {"name": "int32_output", "datatype": "INT32", "shape": ["8"], "contents": {"int_contents": _I}},
        {"name": "string_output", "datatype": "BYTES", "shape": ["8"], "contents": {"bytes_contents": ["Q2F0", "RG9n", "V29sZg==", "Q2F0", "RG9n", "V29sZg==", "RG9n", "V29sZg=="]}},
        {"name": "uint8_output", "datatype": "UINT8", "shape": ["8"], "contents": {"uint_contents": _I}},
        {"name": "bool_input", "datatype": "BOOL", "shape": ["8"], "contents": {"bool_contents": _B}},
    ],
}


def verify():
    bad = []
    for c in CASES:
        e = c["expected"]
        if c["name"] in KSERVE_LITERALS:
            body, jl = KSERVE_LITERALS[c["name"]]
            got = bytes.fromhex(e["json_hex"]) + bytes.fromhex(e["binary_hex"])
            ok = got == body and e["json_length"] == jl
            c["verified_against_kserve_test_literal"] = ok
            if not ok:
                bad.append(c["name"])
        elif c["name"] == "test_grpc_inputs":
            ok = e["message_to_dict"] == GRPC_INPUTS_EXPECTED
            c["verified_against_kserve_test_literal"] = ok
            if not ok:
                bad.append(c["name"])
        elif c["name"] in KSERVE_GRPC_LITERALS:
            b64, sizes = KSERVE_GRPC_LITERALS[c["name"]]
            md = e["message_to_dict"]
            got_sizes = [o["parameters"]["binary_data_size"]["int64_param"] for o in md["outputs"]]
            ok = md.get("raw_output_contents") == b64 and got_sizes == sizes
            c["verified_against_kserve_test_literal"] = ok
            if not ok:
                bad.append(c["name"])
    return bad


# ----------------------------------------------------------------------------------------------
def main():
    infer_request_cases()
    infer_response_cases()
    fmt_desc, fmt_dict = formatting_cases()
    fmt_text = orjson.dumps(fmt_dict)
    add("extra_float_and_string_formatting_dict_path", "response_to_rest", "infer_type.py InferResponse.to_rest (dict) + orjson.dumps",
        dict(fmt_desc, note="same outputs as extra_float_and_string_formatting_binary_path but without the binary 'bin' output: all JSON -> dict"),
        {"result_type": "dict", "json_text": fmt_text.decode("utf-8"), "json_hex": fmt_text.hex(), "json_length": None, "binary_hex": "",
         "python_json_dumps_text": json.dumps(fmt_dict, allow_nan=True, ensure_ascii=False, separators=(",", ":")),
         "note": "python_json_dumps_text shows the stdlib alternative (NaN literal, 1e-07 style) for comparison: KServe does NOT use it for v2."})
    server_cases(fmt_desc)
    grpc_cases()
    bad = verify()
    n_ver = sum(1 for c in CASES if c.get('verified_against_kserve_test_literal'))
    print(f'verified {n_ver} cases against KServe test literals; mismatches: {bad}')

    versions = {}
    for pkg in ("kserve", "orjson", "fastapi", "starlette", "pydantic", "numpy", "pandas", "protobuf", "grpcio"):
        try:
            versions[pkg] = metadata.version(pkg)
        except Exception:  # noqa: BLE001
            versions[pkg] = None
    doc = {
        "generator": "gen_golden.py",
        "python": sys.version.split()[0],
        "versions": versions,
        "conventions": __doc__,
        "fixed_uuid_for_generated_ids": str(FIXED_UUID),
        "cases": CASES,
    }
    with open(os.path.join(HERE, "golden.json"), "w", encoding="utf-8") as f:
        json.dump(doc, f, indent=1, ensure_ascii=False, allow_nan=False)
    print(f"wrote {len(CASES)} cases to golden.json")


if __name__ == "__main__":
    main()
