import Testing

@testable import InferenceProtocol

/// CloudEvent requests (spec §3.2) and responses (§3.3), after KServe's `TestTFHttpServerCloudEvent` and
/// `TestTFHttpServerAvroCloudEvent` (§10 item 12).
struct CloudEventTests {
    static let requestID = "36077800-0c23-4f38-a0b4-01f4369f670a"
    static let requestTime = "2021-01-28T21:04:43.144141+00:00"

    /// The headers of KServe's `dummy_cloud_event(..., set_contenttype=True)` sent with `to_binary`.
    static func binaryHeaders(contentType: String? = "application/json", extensions: [String: String] = [:]) -> [String: String] {
        var headers = [
            "ce-specversion": "1.0",
            "ce-id": requestID,
            "ce-source": "https://example.com/event-producer",
            "ce-type": "com.example.sampletype1",
            "ce-time": requestTime,
        ]
        if let contentType { headers["ce-content-type"] = contentType }
        for (name, value) in extensions { headers["ce-" + name] = value }
        return headers
    }

    /// The body of KServe's `dummy_cloud_event({"instances": [[1, 2]]})` sent with `to_structured`.
    static func structuredBody(extensions: String = "") -> [UInt8] {
        Array(
            (#"{"specversion": "1.0", "id": "\#(requestID)", "source": "https://example.com/event-producer", "#
                + #""type": "com.example.sampletype1", "time": "\#(requestTime)", "data": {"instances": [[1, 2]]}\#(extensions)}"#).utf8)
    }

    static let structuredHeaders = ["content-type": "application/cloudevents+json"]

    private func text(_ bytes: [UInt8]) -> String { String(decoding: bytes, as: UTF8.self) }

    private func header(_ response: V1Response, _ name: String) -> String? {
        response.headers.first { $0.name == name }?.value
    }

    private func decodingError(_ body: [UInt8], _ headers: [String: String]) -> InferenceError? {
        do {
            _ = try V1Request(body: body, headers: headers)
            return nil
        } catch {
            return error
        }
    }

    // MARK: Structured mode

    @Test func structuredRequestIsUnwrapped() throws {
        let request = try V1Request(body: Self.structuredBody(), headers: Self.structuredHeaders)
        #expect(request.payload == .json(["instances": [[1, 2]]]))
        #expect(request.responseMode == .structured)
        #expect(request.cloudEvent?.attributes.keys == ["specversion", "id", "source", "type", "time"])
        #expect(request.cloudEvent?.attributes["id"] == .string(Self.requestID))
    }

    @Test func structuredResponseHasNewAttributes() throws {
        let request = try V1Request(body: Self.structuredBody(), headers: Self.structuredHeaders)
        let response = V1Response(
            .json(["predictions": [[1, 2]]]), answering: request, modelName: "TestModel",
            settings: CloudEventSettings(), id: "new-id", time: "2030-01-01T00:00:00.000000+00:00")
        #expect(response.headers.map(\.name) == ["content-type"])
        #expect(response.headers.map(\.value) == ["application/cloudevents+json"])
        #expect(
            text(response.body)
                == #"{"specversion": "1.0", "id": "new-id", "source": "io.kserve.inference.TestModel", "type": "io.kserve.inference.response", "#
                + #""time": "2030-01-01T00:00:00.000000+00:00", "data": {"predictions": [[1, 2]]}}"#)
    }

    @Test func structuredResponseGetsAFreshIDAndALaterTime() throws {
        let request = try V1Request(body: Self.structuredBody(), headers: Self.structuredHeaders)
        let response = V1Response(
            .json(["predictions": [[1, 2]]]), answering: request, modelName: "TestModel",
            cloudEventSettings: CloudEventSettings())
        let body = try V1Request.decodeForTest(response.body)
        let id = try #require(body["id"]?.stringValue)
        #expect(id != Self.requestID)
        #expect(id.count == 36 && id == id.lowercased())
        #expect(id.split(separator: "-").map(\.count) == [8, 4, 4, 4, 12])
        #expect(Array(id)[14] == "4")  // version 4
        #expect(try #require(body["time"]?.stringValue) > Self.requestTime)
        #expect(body["specversion"] == "1.0")
        #expect(body["source"] == "io.kserve.inference.TestModel")
        #expect(body["type"] == "io.kserve.inference.response")
        #expect(body["data"] == ["predictions": [[1, 2]]])
    }

    @Test func sourceAndTypeOverrides() throws {
        let settings = CloudEventSettings.fromEnvironment(["CE_SOURCE": "io.kserve.inference.CustomSource", "CE_TYPE": "io.kserve.custom_type"])
        let structured = try V1Request(body: Self.structuredBody(), headers: Self.structuredHeaders)
        let body = try V1Request.decodeForTest(
            V1Response(.json(["predictions": [[1, 2]]]), answering: structured, modelName: "TestModel", cloudEventSettings: settings).body)
        #expect(body["source"] == "io.kserve.inference.CustomSource")
        #expect(body["type"] == "io.kserve.custom_type")
        #expect(body["data"] == ["predictions": [[1, 2]]])

        let binary = try V1Request(body: Array(#"{"instances": [[1, 2]]}"#.utf8), headers: Self.binaryHeaders())
        let response = V1Response(.json(["predictions": [[1, 2]]]), answering: binary, modelName: "TestModel", cloudEventSettings: settings)
        #expect(header(response, "ce-source") == "io.kserve.inference.CustomSource")
        #expect(header(response, "ce-type") == "io.kserve.custom_type")
    }

    @Test func mergeKeepsStructuredExtensions() throws {
        let request = try V1Request(body: Self.structuredBody(extensions: #", "custom-extension": "custom-value""#), headers: Self.structuredHeaders)
        #expect(request.cloudEvent?.attributes["custom-extension"] == "custom-value")
        let response = V1Response(
            .json(["predictions": [[1, 2]]]), answering: request, modelName: "TestModel",
            settings: CloudEventSettings.fromEnvironment(["CE_MERGE": "true"]), id: "new-id", time: "T")
        #expect(
            text(response.body)
                == #"{"specversion": "1.0", "id": "new-id", "source": "io.kserve.inference.TestModel", "type": "io.kserve.inference.response", "#
                + #""time": "T", "data": {"predictions": [[1, 2]]}, "custom-extension": "custom-value"}"#)
    }

    @Test func withoutMergeExtensionsAreDropped() throws {
        let request = try V1Request(body: Self.structuredBody(extensions: #", "custom-extension": "custom-value""#), headers: Self.structuredHeaders)
        let body = try V1Request.decodeForTest(
            V1Response(.json(["predictions": [[1, 2]]]), answering: request, modelName: "TestModel", cloudEventSettings: CloudEventSettings()).body)
        #expect(body["custom-extension"] == nil)
    }

    @Test func cloudEventsContentTypeWithAPlainBodyStillGetsACloudEventResponse() throws {
        let request = try V1Request(body: Array(#"{"instances":[[1,2]]}"#.utf8), headers: Self.structuredHeaders)
        #expect(request.payload == .json(["instances": [[1, 2]]]))
        #expect(request.cloudEvent == nil)
        #expect(request.responseMode == .structured)
        // KServe 0.20 fails with a KeyError here when CE_MERGE is set; Swift starts from fresh attributes.
        let response = V1Response(
            .json(["predictions": [[1, 2]]]), answering: request, modelName: "m",
            settings: CloudEventSettings(merge: true), id: "i", time: "T")
        #expect(
            text(response.body)
                == #"{"specversion": "1.0", "id": "i", "source": "io.kserve.inference.m", "type": "io.kserve.inference.response", "#
                + #""time": "T", "data": {"predictions": [[1, 2]]}}"#)
    }

    @Test func structuredRawResultIsBase64() {
        let request = V1Request(payload: .json(nil), responseMode: .structured)
        let response = V1Response(
            .raw(bytes: [0, 1, 2, 0xFF], contentType: "application/avro"), answering: request, modelName: "m",
            settings: CloudEventSettings(), id: "i", time: "T")
        #expect(
            text(response.body)
                == #"{"specversion": "1.0", "id": "i", "source": "io.kserve.inference.m", "type": "io.kserve.inference.response", "#
                + #""datacontenttype": "application/avro", "time": "T", "data_base64": "AAEC/w=="}"#)
    }

    // MARK: Binary mode

    @Test func binaryRequestDataIsParsed() throws {
        let request = try V1Request(body: Array(#"{"instances": [[1, 2]]}"#.utf8), headers: Self.binaryHeaders())
        #expect(request.payload == .json(["instances": [[1, 2]]]))
        #expect(request.responseMode == .binary)
        #expect(request.cloudEvent?.attributes.keys == ["specversion", "id", "source", "type", "time", "content-type"])
        #expect(request.cloudEvent?.attributes["content-type"] == "application/json")
    }

    @Test func binaryResponse() throws {
        let request = try V1Request(body: Array(#"{"instances":[[1,2]]}"#.utf8), headers: Self.binaryHeaders())
        let response = V1Response(
            .json(["predictions": [[1, 2]]]), answering: request, modelName: "TestModel",
            settings: CloudEventSettings(), id: "new-id", time: "T")
        #expect(response.body == Array(#"{"predictions": [[1, 2]]}"#.utf8))
        #expect(response.headers.map(\.name) == ["content-type", "ce-specversion", "ce-id", "ce-source", "ce-type", "ce-time"])
        #expect(
            response.headers.map(\.value)
                == ["application/json", "1.0", "new-id", "io.kserve.inference.TestModel", "io.kserve.inference.response", "T"])
    }

    @Test func binaryResponseWithFreshIDAndTime() throws {
        let request = try V1Request(body: Array(#"{"instances":[[1,2]]}"#.utf8), headers: Self.binaryHeaders())
        let response = V1Response(
            .json(["predictions": [[1, 2]]]), answering: request, modelName: "TestModel",
            cloudEventSettings: .fromEnvironment([:]))
        #expect(response.body == Array(#"{"predictions": [[1, 2]]}"#.utf8))
        #expect(header(response, "content-type") == "application/json")
        #expect(header(response, "ce-specversion") == "1.0")
        #expect(header(response, "ce-id") != Self.requestID)
        #expect(header(response, "ce-source") == "io.kserve.inference.TestModel")
        #expect(header(response, "ce-type") == "io.kserve.inference.response")
        #expect(try #require(header(response, "ce-time")) > Self.requestTime)
    }

    @Test func mergeKeepsBinaryExtensionsAndDropsTheDataContentType() throws {
        var headers = Self.binaryHeaders(extensions: ["custom-extension": "custom-value"])
        headers["content-type"] = "application/json"
        let request = try V1Request(body: Array(#"{"instances":[[1,2]]}"#.utf8), headers: headers)
        #expect(request.cloudEvent?.attributes["datacontenttype"] == "application/json")
        let response = V1Response(
            .json(["predictions": [[1, 2]]]), answering: request, modelName: "TestModel",
            settings: CloudEventSettings(merge: true), id: "new-id", time: "T")
        #expect(response.body == Array(#"{"predictions": [[1, 2]]}"#.utf8))
        #expect(
            response.headers.map(\.name)
                == ["content-type", "ce-specversion", "ce-id", "ce-source", "ce-type", "ce-time", "ce-content-type", "ce-custom-extension"])
        #expect(header(response, "ce-custom-extension") == "custom-value")
        #expect(header(response, "ce-id") == "new-id")
        #expect(header(response, "ce-time") == "T")
        #expect(header(response, "ce-source") == "io.kserve.inference.TestModel")
        #expect(header(response, "content-type") == "application/json")
    }

    @Test func binaryResponseEscapesNonASCIIAndWritesNonFiniteAsNull() {
        let request = V1Request(payload: .json(nil), responseMode: .binary)
        let response = V1Response(
            .json(["label": "café 😀", "n": [1.5, 2, .double(.nan), 1e-05, 1e16]]), answering: request, modelName: "m",
            settings: CloudEventSettings(), id: "i", time: "T")
        #expect(text(response.body) == #"{"label": "caf\u00e9 \ud83d\ude00", "n": [1.5, 2, null, 1e-05, 1e+16]}"#)
    }

    @Test func badJSONDataIs400() {
        let error = decodingError(Array("{".utf8), Self.binaryHeaders())
        #expect(error?.code == .invalidInput)
        #expect(error?.code.httpStatus == 400)
        #expect(error?.message.hasPrefix("Failed to decode or parse binary json cloudevent: ") == true)
        #expect(error?.message == "Failed to decode or parse binary json cloudevent: unexpected end of JSON, expected a string at byte 1")
    }

    @Test func badUTF8DataIs400WithPythonsMessage() {
        let body: [UInt8] = [0x30, 0x80, 0x80, 0x06] + Array("World!".utf8) + [0, 0]
        let error = decodingError(body, Self.binaryHeaders(contentType: "application/cloudevents+json"))
        #expect(
            error?.message
                == "Failed to decode or parse binary json cloudevent: 'utf-8' codec can't decode byte 0x80 in position 1: invalid start byte")
    }

    @Test func avroDataIsPassedThrough() throws {
        // {"name": "foo", "favorite_number": 1, "favorite_color": "pink"} in Avro's binary encoding.
        let avro: [UInt8] = [0x06, 0x66, 0x6F, 0x6F, 0x00, 0x02, 0x00, 0x08, 0x70, 0x69, 0x6E, 0x6B]
        let request = try V1Request(body: avro, headers: Self.binaryHeaders(contentType: "application/avro"))
        #expect(request.payload == .raw(bytes: avro, contentType: "application/avro"))
        #expect(request.responseMode == .binary)

        let response = V1Response(
            .json(["predictions": [["foo", 1, "pink"]]]), answering: request, modelName: "TestModel",
            settings: CloudEventSettings(), id: "i", time: "T")
        #expect(response.body == Array(#"{"predictions": [["foo", 1, "pink"]]}"#.utf8))
        #expect(header(response, "content-type") == "application/json")
    }

    @Test func undeclaredNonJSONDataIsPassedThrough() throws {
        let body: [UInt8] = [0xFF, 0x00, 0x01]
        let request = try V1Request(body: body, headers: Self.binaryHeaders(contentType: nil))
        #expect(request.payload == .raw(bytes: body, contentType: nil))
        var headers = Self.binaryHeaders(contentType: nil)
        headers["content-type"] = "application/protobuf"
        let typed = try V1Request(body: body, headers: headers)
        #expect(typed.payload == .raw(bytes: body, contentType: "application/protobuf"))
    }

    @Test func binaryModeWinsOverTheContentType() throws {
        var headers = Self.binaryHeaders()
        headers["content-type"] = "text/plain"
        let request = try V1Request(body: Array(#"{"instances":[[1,2]]}"#.utf8), headers: headers)
        #expect(request.payload == .json(["instances": [[1, 2]]]))
        #expect(request.cloudEvent?.attributes["datacontenttype"] == "text/plain")
        #expect(request.responseMode == .binary)
    }

    @Test func binaryDataIsNotUnwrappedAsAStructuredEvent() throws {
        let request = try V1Request(body: Self.structuredBody(), headers: Self.binaryHeaders())
        #expect(request.payload.jsonForTest?["data"] == ["instances": [[1, 2]]])
        #expect(request.cloudEvent?.attributes["id"] == .string(Self.requestID))
    }

    @Test(arguments: ["ce-specversion", "ce-source", "ce-type", "ce-id"])
    func threeOfTheFourHeadersAreNotACloudEvent(missing: String) throws {
        var headers = Self.binaryHeaders()
        headers[missing] = nil
        let request = try V1Request(body: Array(#"{"instances":[[1,2]]}"#.utf8), headers: headers)
        #expect(request.cloudEvent == nil)
        #expect(request.responseMode == nil)
        #expect(request.payload == .json(["instances": [[1, 2]]]))
    }

    @Test func unsupportedSpecVersionIs400() {
        var headers = Self.binaryHeaders()
        headers["ce-specversion"] = "2.0"
        let error = decodingError(Array("{}".utf8), headers)
        #expect(error?.code == .invalidInput)
        #expect(error?.message == "Cloud Event Exceptions: Found invalid specversion 2.0")
        headers["ce-specversion"] = "0.3"
        #expect(decodingError(Array("{}".utf8), headers) == nil)
    }

    @Test func binaryAttributesAreOrderedStandardFirstThenExtensionsByName() throws {
        var headers = Self.binaryHeaders(extensions: ["zeta": "z", "alpha": "a", "subject": "s"])
        headers["x-request-id"] = "r"
        headers["ce-"] = "empty name"
        let event = try CloudEvent(binaryModeHeaders: headers)
        #expect(event.attributes.keys == ["specversion", "id", "source", "type", "subject", "time", "alpha", "content-type", "zeta"])
    }

    @Test func inferResponseIsWrappedAsJSONData() throws {
        let output = try InferOutput(name: "out", shape: [2], values: [Int32(1), 2])
        let inferResponse = InferResponse(id: "1", modelName: "m", outputs: [output])
        let request = V1Request(payload: .json(nil), responseMode: .binary)
        let response = try V1Response(inferResponse, answering: request, modelName: "m", cloudEventSettings: CloudEventSettings())
        let expected = try V1Request.decodeForTest(inferResponse.restBody().bytes)
        #expect(try V1Request.decodeForTest(response.body) == expected)
        #expect(text(response.body).contains(#"": "#))
        #expect(header(response, "content-type") == "application/json")

        var binary = inferResponse
        binary.useBinaryOutputs = true
        let binaryResponse = try V1Response(binary, answering: request, modelName: "m", cloudEventSettings: CloudEventSettings())
        let rest = try binary.restBody()
        #expect(binaryResponse.body == rest.bytes)
        #expect(header(binaryResponse, "inference-header-content-length") == rest.jsonLength.map { String($0) })
        #expect(header(binaryResponse, "ce-specversion") == "1.0")
    }

    // MARK: Settings, time, UTF-8 messages

    @Test func settingsFromEnvironment() {
        #expect(CloudEventSettings.fromEnvironment([:]) == CloudEventSettings(source: nil, type: nil, merge: false))
        #expect(CloudEventSettings.fromEnvironment(["CE_MERGE": "TRUE"]).merge)
        #expect(CloudEventSettings.fromEnvironment(["CE_MERGE": "True"]).merge)
        #expect(!CloudEventSettings.fromEnvironment(["CE_MERGE": "1"]).merge)
        #expect(!CloudEventSettings.fromEnvironment(["CE_MERGE": "yes"]).merge)
        #expect(CloudEventSettings.fromEnvironment(["CE_SOURCE": "", "CE_TYPE": "t"]) == CloudEventSettings(source: "", type: "t"))
    }

    @Test(arguments: [
        (Int64(0), "1970-01-01T00:00:00.000000+00:00"),
        (1_611_867_883_144_141, "2021-01-28T21:04:43.144141+00:00"),
        (1_709_251_199_999_999, "2024-02-29T23:59:59.999999+00:00"),
        (-1, "1969-12-31T23:59:59.999999+00:00"),
    ])
    func timestamps(micros: Int64, expected: String) {
        #expect(CloudEvent.timestamp(microsecondsSince1970: micros) == expected)
    }

    @Test func nowIsAfterTheRequestTime() {
        let now = CloudEvent.now()
        #expect(now > Self.requestTime)
        #expect(now.hasSuffix("+00:00") && now.count == 32)
    }

    @Test(arguments: [
        ([0xE2, 0x82] as [UInt8], "'utf-8' codec can't decode bytes in position 0-1: unexpected end of data"),
        ([0xE2, 0x41], "'utf-8' codec can't decode byte 0xe2 in position 0: invalid continuation byte"),
        ([0xE2, 0x82, 0x41], "'utf-8' codec can't decode bytes in position 0-1: invalid continuation byte"),
        ([0xED, 0xA0, 0x80], "'utf-8' codec can't decode byte 0xed in position 0: invalid continuation byte"),
        ([0xC0], "'utf-8' codec can't decode byte 0xc0 in position 0: invalid start byte"),
        ([0xF0, 0x9F, 0x98], "'utf-8' codec can't decode bytes in position 0-2: unexpected end of data"),
        ([0x61, 0x62, 0xF4, 0x90, 0x80, 0x80], "'utf-8' codec can't decode byte 0xf4 in position 2: invalid continuation byte"),
        ([0x0A, 0xFF], "'utf-8' codec can't decode byte 0xff in position 1: invalid start byte"),
    ])
    func pythonUTF8Messages(bytes: [UInt8], expected: String) {
        #expect(bytes.withUnsafeBytes { pythonUTF8DecodingError($0) } == expected)
    }

    @Test func validUTF8HasNoMessage() {
        let bytes = Array("aé€😀\u{10FFFF}".utf8)
        #expect(bytes.withUnsafeBytes { pythonUTF8DecodingError($0) } == nil)
        #expect([UInt8]().withUnsafeBytes { pythonUTF8DecodingError($0) } == nil)
    }
}

extension V1Request {
    /// Parses a JSON document in a test.
    fileprivate static func decodeForTest(_ bytes: [UInt8]) throws -> JSONValue {
        try withBytes(of: bytes) { (buffer) throws(InferenceError) in try parseJSON(buffer) }
    }
}

extension V1Payload {
    /// The JSON value, if this is JSON.
    fileprivate var jsonForTest: JSONValue? {
        if case .json(let value) = self { value } else { nil }
    }
}
