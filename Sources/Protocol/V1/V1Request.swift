/// What a v1 `:predict` or `:explain` request hands to the model: KServe's decoded v1 `body`.
public enum V1Payload: Sendable, Equatable {
    /// A JSON document, usually `{"instances": [...]}`; for a CloudEvent, its `data`.
    case json(JSONValue)
    /// Bytes passed through unparsed: a body whose `content-type` is not a JSON type (e.g. `text/plain`,
    /// `application/json; charset=utf-8`), or binary CloudEvent data that is not JSON (e.g. Avro).
    /// `contentType` is the request's `content-type`, or for CloudEvent data its `datacontenttype`, else its
    /// `content-type` extension attribute.
    case raw(bytes: [UInt8], contentType: String?)
}

extension V1Payload {
    /// The top-level key that KServe's `validate` step requires to hold a list.
    public enum ListKey: String, Sendable {
        /// `instances`: checked when the predictor speaks v1, and in standalone mode.
        case instances
        /// `inputs`: checked when the predictor speaks REST v2.
        case inputs
    }

    /// KServe's `Model.validate` for a v1 payload (spec §7.2): a JSON object whose `key` is present but not an
    /// array is rejected. Anything else (other JSON, raw bytes) passes.
    /// - Parameter key: `instances` (predictor protocol v1, the default) or `inputs` (v2).
    /// - Throws: `invalidInput` `Expected "instances" to be a list` (or `"inputs"`), HTTP 400.
    public func validate(listKey key: ListKey = .instances) throws(InferenceError) {
        guard case .json(.object(let object)) = self, let value = object[key.rawValue] else { return }
        guard case .array = value else { throw .invalidInput("Expected \"\(key.rawValue)\" to be a list") }
    }
}

/// A decoded v1 `:predict` / `:explain` request body (spec §3.2): the payload for the model, the CloudEvent it
/// came in if any, and whether the response must be a CloudEvent.
public struct V1Request: Sendable, Equatable {
    /// What the model receives.
    public var payload: V1Payload
    /// The attributes of the CloudEvent that carried the payload: from the `ce-*` headers (binary mode) or from
    /// a JSON body with `time`, `type`, `source`, `id`, `specversion` and `data` (structured mode).
    public var cloudEvent: CloudEvent?
    /// How the response is wrapped (spec §3.3): `.binary` when the request had the four `ce-*` headers,
    /// `.structured` when its `content-type` is exactly `application/cloudevents+json`, `nil` for a plain
    /// response. Independent of ``cloudEvent``: a structured event posted as `application/json` is unwrapped
    /// but answered plainly.
    public var responseMode: CloudEvent.Mode?
    /// The text of the payload's large arrays of numbers, so that the untouched ones are written out again as the
    /// text they came in (``JSONSourceText``); `nil` when the payload has none. Not part of the request's value:
    /// two requests with the same payload are equal whatever text they were read from.
    package var sourceText: JSONSourceText?

    /// Creates a request from its parts.
    /// - Parameters:
    ///   - payload: What the model receives.
    ///   - cloudEvent: The event that carried the payload, if any.
    ///   - responseMode: How the response is wrapped, if at all.
    public init(payload: V1Payload, cloudEvent: CloudEvent? = nil, responseMode: CloudEvent.Mode? = nil) {
        self.payload = payload
        self.cloudEvent = cloudEvent
        self.responseMode = responseMode
    }

