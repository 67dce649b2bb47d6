// Request bodies for the codec benchmarks, made in-process from a fixed seed so that every run (and every machine)
// decodes the same bytes. The JSON is laid out as Python's json.dumps writes it (", " and ": " separators), like
// the bodies Benchmarks/python/codec_bench.py gives scripts/bench-codec; FP32 values are printed as the shortest
// text that reads back as the same Float (what Swift's `description` and numpy's `astype(str)` print).

import Benchmark
import InferenceProtocol

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The model name every request is decoded for.
let modelName = "bench-model"

/// A tiny deterministic generator (SplitMix64): the same seed gives the same values on every run.
struct SplitMix64 {
    private var state: UInt64

    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// A uniform value in (0, 1), never 0 (so that its logarithm is finite).
    mutating func nextUnitInterval() -> Double {
        (Double(next() >> 11) + 0.5) * 0x1p-53
    }
}

/// `count` values from a standard normal distribution (Box–Muller), as float32.
func normalFloats(_ count: Int, seed: UInt64) -> [Float] {
    var generator = SplitMix64(seed: seed)
    var values: [Float] = []
    values.reserveCapacity(count)
    while values.count < count {
        let radius = (-2 * log(generator.nextUnitInterval())).squareRoot()
        let angle = 2 * Double.pi * generator.nextUnitInterval()
        values.append(Float(radius * cos(angle)))
        if values.count < count { values.append(Float(radius * sin(angle))) }
    }
    return values
}

/// A v2 REST JSON request with one FP32 input `input-0` holding `values`.
func jsonRequestBody(_ values: [Float], shape: [Int]) -> [UInt8] {
    var body: [UInt8] = []
    body.reserveCapacity(128 + values.count * 13)
    body += Array(#"{"id": "bench-request", "inputs": [{"name": "input-0", "shape": "#.utf8)
    body += Array(shape.description.utf8)
    body += Array(#", "datatype": "FP32", "data": ["#.utf8)
    for (index, value) in values.enumerated() {
        if index > 0 { body += [UInt8(ascii: ","), UInt8(ascii: " ")] }
        body += Array(value.description.utf8)
    }
    body += Array("]}]}".utf8)
    return body
}

/// A v2 REST JSON request of at least `byteCount` bytes (one FP32 input, values as in ``jsonRequestBody(_:shape:)``).
func jsonRequestBody(atLeast byteCount: Int, seed: UInt64) -> [UInt8] {
    // Each value prints as ~11 bytes plus its ", " separator: start from an estimate and grow it until big enough.
    var count = byteCount / 13
    while true {
        let values = normalFloats(count, seed: seed)
        let body = jsonRequestBody(values, shape: [values.count])
        if body.count >= byteCount { return body }
        count += (byteCount - body.count) / 10 + 1
    }
}

/// A binary-extension request: the JSON header, then the little-endian FP32 bytes of input `input-0`.
/// - Parameter binaryOutputs: Ask for the outputs in binary form too (`binary_data_output`).
/// - Returns: The body and the length of its JSON header (the `Inference-Header-Content-Length` value).
func binaryRequestBody(_ values: [Float], shape: [Int], binaryOutputs: Bool) -> (body: [UInt8], jsonLength: Int) {
    let parameters = binaryOutputs ? #", "parameters": {"binary_data_output": true}"# : ""
    let header = Array(
        (#"{"id": "bench-request", "inputs": [{"name": "input-0", "shape": "# + shape.description
            + #", "datatype": "FP32", "parameters": {"binary_data_size": "# + "\(values.count * 4)}}]" + parameters + "}").utf8)
    var body = header
    body.reserveCapacity(header.count + values.count * 4)
    for value in values {
        let bits = value.bitPattern.littleEndian
        withUnsafeBytes(of: bits) { body += $0 }
    }
    return (body, header.count)
}

/// Decodes a v2 JSON request and reads its input as FP32 (which parses the numbers even when the decoder kept
/// them as text), as a model's `preprocess` does.
@inline(__always)
func decodeJSONAndRead(_ body: UnsafeRawBufferPointer) throws -> InferRequest {
    let request = try InferRequest(json: body, modelName: modelName)
    try readInput(of: request)
    return request
}

/// Reads the first input as FP32 and keeps the result observable.
@inline(__always)
func readInput(of request: InferRequest) throws {
    let sum = try request.inputs[0].withUnsafeBufferPointer(as: Float.self) { $0.isEmpty ? 0 : $0[0] + $0[$0.count - 1] }
    blackHole(sum)
}

/// The output of the round-trip cases: the decoded input under another name (shares its storage).
func echoOutput(of request: InferRequest) -> InferOutput {
    var output = request.inputs[0]
    output.name = "output-0"
    return output
}

/// A REST v1 request `{"instances": [[...]]}` of at least `byteCount` bytes: one row of normal FP32 values printed as
/// in ``jsonRequestBody(_:shape:)``.
func v1RequestBody(atLeast byteCount: Int, seed: UInt64) -> [UInt8] {
    let values = normalFloats(byteCount / 10, seed: seed)
    var body = Array(#"{"instances": [["#.utf8)
    for (index, value) in values.enumerated() {
        if index > 0 { body += [UInt8(ascii: ","), UInt8(ascii: " ")] }
        body += Array(value.description.utf8)
        if body.count >= byteCount - 3 { break }
    }
    return body + Array("]]}".utf8)
}

/// A REST v1 request body, made before the measurement and checked to decode.
final class V1Fixture {
    /// The body.
    let body: [UInt8]

    init(_ body: [UInt8]) throws {
        self.body = body
        _ = try V1Request(body: body, headers: v1Headers)
    }
}

/// The headers of a v1 request: JSON.
let v1Headers = ["content-type": "application/json"]

/// An echo model's answer to a v1 request: its `instances` as `predictions`.
func echoAnswer(to request: V1Request) -> V1Payload {
    guard case .json(let value) = request.payload, let instances = value["instances"] else { return request.payload }
    return .json(["predictions": instances])
}
