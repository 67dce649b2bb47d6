import Testing

@testable import InferenceProtocol

@Suite struct V2JSONTests {
    func decode(_ text: String, model: String = "m") throws -> InferRequest {
        try InferRequest(json: Array(text.utf8), modelName: model)
    }

    func decodeError(_ text: String) -> InferenceError? {
        expectInferenceError { _ = try decode(text) }
    }

    @Test func specRequestExample() throws {
        let request = try decode(
            #"""
            {"id":"42","parameters":{"binary_data_output":false},
             "inputs":[{"name":"input0","shape":[2,2],"datatype":"UINT32","parameters":{"k":"v"},"data":[[1,2],[3,4]]}],
             "outputs":[{"name":"output0","parameters":{"binary_data":false}}]}
            """#)
        #expect(request.id == "42")
        #expect(request.modelName == "m")
        #expect(request.parameters == ["binary_data_output": false])
        #expect(request.useBinaryOutputs == false)
        let input = try #require(request.input(named: "input0"))
        #expect(input.datatype == .uint32 && input.shape == [2, 2] && input.parameters == ["k": "v"])
        #expect(try input.values(as: UInt32.self) == [1, 2, 3, 4])
        #expect(request.requestedOutputs == [RequestedOutput(name: "output0", parameters: ["binary_data": false])])
    }

    @Test func dataBeforeDatatypeAndLowerCaseDatatype() throws {
        let request = try decode(#"{"inputs":[{"data":[1.5,2.5],"name":"x","datatype":"fp64","shape":[2]}],"model_name":"ignored"}"#)
        #expect(try request.inputs[0].values(as: Double.self) == [1.5, 2.5])
        #expect(request.modelName == "m")
    }

    @Test(arguments: SampleTensors.jsonDatatypes)
    func everyDatatypeRoundTripsThroughJSON(_ datatype: Datatype) throws {
        let tensor = try SampleTensors.tensor(datatype, name: "input-0")
        let request = InferRequest(id: "1", modelName: "m", inputs: [tensor])
        let body = try request.restBody(binaryInputs: false)
        #expect(body.jsonLength == nil)
        let decoded = try InferRequest(json: body.bytes, modelName: "m")
        #expect(decoded.inputs == [tensor], "\(body.bytes.text)")
        // And through a server response.
        let response = InferResponse(answering: decoded, outputs: decoded.inputs)
        let responseBody = try response.restBody()
        let back = try InferResponse(body: responseBody.bytes, jsonLength: nil)
        #expect(back.outputs == [tensor])
    }

    @Test func scalarAndEmptyTensors() throws {
        let request = try decode(
            #"{"inputs":[{"name":"s","shape":[],"datatype":"INT32","data":[5]},{"name":"b","shape":[],"datatype":"INT32","data":7},{"name":"e","shape":[0],"datatype":"FP32","data":[]}]}"#
        )
        #expect(try request.inputs[0].values(as: Int32.self) == [5])
        #expect(try request.inputs[1].values(as: Int32.self) == [7])
        #expect(request.inputs[2].elementCount == 0)
        let body = try InferResponse(answering: request, outputs: request.inputs).restBody()
        #expect(body.bytes.text.contains(#"{"name":"s","shape":[],"datatype":"INT32","parameters":null,"data":[5]}"#))
        #expect(body.bytes.text.contains(#"{"name":"e","shape":[0],"datatype":"FP32","parameters":null,"data":[]}"#))
    }

    @Test func fp16InJSONIsRefusedWithKServesMessage() {
        let error = decodeError(#"{"inputs":[{"name":"input1","shape":[3],"datatype":"FP16","data":[1.0,2.0,3.0]}]}"#)
        #expect(error?.code == .invalidInput)
        #expect(error?.message == "Sending FP16 data via JSON is not supported. Please use the binary data format for input input1")
    }

    @Test(arguments: [
        (#"{"name":"x","shape":[1],"datatype":"INT8","data":[300]}"#, "value 300 is out of range for the INT8 tensor 'x'"),
        (#"{"name":"x","shape":[1],"datatype":"INT8","data":[-129]}"#, "value -129 is out of range for the INT8 tensor 'x'"),
        (#"{"name":"x","shape":[1],"datatype":"UINT8","data":[-1]}"#, "value -1 is out of range for the UINT8 tensor 'x'"),
        (#"{"name":"x","shape":[1],"datatype":"INT32","data":[1.5]}"#, "value 1.5 is not an integer, as required by the INT32 tensor 'x'"),
        (
            #"{"name":"x","shape":[1],"datatype":"UINT64","data":[18446744073709551616]}"#,
            "value 18446744073709551616 is out of range for the UINT64 tensor 'x'"
        ),
        (#"{"name":"x","shape":[1],"datatype":"INT64","data":[1e300]}"#, "value 1e300 is out of range for the INT64 tensor 'x'"),
        (#"{"name":"x","shape":[1],"datatype":"INT64","data":[NaN]}"#, "value NaN is not an integer, as required by the INT64 tensor 'x'"),
        (#"{"name":"x","shape":[3],"datatype":"INT32","data":[1,2]}"#, "tensor 'x' has shape [3], which holds 3 elements, but 2 were given"),
        (#"{"name":"x","shape":[2],"datatype":"FOO","data":[1,2]}"#, "invalid datatype FOO in the input"),
    ])
    func contentErrorsAreInvalidInput(_ input: String, _ message: String) {
        let error = decodeError(#"{"inputs":["# + input + "]}")
        #expect(error?.code == .invalidInput)
        #expect(error?.message == message)
    }

    @Test func integralValuesInOtherFormsAreAccepted() throws {
        let request = try decode(#"{"inputs":[{"name":"x","shape":[3],"datatype":"INT64","data":[1.0,1e3,-9223372036854775808]}]}"#)
        #expect(try request.inputs[0].values(as: Int64.self) == [1, 1000, Int64.min])
    }

    @Test func nonFiniteFloatsAreReadFromPythonLiteralsAndNull() throws {
        let request = try decode(#"{"inputs":[{"name":"x","shape":[4],"datatype":"FP32","data":[NaN,Infinity,-Infinity,null]}]}"#)
        let values = try request.inputs[0].values(as: Float.self)
        #expect(values[0].isNaN && values[1] == .infinity && values[2] == -.infinity && values[3].isNaN)
        // JSON cannot carry them: they are written as null (as orjson writes them in KServe).
        let body = try InferResponse(answering: request, outputs: request.inputs).restBody()
        #expect(body.bytes.text.contains(#""data":[null,null,null,null]"#))
    }

    @Test func floatsAreDecodedExactly() throws {
        let texts = [
            "0.1", "6.8", "1e-7", "3.4028235e38", "1.401298464324817e-45", "123456789.123456789", "0.30000000000000004",
            "2.2250738585072014e-308", "9007199254740993", "-0.0",
        ]
        let request = try decode(#"{"inputs":[{"name":"x","shape":[\#(texts.count)],"datatype":"FP64","data":[\#(texts.joined(separator: ","))]}]}"#)
        #expect(try request.inputs[0].values(as: Double.self).map(\.bitPattern) == texts.map { Double($0)!.bitPattern })
    }

    @Test(arguments: [
        "", "[]", "{", #"{"inputs":"invalid"}"#, #"{"id":"1"}"#, #"{"inputs":[{"name":"x","shape":[1],"datatype":"INT32"}]}"#,
        #"{"inputs":[{"shape":[1],"datatype":"INT32","data":[1]}]}"#, #"{"inputs":[{"name":"x","datatype":"INT32","data":[1]}]}"#,
        #"{"inputs":[{"name":"x","shape":[1],"data":[1]}]}"#, #"{"inputs":[],"parameters":{"a":null}}"#,
        #"{"inputs":[],"parameters":{"a":{"b":1}}}"#, #"{"inputs":[]} x"#, #"{"inputs":[{"name":"x","shape":[1],"datatype":"INT32","data":[1,]}]}"#,
        #"{"inputs":[{"name":"x","shape":[1],"datatype":"INT32","data":[01]}]}"#,
        #"{"inputs":[{"name":"x","shape":[1.5],"datatype":"INT32","data":[1]}]}"#,
        #"{"id":5,"inputs":[]}"#, #"{"inputs":[{"name":"x","shape":[2],"datatype":"INT32","data":[[1],2]]}]}"#,
    ])
    func schemaAndSyntaxErrorsAre422(_ text: String) {
        let error = decodeError(text)
        #expect(error?.code == .invalidRequestBody, "\(text): \(String(describing: error))")
        #expect(error?.code.httpStatus == 422)
    }

    @Test func invalidUTF8InAStringIsRefused() {
        var bytes = Array(#"{"inputs":[{"name":"x","shape":[1],"datatype":"BYTES","data":[""#.utf8)
        bytes += [0xC3, 0x28]
        bytes += Array(#""]}]}"#.utf8)
        let error = expectInferenceError { _ = try InferRequest(json: bytes, modelName: "m") }
        #expect(error?.code == .invalidRequestBody)
        #expect(error?.message.hasPrefix("invalid UTF-8 in a string") == true)
    }

    @Test func escapesAndSurrogatePairs() throws {
        let request = try decode(#"{"inputs":[{"name":"x","shape":[2],"datatype":"BYTES","data":["a\"\\\/\b\f\n\r\t\u00e9","\ud83d\ude00"]}]}"#)
        #expect(try request.inputs[0].strings() == ["a\"\\/\u{8}\u{c}\n\r\té", "😀"])
        #expect(decodeError(#"{"inputs":[{"name":"x","shape":[1],"datatype":"BYTES","data":["\ud83d"]}]}"#)?.code == .invalidRequestBody)
    }

    @Test func deepNestingIsRefusedNotACrash() {
        let deep = String(repeating: "[", count: 100_000)
        #expect(decodeError(#"{"inputs":[{"name":"x","shape":[1],"datatype":"INT32","data":"# + deep + "}]}")?.code == .invalidRequestBody)
        #expect(decodeError(#"{"inputs":[],"x":"# + deep + "}")?.code == .invalidRequestBody)
    }

    @Test func parametersKeepTypesAndOrder() throws {
        let request = try decode(#"{"inputs":[],"parameters":{"s":"x","b":true,"i":-3,"f":1.5,"g":1e300}}"#)
        #expect(request.parameters.keys == ["s", "b", "i", "f", "g"])
        #expect(request.parameters["s"] == "x" && request.parameters["b"] == true && request.parameters["i"] == .int64(-3))
        #expect(request.parameters["f"] == .double(1.5) && request.parameters["g"] == .double(1e300))
    }

    @Test func responseSchemaJSONMatchesKServeByteForByte() throws {
        // test_server.py::test_requested_output (spec §2.6).
        let fp32 = try InferOutput(name: "fp32_output", shape: [8], values: [6.8, 2.8, 4.8, 1.4, 6.0, 3.4, 4.5, 1.6] as [Float])
        let fp16 = try InferOutput(name: "fp16_output", shape: [8], values: [6.8, 2.8, 4.8, 1.4, 6.0, 3.4, 4.5, 1.6] as [Float16])
        let response = InferResponse(
            id: "123", modelName: "FP16OutputModel", outputs: [fp16, fp32],
            requestedOutputs: [RequestedOutput(name: "fp32_output")])
        let body = try response.restBody()
        #expect(body.jsonLength == nil)
        #expect(
            body.bytes.text
                == #"{"model_name":"FP16OutputModel","model_version":null,"id":"123","parameters":null,"outputs":[{"name":"fp32_output","shape":[8],"datatype":"FP32","parameters":null,"data":[6.800000190734863,2.799999952316284,4.800000190734863,1.399999976158142,6.0,3.4000000953674316,4.5,1.600000023841858]}]}"#
        )
    }

    @Test func unknownRequestedOutputAndFP16AsJSONAreRefused() throws {
        let fp16 = try InferOutput(name: "fp16_output", shape: [1], values: [1] as [Float16])
        let unknown = InferResponse(id: "1", modelName: "m", outputs: [fp16], requestedOutputs: [RequestedOutput(name: "nope")])
        #expect(expectInferenceError { _ = try unknown.restBody() }?.message == "Unexpected inference output 'nope' for model 'm'")
        let json = InferResponse(id: "1", modelName: "m", outputs: [fp16])
        #expect(
            expectInferenceError { _ = try json.restBody() }?.message
                == "Sending FP16 data via JSON is not supported. Please use the binary data format for output fp16_output")
    }

    @Test func nonUTF8BytesOutputCannotBeJSON() throws {
        let output = try InferOutput(name: "b", shape: [1], byteElements: [[0xff]])
        let error = expectInferenceError { _ = try InferResponse(id: "1", modelName: "m", outputs: [output]).restBody() }
        #expect(error?.message == "element 0 of BYTES output 'b' is not valid UTF-8, which JSON cannot carry; use the binary data format")
    }

    @Test func aRepeatedKeyOfATensorCountsOnceItsLastValue() throws {
        // `data` read as FP32 and then declared FP64 (Python's `json` keeps the last key): read again as FP64.
        let wider = try decode(#"{"inputs":[{"name":"a","shape":[2],"datatype":"FP32","data":[2.5,-0.002],"datatype":"FP64"}]}"#)
        #expect(wider.inputs[0].datatype == .fp64)
        #expect(try wider.inputs[0].values(as: Double.self) == [2.5, -0.002])
        // Strings that do not read as the first datatype do as the last.
        let strings = try decode(#"{"inputs":[{"name":"b","shape":[2],"datatype":"FP32","data":["x","y"],"datatype":"BYTES"}]}"#)
        #expect(try strings.inputs[0].byteElements() == [Array("x".utf8), Array("y".utf8)])
        // Numbers read as FP32 are no BYTES: the error is the final datatype's.
        let mismatch = decodeError(#"{"inputs":[{"name":"c","shape":[2],"datatype":"FP32","data":[1.5,2],"datatype":"BYTES"}]}"#)
        #expect(mismatch?.message.contains("expected a string") == true, "\(String(describing: mismatch))")
        // A later `data` replaces an earlier one, `null` included.
        let replaced = try decode(#"{"inputs":[{"name":"d","shape":[2],"datatype":"INT32","data":null,"data":[1,2]}]}"#)
        #expect(try replaced.inputs[0].values(as: Int32.self) == [1, 2])
        let nulled = decodeError(#"{"inputs":[{"name":"e","shape":[2],"datatype":"INT32","data":[1,2],"data":null}]}"#)
        #expect(nulled != nil)
        // What was accepted is sent on as it decodes again.
        let body = try InferResponse(answering: wider, outputs: wider.inputs).restBody()
        #expect(try InferResponse(body: body.bytes, jsonLength: body.jsonLength).outputs == wider.inputs)
    }

    @Test(arguments: ["1e400", "-1e400", "-Infinity"])
    func anInfiniteParameterIsRefused(_ number: String) {
        let error = decodeError(#"{"parameters":{"p":\#(number)},"inputs":[]}"#)
        #expect(error?.message.contains("parameter 'p' must be a finite number") == true, "\(String(describing: error))")
        let inTensor = decodeError(#"{"inputs":[{"name":"a","shape":[1],"datatype":"INT32","data":[1],"parameters":{"q":\#(number)}}]}"#)
        #expect(inTensor?.message.contains("parameter 'q' must be a finite number") == true)
    }
}
