import InferenceProtocol
import NIOCore
import PredictorClient
import Testing

@testable import Transformer

/// How the responder turns a v2 body into the buffers it writes: large binary tensors that still are the bytes of
/// the predictor's response go out as slices of that response (no copy); everything else is copied, in order.
struct ResponseBodyPartsTests {
    /// A binary-extension response as a predictor sends it: 32 KiB of FP32, 24 bytes of INT32, 96 KiB of INT64.
    static func predictorResponse() throws -> (body: ByteBuffer, jsonLength: Int, values: ([Float], [Int32], [Int64])) {
        let floats = (0..<8192).map { Float($0) * 0.25 - 7 }
        let ints: [Int32] = [1, -2, 3, -4, 5, -6]
        let longs = (0..<12288).map { Int64($0) * 1_000_003 - (1 << 40) }
        let json = """
            {"id":"7","model_name":"m","model_version":null,"outputs":[\
            {"name":"a","shape":[2,4096],"datatype":"FP32","parameters":{"binary_data_size":32768}},\
            {"name":"b","shape":[2,3],"datatype":"INT32","parameters":{"binary_data_size":24}},\
            {"name":"c","shape":[3,4096],"datatype":"INT64","parameters":{"binary_data_size":98304}}]}
            """
        var body = ByteBuffer(string: json)
        for value in floats { body.writeInteger(value.bitPattern, endianness: .little) }
        for value in ints { body.writeInteger(value, endianness: .little) }
        for value in longs { body.writeInteger(value, endianness: .little) }
        return (body, json.utf8.count, (floats, ints, longs))
    }

    static func decode(_ body: ByteBuffer, jsonLength: Int) throws -> InferResponse {
        let owner = SharedByteBuffer(body)
        var response = try body.withReadableBytes { (bytes) throws(InferenceError) in
            try InferResponse(body: bytes, jsonLength: jsonLength, sharingWith: owner)
        }
        response.useBinaryOutputs = true
        return response
    }

    static func joined(_ parts: [ByteBuffer]) -> [UInt8] { parts.flatMap { Array(buffer: $0) } }

    static func start(of buffer: ByteBuffer) -> UnsafeRawPointer { buffer.withUnsafeReadableBytes { UnsafeRawPointer($0.baseAddress!) } }

    @Test func passedThroughTensorsAreSlicesOfThePredictorsBuffer() throws {
        let (body, jsonLength, values) = try Self.predictorResponse()
        let restBody = try Self.decode(body, jsonLength: jsonLength).restBody()
        let parts = KServeResponder.bodyParts(restBody)

        #expect(Self.joined(parts) == restBody.bytes)
        // The JSON, tensor a (shared), tensor b (24 bytes: copied), tensor c (shared).
        #expect(parts.map(\.readableBytes) == [restBody.jsonLength!, 32768, 24, 98304])
        let predictorStart = Self.start(of: body)
        #expect(Self.start(of: parts[1]) == predictorStart + jsonLength)
        #expect(Self.start(of: parts[3]) == predictorStart + jsonLength + 32768 + 24)
        #expect(Self.start(of: parts[2]) != predictorStart + jsonLength + 32768)

        let decoded = try InferResponse(body: Self.joined(parts), jsonLength: restBody.jsonLength)
        #expect(decoded.outputs.map(\.name) == ["a", "b", "c"])
        #expect(try decoded.outputs[0].values(as: Float.self) == values.0)
        #expect(try decoded.outputs[1].values(as: Int32.self) == values.1)
        #expect(try decoded.outputs[2].values(as: Int64.self) == values.2)
    }

    @Test func aTensorPostprocessReplacedIsCopiedWithItsNewValues() throws {
        let (body, jsonLength, values) = try Self.predictorResponse()
        var response = try Self.decode(body, jsonLength: jsonLength)
        let replaced = values.0.map { $0 * 2 }
        response.outputs[0] = try InferTensor(name: "a", shape: [2, 4096], values: replaced)
        let restBody = try response.restBody()
        let parts = KServeResponder.bodyParts(restBody)

        #expect(Self.joined(parts) == restBody.bytes)
        // The JSON, a and b copied into one buffer, then c shared.
        #expect(parts.map(\.readableBytes) == [restBody.jsonLength! + 32768 + 24, 98304])
        #expect(Self.start(of: parts[1]) == Self.start(of: body) + jsonLength + 32768 + 24)
        let decoded = try InferResponse(body: Self.joined(parts), jsonLength: restBody.jsonLength)
        #expect(try decoded.outputs[0].values(as: Float.self) == replaced)
        #expect(try decoded.outputs[2].values(as: Int64.self) == values.2)
    }

    @Test func aJSONBodyIsOneBuffer() throws {
        let restBody = RESTBody(bytes: Array(#"{"outputs":[]}"#.utf8), jsonLength: nil)
        let parts = KServeResponder.bodyParts(restBody)
        #expect(parts.count == 1 && String(buffer: parts[0]) == #"{"outputs":[]}"#)
        #expect(KServeResponder.bodyParts(RESTBody(bytes: [], jsonLength: nil)).map(\.readableBytes) == [0])
    }
}
