/// The HTTP body and headers answering a v1 `:predict` / `:explain` request (spec §2.5, §3.3).
///
/// The server adds the model's own response headers (minus `content-length`) before these, so that these win.
public struct V1Response: Sendable {
    /// The response body.
    public var body: [UInt8]
    /// The response headers, names in lower case.
    public var headers: [(name: String, value: String)]

    /// Creates a response from its parts.
    /// - Parameters:
    ///   - body: The response body.
    ///   - headers: The response headers, names in lower case.
    public init(body: [UInt8], headers: [(name: String, value: String)]) {
        self.body = body
        self.headers = headers
    }

    /// A plain response: JSON as FastAPI writes it (compact, non-ASCII as UTF-8, NaN and infinities as `null`)
    /// with `content-type: application/json`, e.g. `{"predictions":[[1,2]]}`; raw bytes as they are, with a
    /// `content-type` only when the payload has one.
    /// - Parameter result: What the model returned.
    public init(_ result: V1Payload) {
        self.init(result, reusingTextOf: [])
    }

    /// A plain response, as `init(_:)` writes it, where each array that was read from one of `sources` and not
    /// changed since is written as the text it was read from (``JSONSourceText``).
    /// - Parameters:
    ///   - result: What the model returned.
    ///   - sources: The text of the JSON documents the call read so far (its request, its predictor's answer).
    package init(_ result: V1Payload, reusingTextOf sources: [JSONSourceText]) {
        switch result {
        case .json(let value):
            var writer = JSONWriter(reservingCapacity: sources.isEmpty ? 256 : 4096)
            writer.sources = sources
            writer.write(value)
            self.init(body: writer.bytes, headers: [("content-type", "application/json")])
        case .raw(let bytes, let contentType):
            self.init(body: bytes, headers: contentType.map { [("content-type", $0)] } ?? [])
        }
    }

    /// A plain response for a v2 ``InferResponse`` returned by a v1 route: its REST body (``InferResponse/restBody()``)
    /// with `content-type: application/json`, or for binary outputs `application/octet-stream` and
    /// `inference-header-content-length`.
    /// - Parameter response: What the model returned.
    /// - Throws: As ``InferResponse/restBody()``.
    public init(_ response: InferResponse) throws(InferenceError) {
        let rest = try response.restBody()
        var headers: [(name: String, value: String)] = [("content-type", rest.contentType)]
        if let jsonLength = rest.jsonLength { headers.append(("inference-header-content-length", String(jsonLength))) }
        self.init(body: rest.bytes, headers: headers)
    }

    /// The response to `request`: plain (as `init(_:)` writes it) unless the request asks for a CloudEvent
    /// (``V1Request/responseMode``), in which case the result is wrapped in a new event (spec §3.3):
    /// - binary mode: `ce-<attribute>` headers, the JSON written as Python's `json.dumps` writes it
    ///   (`{"predictions": [[1, 2]]}`, non-ASCII escaped) or raw bytes as they are, and
    ///   `content-type: application/json` (a raw result's own content type when it has one);
    /// - structured mode: one `application/cloudevents+json` document with the attributes and `data`
    ///   (`data_base64` for raw bytes).
    ///
    /// In a plain JSON response, large arrays of numbers that the result took from the request unchanged are
    /// written as the text they had in the request, so an echo costs no printing of numbers.
    /// - Parameters:
    ///   - result: What the model returned.
    ///   - request: The decoded request.
    ///   - modelName: The model, for the default `source` `io.kserve.inference.<model name>`.
    ///   - cloudEventSettings: `CE_SOURCE`, `CE_TYPE` and `CE_MERGE`.
    public init(_ result: V1Payload, answering request: V1Request, modelName: String, cloudEventSettings: CloudEventSettings) {
        self.init(
            result, answering: request, modelName: modelName, cloudEventSettings: cloudEventSettings,
            reusingTextOf: request.sourceText.map { [$0] } ?? [])
    }

    /// The response to `request`, as the public initializer writes it, where a plain JSON response writes each array
    /// that was read from one of `sources` and not changed since as the text it was read from (``JSONSourceText``).
    /// - Parameters:
    ///   - result: What the model returned.
    ///   - request: The decoded request.
    ///   - modelName: The model, for the default `source`.
    ///   - cloudEventSettings: `CE_SOURCE`, `CE_TYPE` and `CE_MERGE`.
    ///   - sources: The text of the JSON documents the call read (its request, its predictor's answer).
    package init(
        _ result: V1Payload, answering request: V1Request, modelName: String, cloudEventSettings: CloudEventSettings,
        reusingTextOf sources: [JSONSourceText]
    ) {
        self.init(
            result, answering: request, modelName: modelName, settings: cloudEventSettings, id: CloudEvent.newID(), time: CloudEvent.now(),
            sources: sources)
    }

    /// The response to `request` for a v2 ``InferResponse`` returned by a v1 route: plain, or wrapped in a
    /// CloudEvent as for a ``V1Payload`` result (a JSON body as JSON data; a binary-extension body as raw bytes,
    /// keeping `inference-header-content-length` in binary mode).
    /// - Parameters:
    ///   - response: What the model returned.
    ///   - request: The decoded request.
    ///   - modelName: The model, for the default `source`.
    ///   - cloudEventSettings: `CE_SOURCE`, `CE_TYPE` and `CE_MERGE`.
    /// - Throws: As ``InferResponse/restBody()``.
    public init(
        _ response: InferResponse, answering request: V1Request, modelName: String, cloudEventSettings: CloudEventSettings
    )
        throws(InferenceError)
    {
        guard request.responseMode != nil else {
            try self.init(response)
            return
        }
        let rest = try response.restBody()
        if let jsonLength = rest.jsonLength {
            self.init(
                .raw(bytes: rest.bytes, contentType: rest.contentType), answering: request, modelName: modelName,
                cloudEventSettings: cloudEventSettings)
            if request.responseMode == .binary { headers.append(("inference-header-content-length", String(jsonLength))) }
        } else {
            let value = try withBytes(of: rest.bytes) { (bytes) throws(InferenceError) in try V1Request.parseJSON(bytes) }
            self.init(.json(value), answering: request, modelName: modelName, cloudEventSettings: cloudEventSettings)
        }
    }

    /// The wrapping initializer with the new event's `id` and `time` given, for tests.
    init(
        _ result: V1Payload, answering request: V1Request, modelName: String, settings: CloudEventSettings, id: String, time: String,
        sources: [JSONSourceText] = []
    ) {
        guard let mode = request.responseMode else {
            self.init(result, reusingTextOf: sources)
            return
        }
        var event = CloudEvent(respondingTo: request.cloudEvent, mode: mode, modelName: modelName, settings: settings, id: id, time: time)
        switch mode {
        case .binary:
            let body: [UInt8]
            var contentType = "application/json"
            switch result {
            case .json(let value):
                var writer = JSONWriter(style: .python)
                writer.write(value)
                body = writer.bytes
            case .raw(let bytes, let rawType):
                body = bytes
                if let rawType { contentType = rawType }
            }
            self.init(body: body, headers: [("content-type", contentType)] + event.binaryModeHeaders())
        case .structured:
            if case .raw(_, let rawType?) = result {
                event.attributes["datacontenttype"] = .string(rawType)
            }
            self.init(body: event.structuredModeBody(data: result), headers: [("content-type", "application/cloudevents+json")])
        }
    }
}
