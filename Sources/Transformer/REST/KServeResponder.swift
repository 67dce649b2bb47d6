internal import Foundation
internal import InferenceProtocol
internal import Logging
internal import NIOCore
internal import NIOHTTP1
internal import Pipeline
internal import PredictorClient

/// One REST request as the responder sees it: the transport has already collected the whole body.
struct RESTRequest: Sendable {
    /// `GET`, `POST`, ...
    var method: HTTPMethod
    /// The request target: path and optional query.
    var uri: String
    /// The request headers.
    var headers: HTTPHeaders
    /// The complete body (empty for none).
    var body: ByteBuffer
}

/// One REST response: status, headers (the transport adds `content-length`, `date` and `connection`) and body.
struct RESTResponse: Sendable {
    /// The status.
    var status: HTTPResponseStatus
    /// Headers, lower-case names.
    var headers: HTTPHeaders
    /// The body, or its first part when ``sharedParts`` follow.
    var body: ByteBuffer
    /// The rest of the body after ``body``, in order: among them slices of a received body (the predictor's response,
    /// or the client's request for a model that returns its inputs) that binary tensors passed through share, which
    /// the transport writes as they are instead of copying them into one buffer.
    var sharedParts: [ByteBuffer] = []

    /// The body's length in bytes, all parts together.
    var bodyLength: Int { sharedParts.reduce(body.readableBytes) { $0 + $1.readableBytes } }
}

/// Answers every KServe REST route (spec §2) from a ``DataPlane``: decoding bodies with the Protocol codecs
/// straight from the collected `ByteBuffer`, mapping every `InferenceError` to its status and `{"error": ...}` body.
/// Transport-independent: ``HTTPServerHandler`` feeds it from the socket, tests call it directly.
final class KServeResponder: Sendable {
    let dataPlane: DataPlane
    let maxBodySize: Int
    let metrics: @Sendable () -> [UInt8]
    let accessLogger: Logger?
    let logger: Logger
    let unhandledErrorHook: (@Sendable (any Error) -> Void)?

    /// Creates the responder.
    /// - Parameters:
    ///   - dataPlane: The models and the call chain.
    ///   - maxBodySize: The largest request body accepted; the transport answers 413 past it.
    ///   - metrics: Produces the Prometheus exposition for `GET /metrics`.
    ///   - accessLogger: Where one line per request goes, or `nil` for none.
    ///   - logger: Where unexpected errors are logged.
    ///   - unhandledErrorHook: Called with every error that is not an `InferenceError` (answered with 500).
    init(
        dataPlane: DataPlane, maxBodySize: Int, metrics: @escaping @Sendable () -> [UInt8], accessLogger: Logger?, logger: Logger,
        unhandledErrorHook: (@Sendable (any Error) -> Void)? = nil
    ) {
        self.unhandledErrorHook = unhandledErrorHook
        self.dataPlane = dataPlane
        self.maxBodySize = maxBodySize
        self.metrics = metrics
        self.accessLogger = accessLogger
        self.logger = logger
    }

    /// Answers one request; never throws (every failure becomes an error response).
    func respond(to request: RESTRequest) async -> RESTResponse {
        let response: RESTResponse
        do {
            response = try await route(request)
        } catch let error as InferenceError {
            response = Self.errorResponse(error)
        } catch {
            logger.error("Caught exception: \(type(of: error)) : \(error)")
            unhandledErrorHook?(error)
            response = Self.errorResponse(InferenceError(code: .internalError, message: "\(type(of: error)) : \(error)"))
        }
        accessLogger?.info("\"\(request.method.rawValue) \(Self.path(of: request.uri)) HTTP/1.1\" \(response.status.code)")
        return response
    }

    /// The path of a request target, without its query. The `?` is looked for over the contiguous UTF-8, not through
    /// `String.UTF8View`'s indices (about 30 instructions a byte): this runs for every request.
    static func path(of uri: String) -> Substring {
        var copy = uri
        guard let query = copy.withUTF8({ $0.firstIndex(of: UInt8(ascii: "?")) }) else { return uri[...] }
        return uri[..<uri.utf8.index(uri.startIndex, offsetBy: query)]
    }

    /// ``path(of:)``, percent-decoded (left as it is when that fails). A target without a query is not copied.
    static func decodedPath(of uri: String) -> String {
        let raw = path(of: uri)
        var path = raw.endIndex == uri.endIndex ? uri : String(raw)
        let percentEncoded = path.withUTF8 { $0.contains(UInt8(ascii: "%")) }
        return percentEncoded ? path.removingPercentEncoding ?? path : path
    }

