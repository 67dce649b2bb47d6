public import InferenceProtocol
internal import Logging
internal import NIOCore
public import PredictorClient

/// A predictor (or explainer) reached over REST v1 or v2 through the libcurl client: KServe's default `predict`,
/// `explain` and predictor health check (spec §7.3, §7.6, §7.7), with errors a client can act on.
public struct RESTPredictor: RemotePredictor {
    /// The predictor's configuration.
    public let config: PredictorConfig
    let client: HTTPClient
    let headers: ForwardedHeaders

    /// A predictor using `client` (one client, and so one connection pool, per process).
    public init(config: PredictorConfig, client: HTTPClient) {
        self.config = config
        self.client = client
        self.headers = ForwardedHeaders(extra: config.extraForwardedHeaders)
    }

    func url(_ path: String) -> String { PredictorURL(host: config.host, useSSL: config.useSSL, path: path).description }

    /// Sends the payload: `POST /v1/models/<name>:predict|:explain` (v1) or `POST /v2/models/<name>/infer` (v2).
    public func call(_ payload: Payload, modelName: String, verb: Verb, context: InferenceContext) async throws -> Payload {
        let wireProtocol = verb == .explain ? PredictorConfig.WireProtocol.v1 : config.wireProtocol
        let path = wireProtocol == .v1 ? "v1/models/\(modelName):\(verb.rawValue)" : "v2/models/\(modelName)/infer"
        var request = HTTPClient.Request(method: "POST", url: url(path), headers: headers.select(from: context.headers))
        switch payload {
        case .v1(.json(let json)):
            request.body = .bytes(V1Response(.json(json), reusingTextOf: context.jsonTexts).body)
            request.headers.append(("content-type", "application/json"))
        case .v1(.raw(let bytes, let contentType)):
            request.body = .bytes(bytes)
            request.headers.append(("content-type", contentType ?? "application/octet-stream"))
        case .inferRequest(var inferRequest):
            // Ask for binary outputs: FP16 and non-UTF-8 BYTES cannot come back as JSON, and binary is cheaper. The
            // transformer's own client still gets the form it asked for (the response is re-encoded for it).
            inferRequest.parameters["binary_data_output"] = true
            for index in inferRequest.requestedOutputs.indices { inferRequest.requestedOutputs[index].binaryData = true }
            let body = try inferRequest.restBody { input in input.elementCount >= config.binaryInputThreshold }
            // Binary tensors go out from their own memory, not assembled into one array first.
            request.body = body.jsonLength == nil ? .bytes(body.bytes) : .segments(body)
            request.headers.append(("content-type", body.contentType))
            if let jsonLength = body.jsonLength { request.headers.append(("inference-header-content-length", String(jsonLength))) }
        case .inferResponse(let response):
            throw InferenceError.invalidInput("preprocess returned a v2 response for model \(response.modelName); a request was expected")
        }
        let response = try await send(request)
        guard (200..<300).contains(response.status) else { throw Self.error(for: response, url: request.url) }
        if wireProtocol == .v1 {
            let answer = try Self.decodeJSONKeepingText(response.body, url: request.url)
            context.keepJSONText(answer.sourceText)
            return .json(answer.value)
        }
        let jsonLength = response.value(forHeader: "inference-header-content-length").flatMap { Int($0) }
        // Binary outputs (and large outputs kept as text) share the response's buffer: a tensor the transformer
        // passes through goes back to its client from there, not copied (see `SharedByteBuffer`).
        let owner = SharedByteBuffer(response.body)
        do {
            return .inferResponse(
                try response.body.withReadableBytes { (bytes) throws(InferenceError) in
                    try InferResponse(body: bytes, jsonLength: jsonLength, sharingWith: owner)
                })
        } catch {
            throw InferenceError(code: .badGateway, message: "Predictor \(request.url) answered with an invalid v2 body: \(error.message)")
        }
    }

