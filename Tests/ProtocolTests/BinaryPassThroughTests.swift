import Testing

@testable import InferenceProtocol

/// Fixed-width binary tensors share the body they arrived in instead of copying it; whatever their address,
/// reading them gives exactly the values, and changing or re-encoding them gives exactly the bytes.
@Suite struct BinaryPassThroughTests {
    /// A binary-extension request with one FP64 input of `count` values `i * 0.25 - 3`, whose JSON header is padded
    /// with `padding` spaces so that the tensor's bytes start at any offset modulo 8.
    func body(count: Int, padding: Int) -> (bytes: [UInt8], jsonLength: Int) {
        let json =
            #"{"id":"r","inputs":[{"name":"x","shape":[\#(count)],"datatype":"FP64","#
            + #""parameters":{"binary_data_size":\#(count * 8)}}]}"# + String(repeating: " ", count: padding)
        var bytes = Array(json.utf8)
        for index in 0..<count { withUnsafeBytes(of: (Double(index) * 0.25 - 3).bitPattern.littleEndian) { bytes.append(contentsOf: $0) } }
        return (bytes, json.utf8.count)
    }

    func expected(_ count: Int) -> [Double] { (0..<count).map { Double($0) * 0.25 - 3 } }

    @Test(arguments: 0..<8)
    func sharedTensorReadsExactlyAtAnyOffset(padding: Int) throws {
        let (bytes, jsonLength) = body(count: 1000, padding: padding)
        let request = try InferRequest(body: bytes, jsonLength: jsonLength, modelName: "m")
        guard case .fixed(let buffer) = request.inputs[0].data else {
            Issue.record("not a fixed-width tensor")
            return
        }
        #expect(buffer.isShared)
        // The shared bytes are the body's own, at the offset after the header.
        try bytes.withUnsafeBytes { original in
            #expect(UnsafeRawPointer(buffer.base) == original.baseAddress! + jsonLength)
            try request.inputs[0].withUnsafeRawBytes { #expect(Array($0) == Array(original[jsonLength...])) }
        }
        // Typed reads go through an aligned view: same values at every offset.
        #expect(try request.inputs[0].values(as: Double.self) == expected(1000))
        let sum = try request.inputs[0].withUnsafeBufferPointer(as: Double.self) { pointer in
            #expect(Int(bitPattern: pointer.baseAddress!) % MemoryLayout<Double>.alignment == 0)
            return pointer.reduce(0, +)
        }
        #expect(sum == expected(1000).reduce(0, +))
    }

    @Test(arguments: [1, 4])
    func untouchedTensorIsForwardedAsTheSameBytes(padding: Int) throws {
        let (bytes, jsonLength) = body(count: 333, padding: padding)
        let request = try InferRequest(body: bytes, jsonLength: jsonLength, modelName: "m")
        let forwarded = try request.restBody(binaryInputs: true)
        let header = try #require(forwarded.jsonLength)
        #expect(Array(forwarded.bytes[header...]) == Array(bytes[jsonLength...]))
        // The response a predictor sends back decodes to the same values, and to JSON exactly as an eager tensor.
        let response = InferResponse(answering: request, outputs: request.inputs)
        let json = try response.restBody().bytes
        let eager = InferResponse(answering: request, outputs: [try InferOutput(name: "x", shape: [333], values: expected(333))])
        #expect(json == (try eager.restBody().bytes))
    }

    @Test func forwardedBinaryBodyAllocatesOnlyItsJSONHeader() throws {
        // 131,072 FP64 values (1 MiB): as JSON text they would take about 2.6 MB, which the JSON part of the
        // forwarded body must not reserve when the tensor travels as bytes after it.
        let (bytes, jsonLength) = body(count: 131_072, padding: 0)
        let request = try InferRequest(body: bytes, jsonLength: jsonLength, modelName: "m")
        let forwarded = try request.restBody(binaryInputs: true)
        #expect(forwarded.count == bytes.count + (forwarded.jsonLength! - jsonLength))
        #expect(forwarded.allocatedJSONCapacity < 4096)
        var response = InferResponse(answering: request, outputs: request.inputs)
        response.useBinaryOutputs = true
        let answer = try response.restBody()
        #expect(answer.jsonLength != nil)
        #expect(answer.allocatedJSONCapacity < 4096)
    }

    @Test func changedTensorIsEncodedFromItsNewValues() throws {
        let (bytes, jsonLength) = body(count: 64, padding: 3)
        var request = try InferRequest(body: bytes, jsonLength: jsonLength, modelName: "m")
        let doubled = try request.inputs[0].values(as: Double.self).map { $0 * 2 }
        request.inputs[0] = try InferInput(name: "x", shape: [64], values: doubled)
        let forwarded = try request.restBody(binaryInputs: true)
        let decoded = try InferRequest(body: forwarded.bytes, jsonLength: try #require(forwarded.jsonLength), modelName: "m")
        #expect(try decoded.inputs[0].values(as: Double.self) == expected(64).map { $0 * 2 })
        // The original body is untouched.
        #expect(Array(bytes[jsonLength...]) == Array(body(count: 64, padding: 3).bytes[jsonLength...]))
    }

    @Test func binaryResponseOutputsShareTheBody() throws {
        let json = #"{"model_name":"m","outputs":[{"name":"y","shape":[3],"datatype":"INT32","parameters":{"binary_data_size":12}}]}"#
        let bytes = Array(json.utf8) + [1, 0, 0, 0, 0xFE, 0xFF, 0xFF, 0xFF, 0, 0, 0, 0x80]
        let response = try InferResponse(body: bytes, jsonLength: json.utf8.count)
        guard case .fixed(let buffer) = response.outputs[0].data else {
            Issue.record("not a fixed-width tensor")
            return
        }
        #expect(buffer.isShared)
        #expect(try response.outputs[0].values(as: Int32.self) == [1, -2, Int32.min])
    }

    @Test func boolTensorsAreCopiedAndNormalised() throws {
        let json = #"{"inputs":[{"name":"b","shape":[3],"datatype":"BOOL","parameters":{"binary_data_size":3}}]}"#
        let request = try InferRequest(body: Array(json.utf8) + [0, 7, 1], jsonLength: json.utf8.count, modelName: "m")
        guard case .fixed(let buffer) = request.inputs[0].data else {
            Issue.record("not a fixed-width tensor")
            return
        }
        #expect(!buffer.isShared)
        #expect(try request.inputs[0].values(as: Bool.self) == [false, true, true])
    }

    @Test func pointerDecodersCopyWithoutAnOwner() throws {
        let (bytes, jsonLength) = body(count: 10, padding: 0)
        let request = try bytes.withUnsafeBytes { try InferRequest(body: $0, jsonLength: jsonLength, modelName: "m") }
        guard case .fixed(let buffer) = request.inputs[0].data else {
            Issue.record("not a fixed-width tensor")
            return
        }
        #expect(!buffer.isShared)
        #expect(try request.inputs[0].values(as: Double.self) == expected(10))
    }
}
