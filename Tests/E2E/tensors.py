"""Test tensors of every v2 datatype, and comparable views of v2 responses (REST JSON, REST binary, gRPC).

A view is a plain dict: {"id", "model_name", "outputs": [{"name", "datatype", "shape", "binary", "data"}]}, where
`data` is the exact content (the little-endian bytes of numeric tensors, the list of byte strings of BYTES), so
`==` compares values bit for bit, and `binary` says whether the output came as a binary section (REST) or in
raw_output_contents (gRPC).
"""

import json
import struct

import numpy as np

NP_DTYPES = {
    "BOOL": np.bool_, "UINT8": np.uint8, "UINT16": np.uint16, "UINT32": np.uint32, "UINT64": np.uint64,
    "INT8": np.int8, "INT16": np.int16, "INT32": np.int32, "INT64": np.int64,
    "FP16": np.float16, "FP32": np.float32, "FP64": np.float64, "BYTES": np.object_,
}

# Values at the edges of each type; shape [2, 3] for all.
VALUES = {
    "BOOL": [True, False, True, True, False, False],
    "UINT8": [0, 1, 127, 128, 254, 255],
    "UINT16": [0, 1, 255, 256, 65534, 65535],
    "UINT32": [0, 1, 65535, 65536, 2**32 - 2, 2**32 - 1],
    "UINT64": [0, 1, 2**32, 2**53 + 1, 2**63, 2**64 - 1],
    "INT8": [-128, -1, 0, 1, 100, 127],
    "INT16": [-32768, -1, 0, 1, 1000, 32767],
    "INT32": [-(2**31), -1, 0, 1, 123456789, 2**31 - 1],
    "INT64": [-(2**63), -(2**53) - 1, -1, 0, 2**53 + 1, 2**63 - 1],
    "FP16": [0.0, -0.0, 1.5, -2.25, 65504.0, 6.1e-05],
    "FP32": [0.0, -0.0, 0.1, -2.5, 3.4e38, 1.17549435e-38],
    "FP64": [0.0, -0.0, 0.1, -2.5, 1e300, 2.2250738585072014e-308],
    "BYTES": ["abc", "", "été", "x" * 40, "with space", "日本"],
}
# BYTES that are not UTF-8 (only the binary extension and gRPC can carry them).
NON_UTF8 = [b"\xff\xfe\x00", b"", b"\x80abc", b"\xc3\x28", b"ok", b"\x00\x01\x02\xff"]

JSON_TYPES = [t for t in VALUES if t != "FP16"]  # KServe refuses FP16 in JSON
ALL_TYPES = list(VALUES)
SHAPE = [2, 3]


def array(datatype, values=None):
    values = VALUES[datatype] if values is None else values
    if datatype == "BYTES":
        return np.array([v.encode() if isinstance(v, str) else v for v in values], dtype=np.object_).reshape(SHAPE)
    return np.array(values, dtype=NP_DTYPES[datatype]).reshape(SHAPE)


def json_input(name, datatype, values=None):
    values = VALUES[datatype] if values is None else values
    return {"name": name, "shape": SHAPE, "datatype": datatype, "data": values}


# --- exact content ----------------------------------------------------------------------------------------------------


def content_of_array(datatype, arr):
    if datatype == "BYTES":
        return [v.encode() if isinstance(v, str) else bytes(v) for v in np.asarray(arr, dtype=np.object_).flatten()]
    return np.ascontiguousarray(np.asarray(arr, dtype=NP_DTYPES[datatype]).astype(np.dtype(NP_DTYPES[datatype]).newbyteorder("<"))).tobytes()


def content_of_json(datatype, data):
    flat = list(_flatten(data))
    if datatype == "BYTES":
        return [v.encode() if isinstance(v, str) else bytes(v) for v in flat]
    if datatype in ("FP16", "FP32", "FP64"):
        flat = [float("nan") if v is None else v for v in flat]
    return content_of_array(datatype, np.array(flat, dtype=NP_DTYPES[datatype]))


def content_of_binary(datatype, raw):
    if datatype == "BYTES":
        out, offset = [], 0
        while offset < len(raw):
            (n,) = struct.unpack_from("<I", raw, offset)
            out.append(bytes(raw[offset + 4: offset + 4 + n]))
            offset += 4 + n
        return out
    return bytes(raw)


def _flatten(data):
    if isinstance(data, list):
        for item in data:
            yield from _flatten(item)
    else:
        yield data


# --- views ------------------------------------------------------------------------------------------------------------


def rest_view(resp):
    """A REST v2 response (conftest.Response) as a view; binary sections decoded by the inference header length."""
    header_length = resp.headers.get("inference-header-content-length")
    if header_length is not None:
        header = json.loads(resp.body[: int(header_length)])
        binary = resp.body[int(header_length):]
    else:
        header = json.loads(resp.body)
        binary = b""
    outputs, offset = [], 0
    for output in header["outputs"]:
        size = (output.get("parameters") or {}).get("binary_data_size")
        if size is not None:
            data = content_of_binary(output["datatype"], binary[offset: offset + size])
            offset += size
        else:
            data = content_of_json(output["datatype"], output["data"])
        outputs.append({"name": output["name"], "datatype": output["datatype"], "shape": list(output["shape"]),
                        "binary": size is not None, "data": data})
    assert offset == len(binary), f"{len(binary) - offset} bytes after the binary sections"
    return {"id": header.get("id"), "model_name": header.get("model_name"), "outputs": outputs}


def triton_http_view(result):
    """A tritonclient.http InferResult as a view."""
    header = result.get_response()
    outputs = []
    for output in header["outputs"]:
        binary = "binary_data_size" in (output.get("parameters") or {})
        arr = result.as_numpy(output["name"])
        outputs.append({"name": output["name"], "datatype": output["datatype"], "shape": list(output["shape"]),
                        "binary": binary, "data": content_of_array(output["datatype"], arr)})
    return {"id": header.get("id"), "model_name": header.get("model_name"), "outputs": outputs}


def grpc_view(response):
    """A ModelInferResponse (tritonclient's service_pb2) as a view."""
    raw = len(response.raw_output_contents) > 0
    outputs = []
    for index, output in enumerate(response.outputs):
        if raw:
            data = content_of_binary(output.datatype, response.raw_output_contents[index])
        else:
            data = content_of_json(output.datatype, list(_typed_contents(output)))
        outputs.append({"name": output.name, "datatype": output.datatype, "shape": list(output.shape),
                        "binary": raw, "data": data})
    return {"id": response.id, "model_name": response.model_name, "outputs": outputs}


def _typed_contents(output):
    c = output.contents
    return {
        "BOOL": c.bool_contents, "UINT8": c.uint_contents, "UINT16": c.uint_contents, "UINT32": c.uint_contents,
        "UINT64": c.uint64_contents, "INT8": c.int_contents, "INT16": c.int_contents, "INT32": c.int_contents,
        "INT64": c.int64_contents, "FP32": c.fp32_contents, "FP64": c.fp64_contents, "BYTES": c.bytes_contents,
    }[output.datatype]