    /// Sends with the configured retries: only connection failures are retried, with exponential backoff
    /// (0.1 s doubling up to 1 s), as KServe's gRPC retry policy does for UNAVAILABLE.
    func send(_ request: HTTPClient.Request) async throws(InferenceError) -> HTTPClient.Response {
        var attempt = 0
        while true {
            do {
                return try await client.execute(request)
            } catch let error as HTTPClientError {
                if error.code == .connectionFailed && attempt < config.retries {
                    attempt += 1
                    try? await Task.sleep(for: .milliseconds(min(100 << (attempt - 1), 1000)))
                    continue
                }
                throw InferenceError(error)
            } catch let error as InferenceError {
                throw error
            } catch {
                throw InferenceError(code: .badGateway, message: "Predictor call to \(request.url) failed: \(error)")
            }
        }
    }

    /// A predictor's non-2xx answer as an error: 4xx passed on with its status and message, 5xx as 502.
    static func error(for response: HTTPClient.Response, url: String) -> InferenceError {
        let text = predictorMessage(response)
        if (400..<500).contains(response.status) {
            return InferenceError(
                code: .predictorRejected(status: response.status), message: text.isEmpty ? "Predictor \(url) answered \(response.status)" : text)
        }
        return InferenceError(code: .badGateway, message: "Predictor \(url) answered \(response.status)" + (text.isEmpty ? "" : ": \(text)"))
    }

    /// The predictor's `error` field when its body is a JSON object with one, else its body text (truncated).
    static func predictorMessage(_ response: HTTPClient.Response) -> String {
        if let json = try? decodeJSON(response.body, url: ""), case .string(let message)? = json["error"] { return message }
        return response.body.getString(at: response.body.readerIndex, length: min(response.body.readableBytes, 1024)) ?? ""
    }

    static func decodeJSON(_ body: ByteBuffer, url: String) throws(InferenceError) -> JSONValue {
        try decodeJSONKeepingText(body, url: url).value
    }

    /// A v1 answer's JSON, and the text of its large number arrays, which stays in `body` (``JSONSourceText``).
    static func decodeJSONKeepingText(_ body: ByteBuffer, url: String) throws(InferenceError) -> (value: JSONValue, sourceText: JSONSourceText?) {
        do throws(InferenceError) {
            let owner = body.readableBytes >= JSONSourceText.minimumLength ? SharedByteBuffer(body) : nil
            let request = try body.withReadableBytes { (bytes) throws(InferenceError) in
                try V1Request(body: bytes, headers: ["content-type": "application/json"], sharingWith: owner)
            }
            guard case .json(let value) = request.payload else { throw .invalidInput("not JSON") }
            return (value, request.sourceText)
        } catch {
            throw InferenceError(code: .badGateway, message: "Predictor \(url) answered with invalid JSON: \(error.message)")
        }
    }

    /// v1: `GET /` answering `{"status":"alive"}`; v2: `GET /v2/health/ready` answering `{"ready":true}`.
    public func isServerReady() async throws -> Bool {
        let path = config.wireProtocol == .v1 ? "" : "v2/health/ready"
        let response = try await send(HTTPClient.Request(method: "GET", url: url(path)))
        guard (200..<300).contains(response.status) else { throw Self.error(for: response, url: url(path)) }
        let json = try Self.decodeJSON(response.body, url: url(path))
        if config.wireProtocol == .v1 { return json["status"]?.stringValue?.lowercased() == "alive" }
        return json["ready"] == .bool(true)
    }

    /// v1: `GET /v1/models/<m>` (`ready` field; 503 and failures → false); v2: `GET /v2/models/<m>/ready` (any 2xx).
    public func isModelReady(_ modelName: String) async -> Bool {
        let path = config.wireProtocol == .v1 ? "v1/models/\(modelName)" : "v2/models/\(modelName)/ready"
        guard let response = try? await send(HTTPClient.Request(method: "GET", url: url(path))), (200..<300).contains(response.status) else {
            return false
        }
        if config.wireProtocol == .v2 { return true }
        return (try? Self.decodeJSON(response.body, url: ""))?["ready"] == .bool(true)
    }
}