    private func route(_ request: RESTRequest) async throws -> RESTResponse {
        let path = Self.decodedPath(of: request.uri)
        switch RESTRoute.match(method: request.method.rawValue, path: path) {
        case .notFound: return Self.json(status: .notFound, Array(#"{"detail":"Not Found"}"#.utf8))
        case .methodNotAllowed: return Self.json(status: .methodNotAllowed, Array(#"{"detail":"Method Not Allowed"}"#.utf8))
        case .route(let route): return try await answer(route, request)
        }
    }

    private func answer(_ route: RESTRoute, _ request: RESTRequest) async throws -> RESTResponse {
        switch route {
        case .live: return Self.json(#"{"status":"alive"}"#)
        case .v2Live: return Self.json(#"{"live":true}"#)
        case .metrics:
            return RESTResponse(
                status: .ok, headers: ["content-type": "text/plain; version=0.0.4; charset=utf-8"], body: ByteBuffer(bytes: metrics()))
        case .v1ListModels, .v2ListModels:
            return Self.json(.object(["models": .array(await dataPlane.repository.names.map { .string($0) })]))
        case .serverMetadata:
            return Self.json(
                .object([
                    "name": .string(DataPlane.serverName), "version": .string(DataPlane.serverVersion),
                    "extensions": .array(DataPlane.extensions.map { .string($0) }),
                ]))
        case .v2Ready:
            guard try await dataPlane.isServerReady() else { throw InferenceError.serverNotReady }
            return Self.json(#"{"ready":true}"#)
        case .v1ModelReady(let name), .modelReady(let name):
            guard try await dataPlane.isModelReady(name) else { throw InferenceError.modelNotReady(name) }
            return Self.json(.object(["name": .string(name), "ready": true]))
        case .modelMetadata(let name):
            return Self.json(try await dataPlane.modelMetadata(name).json)
        case .versioned:
            throw InferenceError.notImplemented("Model versioning not supported yet.")
        case .load(let name):
            try await dataPlane.load(name)
            return Self.json(.object(["name": .string(name), "load": true]))
        case .unload(let name):
            try await dataPlane.unload(name)
            return Self.json(.object(["name": .string(name), "unload": true]))
        case .infer(let name):
            return try await infer(name, request)
        case .v1Call(let name, let verb):
            return try await v1(name, verb: verb == "explain" ? .explain : .predict, request)
        }
    }

    // MARK: Inference routes

    private func infer(_ name: String, _ request: RESTRequest) async throws -> RESTResponse {
        let inferRequest = try Self.decodeInferRequest(request.body, headers: request.headers, modelName: name)
        let (response, added) = try await dataPlane.infer(inferRequest, headers: Self.headerMap(request.headers), loadingIfNeeded: false)
        let restBody = try response.restBody()
        // Built from arrays: `HTTPHeaders.add` checks every name it is given, and these are known to be valid.
        var fields =
            restBody.jsonLength.map { [("content-type", "application/octet-stream"), ("inference-header-content-length", String($0))] }
            ?? [("content-type", "application/json")]
        if !added.isEmpty { fields += Self.validHeaders(added) }
        let headers = HTTPHeaders(fields)
        let parts = Self.bodyParts(restBody)
        return RESTResponse(status: .ok, headers: headers, body: parts.first ?? ByteBuffer(), sharedParts: Array(parts.dropFirst()))
    }

    /// A v2 body as buffers to write in order. A binary tensor at least ``sharedPartMinimum`` bytes long whose bytes
    /// are still those of a body the server received (a ``SharedByteBuffer``: the predictor's response, or the
    /// client's request) is a slice of that body's buffer, not a copy; everything between such tensors is copied
    /// into buffers of its own.
    static func bodyParts(_ body: RESTBody) -> [ByteBuffer] {
        var parts: [ByteBuffer] = []
        var current = ByteBuffer()
        body.forEachSegmentAndOwner { bytes, owner in
            if bytes.count >= sharedPartMinimum, let shared = owner as? SharedByteBuffer, let slice = shared.slice(of: bytes) {
                if current.readableBytes > 0 {
                    parts.append(current)
                    current = ByteBuffer()
                }
                parts.append(slice)
            } else {
                current.reserveCapacity(current.readableBytes + bytes.count)
                current.writeBytes(bytes)
            }
        }
        if current.readableBytes > 0 || parts.isEmpty { parts.append(current) }
        return parts
    }

    /// The smallest tensor sent from the predictor's buffer rather than copied (below it, a copy costs less than a
    /// buffer of its own in the socket write).
    static let sharedPartMinimum = 16 * 1024

    /// Headers a model added, minus the framing ones the transport owns and any that could not be sent.
    static func validHeaders(_ headers: [(name: String, value: String)]) -> [(String, String)] {
        headers.compactMap { header in
            let name = header.name.asciiLowercased
            guard name != "content-length", name != "transfer-encoding", name != "connection", !name.isEmpty,
                !name.utf8.contains(where: { $0 <= 0x20 || $0 == UInt8(ascii: ":") || $0 >= 0x7F }),
                !header.value.utf8.contains(where: { $0 == 0x0D || $0 == 0x0A || $0 == 0 })
            else { return nil }
            return (name, header.value)
        }
    }

    /// §4.1 (superset): binary framing when `Inference-Header-Content-Length` is present, whatever the content type;
    /// else JSON. A body that is not JSON and not declared JSON gets KServe's missing-header message.
    /// Large and binary tensors share the body's memory instead of copying it (see ``SharedByteBuffer``).
    static func decodeInferRequest(_ body: ByteBuffer, headers: HTTPHeaders, modelName: String) throws(InferenceError) -> InferRequest {
        let owner = SharedByteBuffer(body)
        if let lengthText = headers.first(name: "inference-header-content-length") {
            guard let jsonLength = Int(lengthText.trimmingCharacters(in: .whitespaces)) else {
                throw .invalidInput("Inference-Header-Content-Length must be an integer, not '\(lengthText)'")
            }
            return try body.withReadableBytes { (bytes) throws(InferenceError) in
                try InferRequest(body: bytes, jsonLength: jsonLength, modelName: modelName, sharingWith: owner)
            }
        }
        do {
            return try body.withReadableBytes { (bytes) throws(InferenceError) in
                try InferRequest(json: bytes, modelName: modelName, sharingWith: owner)
            }
        } catch
            where error.code == .invalidRequestBody && !(headers.first(name: "content-type").map(Self.isJSONContentType) ?? false)
            && !body.readableBytesView.starts(with: [UInt8(ascii: "{")])
        {
            throw .invalidInput("received byte inputs, but the'inference-header-content-length' header is missing.")
        }
    }

    static func isJSONContentType(_ value: String) -> Bool {
        let type = value.split(separator: ";").first.map { $0.trimmingCharacters(in: .whitespaces).lowercased() } ?? ""
        return type == "application/json" || (type.hasPrefix("application/") && type.hasSuffix("+json"))
    }

    private func v1(_ name: String, verb: Verb, _ request: RESTRequest) async throws -> RESTResponse {
        let headers = Self.headerMap(request.headers)
        // The text of large number arrays stays in the request's buffer, for a model that passes them on untouched.
        let owner = request.body.readableBytes >= JSONSourceText.minimumLength ? SharedByteBuffer(request.body) : nil
        let v1Request = try request.body.withReadableBytes { (bytes) throws(InferenceError) in
            try V1Request(body: bytes, headers: headers, sharingWith: owner)
        }
        let v1Response = try await dataPlane.v1(v1Request, modelName: name, verb: verb, headers: headers)
        var fields = HTTPHeaders()
        fields.add(contentsOf: Self.validHeaders(v1Response.headers))
        return RESTResponse(status: .ok, headers: fields, body: ByteBuffer(bytes: v1Response.body))
    }

    // MARK: Helpers

    /// The request headers as a map with lower-cased names (repeated headers joined with `, `).
    static func headerMap(_ fields: HTTPHeaders) -> [String: String] {
        var map = [String: String](minimumCapacity: fields.count)
        for (rawName, value) in fields {
            let name = rawName.asciiLowercased
            // One hash for a name seen the first time, the common case; a repeated one is joined after the first.
            if let existing = map.updateValue(value, forKey: name) { map[name] = existing + ", " + value }
        }
        return map
    }

    static func errorResponse(_ error: InferenceError) -> RESTResponse {
        json(status: HTTPResponseStatus(statusCode: error.code.httpStatus), error.httpBody)
    }

    static func json(status: HTTPResponseStatus = .ok, _ bytes: [UInt8]) -> RESTResponse {
        RESTResponse(status: status, headers: ["content-type": "application/json"], body: ByteBuffer(bytes: bytes))
    }

    static func json(_ text: String) -> RESTResponse { json(Array(text.utf8)) }

    static func json(_ value: JSONValue) -> RESTResponse { json(V1Response(.json(value)).body) }

}

extension ModelMetadata {
    /// `{"name":..,"versions":null,"platform":"","inputs":[...],"outputs":[...]}` (spec §2.4, this key order).
    var json: JSONValue {
        func tensors(_ list: [TensorMetadata]) -> JSONValue {
            .array(
                list.map {
                    .object(["name": .string($0.name), "datatype": .string($0.datatype.rawValue), "shape": .array($0.shape.map { .int($0) })])
                })
        }
        return .object([
            "name": .string(name), "versions": .null, "platform": .string(platform), "inputs": tensors(inputs), "outputs": tensors(outputs),
        ])
    }
}