    /// Decodes a v1 request body as KServe's `DataPlane.decode` does (spec §3.2).
    ///
    /// 1. The four `ce-specversion`, `ce-source`, `ce-type`, `ce-id` headers → binary CloudEvent: its data is
    ///    decoded as UTF-8 JSON; if that fails it goes to the model as raw bytes (e.g. Avro), unless the event's
    ///    `content-type` attribute (`ce-content-type` header) says `application/json` or
    ///    `application/cloudevents+json`.
    /// 2. Else a `content-type` that is not exactly `application/json`, `application/cloudevents+json`,
    ///    `application/ld+json` or `application/octet-stream` → raw bytes.
    /// 3. Else JSON; an object with `time`, `type`, `source`, `id`, `specversion` and `data` is a structured
    ///    CloudEvent and the model receives its `data`.
    /// - Parameters:
    ///   - body: The request body.
    ///   - headers: The request headers, names in lower case.
    /// - Throws: `invalidInput` (400): `Unrecognized request format: <detail>` for a body that is not JSON,
    ///   `Cloud Event Exceptions: <detail>` for an unsupported `ce-specversion`,
    ///   `Failed to decode or parse binary json cloudevent: <detail>` for declared-JSON event data that is not.
    public init(body: UnsafeRawBufferPointer, headers: [String: String]) throws(InferenceError) {
        self = try V1Request.decode(body, owned: nil, headers: headers, owner: nil)
    }

    /// Decodes a v1 request body as the public initializer does, keeping the text of its large number arrays
    /// (``sourceText``) in `body` itself instead of a copy: `owner` must keep that memory alive and unchanged.
    /// - Parameters:
    ///   - body: The request body.
    ///   - headers: The request headers, names in lower case.
    ///   - owner: What keeps `body` alive; `nil` copies the text (a body shorter than
    ///     ``JSONSourceText/minimumLength`` has none to keep).
    /// - Throws: As the public initializer.
    package init(
        body: UnsafeRawBufferPointer, headers: [String: String], sharingWith owner: (any AnyObject & Sendable)?
    ) throws(InferenceError) {
        self = try V1Request.decode(body, owned: nil, headers: headers, owner: owner)
    }

    /// Decodes a v1 request body held in an array, as the `UnsafeRawBufferPointer` initializer does.
    /// - Parameters:
    ///   - body: The request body.
    ///   - headers: The request headers, names in lower case.
    /// - Throws: As the `UnsafeRawBufferPointer` initializer.
    public init(body: [UInt8], headers: [String: String]) throws(InferenceError) {
        self = try withBytes(of: body) { (bytes) throws(InferenceError) in
            try V1Request.decode(bytes, owned: body, headers: headers, owner: nil)
        }
    }

    /// The content types KServe parses as JSON (any other content type means raw bytes).
    static let jsonContentTypes = ["application/json", "application/cloudevents+json", "application/ld+json", "application/octet-stream"]

    /// The values of a binary event's `content-type` attribute under which undecodable data is an error.
    static let declaredJSONTypes = ["application/json", "application/cloudevents+json"]

    /// The decoder; `owned` is `bytes` as an array when the caller has one, so raw payloads need no copy.
    private static func decode(
        _ bytes: UnsafeRawBufferPointer, owned: [UInt8]?, headers: [String: String], owner: (any AnyObject & Sendable)?
    ) throws(InferenceError)
        -> V1Request
    {
        if CloudEvent.hasBinaryModeHeaders(headers) {
            let event = try CloudEvent(binaryModeHeaders: headers)
            let payload: V1Payload
            var sourceText: JSONSourceText?
            do throws(InferenceError) {
                if let failure = pythonUTF8DecodingError(bytes) { throw .invalidInput(failure) }
                let value: JSONValue
                (value, sourceText) = try parseJSON(bytes, keepingTextSharedWith: owner)
                payload = .json(value)
            } catch {
                let declaredType = event.attributes["content-type"]?.stringValue
                if let declaredType, declaredJSONTypes.contains(declaredType) {
                    throw .invalidInput("Failed to decode or parse binary json cloudevent: \(error.message)")
                }
                let contentType = event.attributes["datacontenttype"]?.stringValue ?? declaredType
                payload = .raw(bytes: owned ?? Array(bytes), contentType: contentType)
            }
            var request = V1Request(payload: payload, cloudEvent: event, responseMode: .binary)
            request.sourceText = sourceText
            return request
        }

        let contentType = headers["content-type"]
        if let contentType, !jsonContentTypes.contains(contentType) {
            return V1Request(payload: .raw(bytes: owned ?? Array(bytes), contentType: contentType))
        }
        let value: JSONValue
        let sourceText: JSONSourceText?
        do throws(InferenceError) {
            (value, sourceText) = try parseJSON(bytes, keepingTextSharedWith: owner)
        } catch {
            throw .invalidInput("Unrecognized request format: \(error.message)")
        }
        let responseMode: CloudEvent.Mode? = contentType == "application/cloudevents+json" ? .structured : nil
        var request: V1Request
        if case .object(var object) = value, CloudEvent.structuredModeKeys.allSatisfy({ object[$0] != nil }),
            let data = object.removeValue(forKey: "data")
        {
            request = V1Request(payload: .json(data), cloudEvent: CloudEvent(attributes: object), responseMode: responseMode)
        } else {
            request = V1Request(payload: .json(value), responseMode: responseMode)
        }
        request.sourceText = sourceText
        return request
    }

