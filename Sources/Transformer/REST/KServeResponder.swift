internal import Foundation
internal import HTTPTypes
public import Hummingbird
internal import InferenceProtocol
public import Logging
internal import NIOCore
internal import NIOHTTP1
internal import Pipeline

/// Answers every KServe REST route (spec §2) from a ``DataPlane``: decoding bodies with the Protocol codecs
/// straight from the collected `ByteBuffer`, mapping every `InferenceError` to its status and `{"error": ...}` body.
public struct KServeResponder: HTTPResponder {
    /// Hummingbird's basic request context: the responder needs nothing request-scoped of its own.
    public typealias Context = BasicRequestContext

    let dataPlane: DataPlane
    let maxBodySize: Int
    let metrics: @Sendable () -> [UInt8]
    let accessLogger: Logger?
    let logger: Logger
    let unhandledErrorHook: (@Sendable (any Error) -> Void)?

    /// Creates the responder.
    /// - Parameters:
    ///   - dataPlane: The models and the call chain.
    ///   - maxBodySize: The largest request body accepted; larger ones get 413.
    ///   - metrics: Produces the Prometheus exposition for `GET /metrics`.
    ///   - accessLogger: Where one line per request goes, or `nil` for none.
    ///   - logger: Where unexpected errors are logged.
    ///   - unhandledErrorHook: Called with every error that is not an `InferenceError` (answered with 500).
    public init(
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
    public func respond(to request: Request, context: Context) async throws -> Response {
        let response: Response
        do {
            response = try await route(request)
        } catch let error as InferenceError {
            response = Self.errorResponse(error)
        } catch is NIOTooManyBytesError {
            response = Self.errorResponse(
                InferenceError(code: .payloadTooLarge, message: "Request body is larger than the limit of \(maxBodySize) bytes.")
            )
        } catch let error as HTTPParserError {
            // A malformed body framing (e.g. a bad chunk size) is the client's fault.
            response = Self.errorResponse(.invalidInput("Invalid HTTP request received: \(error)"))
        } catch let error as HTTPError where error.status == .contentTooLarge {
            response = Self.errorResponse(
                InferenceError(code: .payloadTooLarge, message: "Request body is larger than the limit of \(maxBodySize) bytes.")
            )
        } catch {
            logger.error("Caught exception: \(type(of: error)) : \(error)")
            unhandledErrorHook?(error)
            response = Self.errorResponse(InferenceError(code: .internalError, message: "\(type(of: error)) : \(error)"))
        }
        accessLogger?.info("\"\(request.method.rawValue) \(request.uri.path) HTTP/1.1\" \(response.status.code)")
        return response
    }

    private func route(_ request: Request) async throws -> Response {
        let path = request.uri.path.removingPercentEncoding ?? request.uri.path
        switch RESTRoute.match(method: request.method.rawValue, path: path) {
        case .notFound: return Self.json(status: .notFound, Array(#"{"detail":"Not Found"}"#.utf8))
        case .methodNotAllowed: return Self.json(status: .methodNotAllowed, Array(#"{"detail":"Method Not Allowed"}"#.utf8))
        case .route(let route): return try await answer(route, request)
        }
    }

    private func answer(_ route: RESTRoute, _ request: Request) async throws -> Response {
        switch route {
        case .live: return Self.json(#"{"status":"alive"}"#)
        case .v2Live: return Self.json(#"{"live":true}"#)
        case .metrics:
            return Response(
                status: .ok, headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"],
                body: ResponseBody(byteBuffer: ByteBuffer(bytes: metrics())))
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

    private func infer(_ name: String, _ request: Request) async throws -> Response {
        let body = try await request.body.collect(upTo: maxBodySize)
        let inferRequest = try Self.decodeInferRequest(body, headers: request.headers, modelName: name)
        let (response, added) = try await dataPlane.infer(inferRequest, headers: Self.headerMap(request.headers), loadingIfNeeded: false)
        let restBody = try response.restBody()
        var headers: HTTPFields = [:]
        if let jsonLength = restBody.jsonLength {
            headers[.contentType] = "application/octet-stream"
            headers[HTTPField.Name.inferenceHeaderContentLength] = String(jsonLength)
        } else {
            headers[.contentType] = "application/json"
        }
        for header in added where header.name != "content-length" && header.name != "content-type" {
            if let name = HTTPField.Name(header.name) { headers.append(HTTPField(name: name, value: header.value)) }
        }
        return Response(status: .ok, headers: headers, body: ResponseBody(byteBuffer: ByteBuffer(bytes: restBody.bytes)))
    }

    /// §4.1 (superset): binary framing when `Inference-Header-Content-Length` is present, whatever the content type;
    /// else JSON. A body that is not JSON and not declared JSON gets KServe's missing-header message.
    static func decodeInferRequest(_ body: ByteBuffer, headers: HTTPFields, modelName: String) throws(InferenceError) -> InferRequest {
        if let lengthText = headers[HTTPField.Name.inferenceHeaderContentLength] {
            guard let jsonLength = Int(lengthText.trimmingCharacters(in: .whitespaces)) else {
                throw .invalidInput("Inference-Header-Content-Length must be an integer, not '\(lengthText)'")
            }
            return try withReadableBytes(body) { (bytes) throws(InferenceError) in
                try InferRequest(body: bytes, jsonLength: jsonLength, modelName: modelName)
            }
        }
        let declaredJSON = headers[.contentType].map(Self.isJSONContentType) ?? false
        do {
            return try withReadableBytes(body) { (bytes) throws(InferenceError) in try InferRequest(json: bytes, modelName: modelName) }
        } catch  where error.code == .invalidRequestBody && !declaredJSON && !body.readableBytesView.starts(with: [UInt8(ascii: "{")]) {
            throw .invalidInput("received byte inputs, but the'inference-header-content-length' header is missing.")
        }
    }

    static func isJSONContentType(_ value: String) -> Bool {
        let type = value.split(separator: ";").first.map { $0.trimmingCharacters(in: .whitespaces).lowercased() } ?? ""
        return type == "application/json" || (type.hasPrefix("application/") && type.hasSuffix("+json"))
    }

    private func v1(_ name: String, verb: Verb, _ request: Request) async throws -> Response {
        let body = try await request.body.collect(upTo: maxBodySize)
        let headers = Self.headerMap(request.headers)
        let v1Request = try withReadableBytes(body) { (bytes) throws(InferenceError) in try V1Request(body: bytes, headers: headers) }
        let v1Response = try await dataPlane.v1(v1Request, modelName: name, verb: verb, headers: headers)
        var fields: HTTPFields = [:]
        for header in v1Response.headers {
            if let fieldName = HTTPField.Name(header.name) { fields.append(HTTPField(name: fieldName, value: header.value)) }
        }
        return Response(status: .ok, headers: fields, body: ResponseBody(byteBuffer: ByteBuffer(bytes: v1Response.body)))
    }

    // MARK: Helpers

    /// The request headers as a map with lower-cased names (repeated headers joined with `, `).
    static func headerMap(_ fields: HTTPFields) -> [String: String] {
        var map: [String: String] = [:]
        map.reserveCapacity(fields.count)
        for field in fields {
            let name = field.name.canonicalName
            if let existing = map[name] { map[name] = existing + ", " + field.value } else { map[name] = field.value }
        }
        return map
    }

    static func errorResponse(_ error: InferenceError) -> Response {
        json(status: HTTPResponse.Status(code: error.code.httpStatus), error.httpBody)
    }

    static func json(status: HTTPResponse.Status = .ok, _ bytes: [UInt8]) -> Response {
        Response(status: status, headers: [.contentType: "application/json"], body: ResponseBody(byteBuffer: ByteBuffer(bytes: bytes)))
    }

    static func json(_ text: String) -> Response { json(Array(text.utf8)) }

    static func json(_ value: JSONValue) -> Response { json(V1Response(.json(value)).body) }

}

/// Calls `body` with the readable bytes of a buffer, keeping the typed error.
func withReadableBytes<R>(_ buffer: ByteBuffer, _ body: (UnsafeRawBufferPointer) throws(InferenceError) -> R) throws(InferenceError) -> R {
    try buffer.withUnsafeReadableBytes { bytes in Result { () throws(InferenceError) -> R in try body(bytes) } }.get()
}

extension HTTPField.Name {
    /// `Inference-Header-Content-Length`, the binary tensor extension's header.
    static let inferenceHeaderContentLength = HTTPField.Name("inference-header-content-length")!
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
