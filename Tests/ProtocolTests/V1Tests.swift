import Testing

@testable import InferenceProtocol

/// REST v1 decoding (spec §3.1–3.2 without CloudEvents), plain v1 responses (§2.5) and the validate rule (§7.2).
struct V1Tests {
    private func decode(_ body: String, _ headers: [String: String] = [:]) throws(InferenceError) -> V1Request {
        try V1Request(body: Array(body.utf8), headers: headers)
    }

    private func decodingError(_ body: [UInt8], _ headers: [String: String] = [:]) -> InferenceError? {
        do {
            _ = try V1Request(body: body, headers: headers)
            return nil
        } catch {
            return error
        }
    }

    // MARK: Decoding

    @Test func predictBodyWithoutContentTypeIsJSON() throws {
        let request = try decode(#"{"instances":[[1,2]]}"#)
        #expect(request.payload == .json(["instances": [[1, 2]]]))
        #expect(request.cloudEvent == nil)
        #expect(request.responseMode == nil)
    }

    @Test(arguments: ["application/json", "application/cloudevents+json", "application/ld+json", "application/octet-stream"])
    func jsonContentTypesAreParsed(contentType: String) throws {
        let request = try decode(#"{"instances": [[1.5, -2, "a", true, null]]}"#, ["content-type": contentType])
        #expect(request.payload == .json(["instances": [[1.5, -2, "a", true, nil]]]))
        #expect(request.cloudEvent == nil)
    }

    @Test(arguments: ["application/json; charset=utf-8", "application/x-www-form-urlencoded", "text/plain", "Application/JSON", "image/png"])
    func otherContentTypesPassRawBytes(contentType: String) throws {
        let body: [UInt8] = Array(#"{"instances":[[1,2]]}"#.utf8) + [0xFF]
        let request = try V1Request(body: body, headers: ["content-type": contentType])
        #expect(request.payload == .raw(bytes: body, contentType: contentType))
        #expect(request.cloudEvent == nil)
        #expect(request.responseMode == nil)
    }

    @Test func pointerAndArrayInitializersAgree() throws {
        let body = Array(#"{"instances":[[1,2]],"x":{"y":"z"}}"#.utf8)
        let fromPointer = try body.withUnsafeBytes { try V1Request(body: $0, headers: [:]) }
        #expect(fromPointer == (try V1Request(body: body, headers: [:])))
        let raw = try body.withUnsafeBytes { try V1Request(body: $0, headers: ["content-type": "text/plain"]) }
        #expect(raw.payload == .raw(bytes: body, contentType: "text/plain"))
    }

    @Test func keyOrderIsKept() throws {
        let request = try decode(#"{"b":1,"a":2,"c":{"z":1,"y":2}}"#)
        guard case .json(.object(let object)) = request.payload else {
            Issue.record("expected an object")
            return
        }
        #expect(object.keys == ["b", "a", "c"])
        #expect(object["c"]?.objectValue?.keys == ["z", "y"])
    }

    @Test(arguments: [
        (#"{"instances":"#, "Unrecognized request format: unexpected end of JSON, expected a number at byte 13"),
        ("", "Unrecognized request format: unexpected end of JSON, expected a number at byte 0"),
        (#"{"instances":[1,2]} x"#, "Unrecognized request format: unexpected data after the JSON value at byte 20"),
        ("{instances: 1}", "Unrecognized request format: unexpected 'i', expected a string at byte 1"),
        ("[1,]", "Unrecognized request format: unexpected ']', expected a number at byte 3"),
    ])
    func invalidJSONIs400(body: String, message: String) {
        let error = decodingError(Array(body.utf8), ["content-type": "application/json"])
        #expect(error?.code == .invalidInput)
        #expect(error?.code.httpStatus == 400)
        #expect(error?.message == message)
    }

    @Test func invalidJSONWithoutContentTypeIs400() {
        let error = decodingError(Array("not json".utf8))
        #expect(error?.message.hasPrefix("Unrecognized request format: ") == true)
        #expect(error?.code.httpStatus == 400)
    }

    @Test func invalidUTF8InAStringIs400() {
        let body: [UInt8] = Array(#"{"text":""#.utf8) + [0xC3, 0x28] + Array(#""}"#.utf8)
        let error = decodingError(body)
        #expect(error?.code == .invalidInput)
        #expect(error?.message == "Unrecognized request format: invalid UTF-8 in a string at byte 8")
    }

    @Test func validUTF8IsDecoded() throws {
        let request = try decode(#"{"text":"café 😀 \u00e9\ud83d\ude00"}"#)
        #expect(request.payload == .json(["text": "café 😀 é😀"]))
    }

    @Test func deepNestingIsRejectedWithoutCrashing() throws {
        let deep = String(repeating: "[", count: 100_000) + String(repeating: "]", count: 100_000)
        let error = decodingError(Array(deep.utf8))
        #expect(error?.code == .invalidInput)
        #expect(error?.message == "Unrecognized request format: JSON nested too deeply at byte 512")

        let allowed = String(repeating: "[", count: 500) + String(repeating: "]", count: 500)
        var value = try decode(allowed).payload
        var depth = 0
        while case .json(.array(let elements)) = value, let first = elements.first {
            value = .json(first)
            depth += 1
        }
        #expect(depth == 499)
    }

    @Test func pythonNonFiniteLiteralsAreAccepted() throws {
        let request = try decode(#"{"x":[NaN,Infinity,-Infinity]}"#)
        guard case .json(let value) = request.payload, let numbers = value["x"]?.arrayValue else {
            Issue.record("expected an array")
            return
        }
        #expect(numbers[0].doubleValue?.isNaN == true)
        #expect(numbers[1] == .double(.infinity))
        #expect(numbers[2] == .double(-.infinity))
    }

    @Test func structuredLookingBodyPostedAsJSONIsUnwrappedButNotAnsweredAsACloudEvent() throws {
        let body = #"{"time":"t","type":"x","source":"s","id":"1","specversion":"1.0","data":{"instances":[[1,2]]}}"#
        let request = try decode(body, ["content-type": "application/json"])
        #expect(request.payload == .json(["instances": [[1, 2]]]))
        #expect(request.cloudEvent == CloudEvent(attributes: ["time": "t", "type": "x", "source": "s", "id": "1", "specversion": "1.0"]))
        #expect(request.responseMode == nil)
    }

    @Test func objectMissingOneCloudEventKeyIsNotUnwrapped() throws {
        let body = #"{"type":"x","source":"s","id":"1","specversion":"1.0","data":{"instances":[[1,2]]}}"#
        let request = try decode(body)
        #expect(request.cloudEvent == nil)
        #expect(request.payload == .json(["type": "x", "source": "s", "id": "1", "specversion": "1.0", "data": ["instances": [[1, 2]]]]))
    }

    @Test func nonObjectJSONIsNotACloudEvent() throws {
        let request = try decode(#"["time","type","source","id","specversion","data"]"#)
        #expect(request.cloudEvent == nil)
        #expect(request.payload == .json(["time", "type", "source", "id", "specversion", "data"]))
    }

    // MARK: Plain responses

    @Test func jsonResultIsCompact() {
        let response = V1Response(.json(["predictions": [[1, 2]]]))
        #expect(response.body == Array(#"{"predictions":[[1,2]]}"#.utf8))
        #expect(response.headers.map(\.name) == ["content-type"])
        #expect(response.headers.map(\.value) == ["application/json"])
    }

    @Test func jsonResultKeepsNonASCIIAndWritesNonFiniteAsNull() {
        let response = V1Response(.json(["label": "café 😀", "scores": [.double(.nan), .double(.infinity), .double(-.infinity), 0.5]]))
        #expect(String(decoding: response.body, as: UTF8.self) == #"{"label":"café 😀","scores":[null,null,null,0.5]}"#)
    }

    @Test func answeringAPlainRequestIsPlain() {
        let request = V1Request(payload: .json(["instances": [[1, 2]]]))
        let response = V1Response(
            .json(["predictions": [[1, 2]]]), answering: request, modelName: "TestModel",
            cloudEventSettings: CloudEventSettings(source: "x", type: "y", merge: true))
        #expect(response.body == Array(#"{"predictions":[[1,2]]}"#.utf8))
        #expect(response.headers.map(\.name) == ["content-type"])
    }

    @Test func rawResultIsSentAsIs() {
        let bytes: [UInt8] = [0, 1, 2, 0xFF]
        let plain = V1Response(.raw(bytes: bytes, contentType: nil))
        #expect(plain.body == bytes)
        #expect(plain.headers.isEmpty)
        let typed = V1Response(.raw(bytes: bytes, contentType: "image/png"))
        #expect(typed.body == bytes)
        #expect(typed.headers.map(\.name) == ["content-type"])
        #expect(typed.headers.map(\.value) == ["image/png"])
    }

    @Test func inferResponseResultIsTheV2RESTBody() throws {
        let output = try InferOutput(name: "out", shape: [2], values: [Int32(1), 2])
        let inferResponse = InferResponse(id: "1", modelName: "m", outputs: [output])
        let response = try V1Response(inferResponse)
        #expect(response.body == (try inferResponse.restBody().bytes))
        #expect(response.headers.map(\.name) == ["content-type"])
        #expect(response.headers.map(\.value) == ["application/json"])

        var binary = inferResponse
        binary.useBinaryOutputs = true
        let binaryResponse = try V1Response(binary)
        let rest = try binary.restBody()
        #expect(binaryResponse.body == rest.bytes)
        #expect(binaryResponse.headers.map(\.name) == ["content-type", "inference-header-content-length"])
        #expect(binaryResponse.headers.map(\.value) == ["application/octet-stream", String(rest.jsonLength ?? -1)])
    }

    // MARK: validate (§7.2)

    @Test func instancesMustBeAList() throws {
        let payload = try decode(#"{"instances":"invalid"}"#).payload
        #expect(throws: InferenceError.self) { try payload.validate() }
        do {
            try payload.validate()
        } catch {
            #expect(error.code == .invalidInput)
            #expect(error.message == #"Expected "instances" to be a list"#)
        }
        try V1Payload.json(["instances": [[1, 2]]]).validate()
        try V1Payload.json(["inputs": "invalid"]).validate()
    }

    @Test func inputsMustBeAListForAV2Predictor() throws {
        do {
            try V1Payload.json(["inputs": "invalid"]).validate(listKey: .inputs)
            Issue.record("expected an error")
        } catch {
            #expect(error.code == .invalidInput)
            #expect(error.message == #"Expected "inputs" to be a list"#)
        }
        try V1Payload.json(["inputs": []]).validate(listKey: .inputs)
        try V1Payload.json(["instances": "invalid"]).validate(listKey: .inputs)
    }

    @Test func nullInstancesAreNotAList() {
        #expect(throws: InferenceError.self) { try V1Payload.json(["instances": nil]).validate() }
    }

    @Test func validateIgnoresEverythingElse() throws {
        try V1Payload.json(["predictions": "x"]).validate()
        try V1Payload.json(["instances", "inputs"]).validate()
        try V1Payload.json("instances").validate(listKey: .inputs)
        try V1Payload.raw(bytes: Array(#"{"instances":"invalid"}"#.utf8), contentType: "text/plain").validate()
    }
}