    /// One complete JSON document.
    static func parseJSON(_ bytes: UnsafeRawBufferPointer) throws(InferenceError) -> JSONValue {
        var reader = JSONReader(bytes)
        let value = try reader.readValue()
        try reader.expectEnd()
        return value
    }

    /// One complete JSON document, and the text of its large number arrays (``JSONSourceText``), shared with `owner`
    /// when one is given, else copied.
    static func parseJSON(
        _ bytes: UnsafeRawBufferPointer, keepingTextSharedWith owner: (any AnyObject & Sendable)?
    ) throws(InferenceError) -> (JSONValue, JSONSourceText?) {
        var reader = JSONReader(bytes)
        var recorder: JSONSourceText.Recorder? = JSONSourceText.Recorder()
        let value = try reader.readValue(depth: 0, recording: &recorder).value
        try reader.expectEnd()
        return (value, recorder.flatMap { JSONSourceText(document: bytes, recorder: $0, sharingWith: owner) })
    }

    /// Two requests are equal when their payloads, events and response modes are (``sourceText`` is a cache).
    public static func == (lhs: V1Request, rhs: V1Request) -> Bool {
        lhs.payload == rhs.payload && lhs.cloudEvent == rhs.cloudEvent && lhs.responseMode == rhs.responseMode
    }
}

/// The message Python's `bytes.decode("utf-8")` raises for the first invalid sequence in `bytes`, e.g.
/// `'utf-8' codec can't decode byte 0x80 in position 1: invalid start byte`; `nil` for valid UTF-8.
/// KServe includes this text in its binary CloudEvent errors.
func pythonUTF8DecodingError(_ bytes: UnsafeRawBufferPointer) -> String? {
    func failure(_ start: Int, _ end: Int, _ reason: String) -> String {
        if end - start == 1 {
            let hex = String(bytes[start], radix: 16)
            return "'utf-8' codec can't decode byte 0x\(hex.count == 1 ? "0" + hex : hex) in position \(start): \(reason)"
        }
        return "'utf-8' codec can't decode bytes in position \(start)-\(end - 1): \(reason)"
    }
    var index = 0
    while index < bytes.count {
        let lead = bytes[index]
        if lead < 0x80 {
            index += 1
            continue
        }
        // Sequence length and the allowed range of the second byte (Unicode Table 3-7).
        let length: Int
        var secondRange: ClosedRange<UInt8> = 0x80...0xBF
        switch lead {
        case 0xC2...0xDF: length = 2
        case 0xE0: length = 3; secondRange = 0xA0...0xBF
        case 0xED: length = 3; secondRange = 0x80...0x9F
        case 0xE1...0xEF: length = 3
        case 0xF0: length = 4; secondRange = 0x90...0xBF
        case 0xF4: length = 4; secondRange = 0x80...0x8F
        case 0xF1...0xF3: length = 4
        default: return failure(index, index + 1, "invalid start byte")
        }
        var next = index + 1
        for offset in 1..<length {
            guard next < bytes.count else { return failure(index, next, "unexpected end of data") }
            guard (offset == 1 ? secondRange : 0x80...0xBF).contains(bytes[next]) else {
                return failure(index, next, "invalid continuation byte")
            }
            next += 1
        }
        index = next
    }
    return nil
}
