import Testing

@testable import InferenceProtocol

@Suite struct BinaryExtensionTests {
    /// §5.1 encodings, exactly.
    @Test func specByteExamples() throws {
        func binary(_ tensor: InferTensor) -> [UInt8] {
            var bytes: [UInt8] = []
            tensor.appendBinary(to: &bytes)
            return bytes
        }
        #expect(binary(try InferTensor(name: "a", shape: [2], values: [1.0, 2.0] as [Float])) == [0x00, 0x00, 0x80, 0x3f, 0x00, 0x00, 0x00, 0x40])
        #expect(
            binary(try InferTensor(name: "a", shape: [2], strings: ["cat", "dog"]))
                == [0x03, 0x00, 0x00, 0x00, 0x63, 0x61, 0x74, 0x03, 0x00, 0x00, 0x00, 0x64, 0x6f, 0x67])
        #expect(binary(try InferTensor(name: "a", shape: [2], values: [1.0, 2.0] as [Float16])) == [0x00, 0x3c, 0x00, 0x40])
        #expect(binary(try InferTensor(name: "a", shape: [2], values: [true, false])) == [0x01, 0x00])
    }

    static let specJSON =
        #"{"id":"42","inputs":[{"name":"input0","shape":[2],"datatype":"FP32","parameters":{"binary_data_size":8}},{"name":"text","shape":[2],"datatype":"BYTES","parameters":{"binary_data_size":14}}],"outputs":[{"name":"output0","parameters":{"binary_data":true}}]}"#
    static let specBinary: [UInt8] = [
        0x00, 0x00, 0x80, 0x3f, 0x00, 0x00, 0x00, 0x40, 0x03, 0x00, 0x00, 0x00, 0x63, 0x61, 0x74, 0x03, 0x00, 0x00, 0x00, 0x64, 0x6f, 0x67,
    ]

    /// §5.2 request example: a 255-byte JSON header.
    @Test func specRequestExampleDecodes() throws {
        #expect(Self.specJSON.utf8.count == 255)
        let request = try InferRequest(body: Array(Self.specJSON.utf8) + Self.specBinary, jsonLength: 255, modelName: "m")
        #expect(request.id == "42")
        #expect(try request.inputs[0].values(as: Float.self) == [1, 2])
        #expect(try request.inputs[1].strings() == ["cat", "dog"])
        // binary_data_size belongs to the wire format: the model never sees it.
        #expect(request.inputs.allSatisfy { $0.parameters.isEmpty })
        #expect(request.requestedOutputs.first?.binaryData == true)
        // Re-encoding as a client produces the same bytes (key order: id, model_name, inputs, outputs).
        let body = try request.restBody(binaryInputs: true)
        #expect(
            body.bytes.text.hasPrefix(
                #"{"id":"42","model_name":"m","inputs":[{"name":"input0","shape":[2],"datatype":"FP32","parameters":{"binary_data_size":8}}"#))
        #expect(Array(body.bytes[body.jsonLength!...]) == Self.specBinary)
    }

    @Test(arguments: Datatype.allCases)
    func everyDatatypeRoundTripsThroughBinary(_ datatype: Datatype) throws {
        let tensor = try SampleTensors.tensor(datatype, name: "input-0")
        let request = InferRequest(id: "1", modelName: "m", inputs: [tensor], parameters: ["binary_data_output": true])
        let body = try request.restBody(binaryInputs: true)
        let length = try #require(body.jsonLength)
        let decoded = try InferRequest(body: body.bytes, jsonLength: length, modelName: "m")
        #expect(decoded.inputs == [tensor])
        #expect(decoded.useBinaryOutputs)
        let response = try InferResponse(answering: decoded, outputs: decoded.inputs).restBody()
        let responseLength = try #require(response.jsonLength)
        #expect(try InferResponse(body: response.bytes, jsonLength: responseLength).outputs == [tensor])
    }

    @Test func nonUTF8BytesSurviveBinary() throws {
        let tensor = try InferTensor(name: "raw", shape: [3], byteElements: [[0xff, 0x00, 0xfe], [], [0xc3, 0x28]])
        // Even with binaryInputs false, a non-UTF-8 BYTES tensor goes binary rather than failing.
        let body = try InferRequest(modelName: "m", inputs: [tensor]).restBody(binaryInputs: false)
        let decoded = try InferRequest(body: body.bytes, jsonLength: try #require(body.jsonLength), modelName: "m")
        #expect(try decoded.inputs[0].byteElements() == [[0xff, 0x00, 0xfe], [], [0xc3, 0x28]])
    }

    @Test func mixedJSONAndBinaryInputs() throws {
        let json =
            #"{"inputs":[{"name":"a","shape":[2],"datatype":"INT32","data":[1,2]},{"name":"b","shape":[1],"datatype":"FP64","parameters":{"binary_data_size":8,"k":"v"}},{"name":"c","shape":[1],"datatype":"BOOL","data":[true]}]}"#
        var body = Array(json.utf8)
        withUnsafeBytes(of: (2.5 as Double).bitPattern.littleEndian) { body += $0 }
        let request = try InferRequest(body: body, jsonLength: json.utf8.count, modelName: "m")
        #expect(try request.inputs[0].values(as: Int32.self) == [1, 2])
        #expect(try request.inputs[1].values(as: Double.self) == [2.5])
        #expect(request.inputs[1].parameters == ["k": "v"])
        #expect(try request.inputs[2].values(as: Bool.self) == [true])
    }

    func error(json: String, binary: [UInt8] = [], jsonLength: Int? = nil) -> InferenceError? {
        let body = Array(json.utf8) + binary
        return expectInferenceError { _ = try InferRequest(body: body, jsonLength: jsonLength ?? json.utf8.count, modelName: "m") }
    }

    /// Every malformed case of §5.2: all 400 with a message a user can act on, never a trap.
    @Test func malformedBodies() {
        let fp32 = #"{"inputs":[{"name":"x","shape":[2],"datatype":"FP32","parameters":{"binary_data_size":8}}]}"#
        #expect(
            error(json: fp32, binary: [0, 0, 0x80, 0x3f])?.message
                == "input 'x' declares binary_data_size 8 but only 4 bytes of binary data remain")
        #expect(
            error(json: fp32, binary: [], jsonLength: 1000)?.message
                == "Inference-Header-Content-Length 1000 is outside the body of \(fp32.utf8.count) bytes")
        #expect(error(json: fp32, binary: [], jsonLength: -1)?.code == .invalidInput)
        let missing = #"{"inputs":[{"name":"x","shape":[2],"datatype":"FP32"}]}"#
        #expect(error(json: missing)?.message == "'data' field is missing for input 'x' for model 'm'")
        let nullSize = #"{"inputs":[{"name":"x","shape":[2],"datatype":"FP32","parameters":{"binary_data_size":null}}]}"#
        #expect(error(json: nullSize)?.message == "'binary_data_size' is not specified for input 'x' for model 'm'")
        let odd = #"{"inputs":[{"name":"x","shape":[1],"datatype":"FP32","parameters":{"binary_data_size":3}}]}"#
        #expect(error(json: odd, binary: [1, 2, 3])?.message == "tensor 'x' of datatype FP32 has 3 bytes, not a multiple of its element size 4")
        let shape = #"{"inputs":[{"name":"x","shape":[3],"datatype":"FP32","parameters":{"binary_data_size":8}}]}"#
        #expect(
            error(json: shape, binary: Array(repeating: 0, count: 8))?.message == "tensor 'x' has shape [3], which holds 3 elements, but 2 were given"
        )
        let bytes = #"{"inputs":[{"name":"s","shape":[1],"datatype":"BYTES","parameters":{"binary_data_size":6}}]}"#
        #expect(error(json: bytes, binary: [9, 0, 0, 0, 0x61, 0x62])?.message == "BYTES tensor 's' element 0 declares 9 bytes but only 2 remain")
        #expect(error(json: bytes, binary: [1, 0, 0, 0, 0x61, 0])?.message == "BYTES tensor 's' ends inside an element's 4-byte length prefix")
        let negative = #"{"inputs":[{"name":"x","shape":[1],"datatype":"FP32","parameters":{"binary_data_size":-4}}]}"#
        #expect(error(json: negative)?.message == "'binary_data_size' of input 'x' must be a non-negative integer, not -4")
        let fp16 = #"{"inputs":[{"name":"h","shape":[1],"datatype":"FP16","data":[1.0]}]}"#
        #expect(error(json: fp16)?.message == "Receiving FP16 data via JSON is not supported. Please use the binary data format for input h")
        let unparsable = error(json: #"{"inputs":[{"name""#)
        #expect(unparsable?.code == .invalidInput)
        #expect(unparsable?.message.hasPrefix("Unrecognized request format: ") == true)
    }

    @Test func extraTrailingBytesAreIgnoredAsKServeDoes() throws {
        let json = #"{"inputs":[{"name":"x","shape":[1],"datatype":"UINT8","parameters":{"binary_data_size":1}}]}"#
        let request = try InferRequest(body: Array(json.utf8) + [7, 8, 9], jsonLength: json.utf8.count, modelName: "m")
        #expect(try request.inputs[0].values(as: UInt8.self) == [7])
    }

    /// test_server.py::test_fp16_output_as_binary_data (§5.3): header 345 and these exact bytes.
    @Test func binaryResponseMatchesKServe() throws {
        let values: [Float] = [6.8, 2.8, 4.8, 1.4, 6.0, 3.4, 4.5, 1.6]
        let fp16 = try InferOutput(name: "fp16_output", shape: [8], values: values.map { Float16($0) })
        let fp32 = try InferOutput(name: "fp32_output", shape: [8], values: values)
        let response = InferResponse(
            id: "123", modelName: "FP16OutputModel", outputs: [fp16, fp32],
            requestedOutputs: [
                RequestedOutput(name: "fp16_output", parameters: ["binary_data": true]),
                RequestedOutput(name: "fp32_output", parameters: ["binary_data": false]),
            ])
        let body = try response.restBody()
        #expect(body.jsonLength == 345)
        #expect(
            Array(body.bytes[..<345]).text
                == #"{"id":"123","model_name":"FP16OutputModel","model_version":null,"outputs":[{"name":"fp16_output","shape":[8],"datatype":"FP16","parameters":{"binary_data_size":16}},{"name":"fp32_output","shape":[8],"datatype":"FP32","data":[6.800000190734863,2.799999952316284,4.800000190734863,1.399999976158142,6.0,3.4000000953674316,4.5,1.600000023841858]}]}"#
        )
        #expect(Array(body.bytes[345...]) == Array("\u{cd}F\u{9a}A\u{cd}D\u{9a}=\u{00}F\u{cd}B\u{80}Df>".unicodeScalars.map { UInt8($0.value) }))
    }

    /// binary_data_output without an outputs list: every output binary (test_all_output_as_binary_data, header 256).
    @Test func allOutputsBinary() throws {
        let values: [Float] = [6.8, 2.8, 4.8, 1.4, 6.0, 3.4, 4.5, 1.6]
        let fp16 = try InferOutput(name: "fp16_output", shape: [8], values: values.map { Float16($0) })
        let fp32 = try InferOutput(name: "fp32_output", shape: [8], values: values)
        let response = InferResponse(id: "123", modelName: "FP16OutputModel", outputs: [fp16, fp32], useBinaryOutputs: true)
        let body = try response.restBody()
        #expect(body.jsonLength == 256)
        #expect(body.bytes.count == 256 + 16 + 32)
    }

    /// A requested output without `binary_data` follows binary_data_output (the OIP rule; KServe 0.20 sends JSON).
    @Test func requestedOutputWithoutFlagFollowsBinaryDataOutput() throws {
        let output = try InferOutput(name: "o", shape: [1], values: [1] as [Int32])
        let response = InferResponse(
            id: "1", modelName: "m", outputs: [output], useBinaryOutputs: true,
            requestedOutputs: [RequestedOutput(name: "o")])
        #expect(try response.restBody().jsonLength != nil)
    }
}
