/// The one error type of swift-kserve: a code that says what kind of failure it is (and so which HTTP status and
/// gRPC status it maps to), a message a user can act on, and an optional underlying cause.
///
/// Messages follow KServe's exact wording where KServe has one (see `../shared/spec/kserve-compat.md` §2.1).
public struct InferenceError: Error, Sendable, CustomStringConvertible {
    /// What kind of failure this is. Extensible: new codes can be added without breaking callers.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        enum Kind: Hashable, Sendable {
            case invalidInput, invalidRequestBody, modelNotFound, modelNotReady, serverNotReady, serverNotLive
            case notImplemented, unsupportedProtocol, inferenceFailed, payloadTooLarge, badGateway, gatewayTimeout
            case internalError
            case predictorRejected(status: Int)
        }
        let kind: Kind

        /// The request is well-formed JSON but its content is wrong (HTTP 400, gRPC INVALID_ARGUMENT).
        public static let invalidInput = Code(kind: .invalidInput)
        /// The v2 JSON body does not parse or does not match the InferenceRequest schema (HTTP 422, gRPC INVALID_ARGUMENT).
        public static let invalidRequestBody = Code(kind: .invalidRequestBody)
        /// No model is registered under that name (HTTP 404, gRPC NOT_FOUND).
        public static let modelNotFound = Code(kind: .modelNotFound)
        /// The model exists but is not ready (HTTP 503, gRPC UNAVAILABLE).
        public static let modelNotReady = Code(kind: .modelNotReady)
        /// The server is not ready (HTTP 503, gRPC UNAVAILABLE).
        public static let serverNotReady = Code(kind: .serverNotReady)
        /// The server is not live (HTTP 503, gRPC UNAVAILABLE).
        public static let serverNotLive = Code(kind: .serverNotLive)
        /// The operation is not implemented, e.g. no predictor host is configured (HTTP 501, gRPC UNIMPLEMENTED).
        public static let notImplemented = Code(kind: .notImplemented)
        /// The predictor protocol is not supported for this operation (HTTP 501, gRPC INVALID_ARGUMENT as KServe).
        public static let unsupportedProtocol = Code(kind: .unsupportedProtocol)
        /// The model failed while running (HTTP 500, gRPC INVALID_ARGUMENT as KServe).
        public static let inferenceFailed = Code(kind: .inferenceFailed)
        /// The request body exceeds the configured limit (HTTP 413, gRPC RESOURCE_EXHAUSTED).
        public static let payloadTooLarge = Code(kind: .payloadTooLarge)
        /// The remote predictor failed or could not be reached (HTTP 502, gRPC UNAVAILABLE).
        public static let badGateway = Code(kind: .badGateway)
        /// The remote predictor did not answer in time (HTTP 504, gRPC DEADLINE_EXCEEDED).
        public static let gatewayTimeout = Code(kind: .gatewayTimeout)
        /// Anything else (HTTP 500, gRPC INTERNAL).
        public static let internalError = Code(kind: .internalError)
        /// The remote predictor refused the request with this 4xx status, which is passed on to the client
        /// (gRPC: the matching code, e.g. INVALID_ARGUMENT for 400, NOT_FOUND for 404).
        public static func predictorRejected(status: Int) -> Code { Code(kind: .predictorRejected(status: status)) }

        /// The HTTP status this code is answered with.
        public var httpStatus: Int {
            switch kind {
            case .invalidInput: 400
            case .invalidRequestBody: 422
            case .modelNotFound: 404
            case .modelNotReady, .serverNotReady, .serverNotLive: 503
            case .notImplemented, .unsupportedProtocol: 501
            case .inferenceFailed, .internalError: 500
            case .payloadTooLarge: 413
            case .badGateway: 502
            case .gatewayTimeout: 504
            case .predictorRejected(let status): status
            }
        }

        /// A stable name of the code, e.g. `invalidInput`.
        public var description: String { "\(kind)" }
    }

    /// What kind of failure this is.
    public var code: Code
    /// The message a client sees in the `{"error": ...}` body or the gRPC status message.
    public var message: String
    /// The underlying error, if any; logged, never sent to clients.
    public var cause: (any Error & Sendable)?

    /// Creates an error.
    /// - Parameters:
    ///   - code: The kind of failure.
    ///   - message: The client-visible message.
    ///   - cause: The underlying error, if any.
    public init(code: Code, message: String, cause: (any Error & Sendable)? = nil) {
        self.code = code
        self.message = message
        self.cause = cause
    }

    /// `code: message`, followed by the cause when there is one.
    public var description: String {
        if let cause { return "\(code): \(message) (cause: \(cause))" }
        return "\(code): \(message)"
    }
}

extension InferenceError {
    /// A 400 error with the given message.
    public static func invalidInput(_ message: String) -> InferenceError { InferenceError(code: .invalidInput, message: message) }

    /// A 422 error for a v2 body that does not parse or match the schema.
    public static func invalidRequestBody(_ message: String) -> InferenceError {
        InferenceError(code: .invalidRequestBody, message: message)
    }

    /// `Model with name <name> does not exist.` (404).
    public static func modelNotFound(_ name: String) -> InferenceError {
        InferenceError(code: .modelNotFound, message: "Model with name \(name) does not exist.")
    }

    /// `Model with name <name> is not ready.` (503), with an optional detail appended after a space.
    public static func modelNotReady(_ name: String, detail: String? = nil) -> InferenceError {
        var message = "Model with name \(name) is not ready."
        if let detail { message += " " + detail }
        return InferenceError(code: .modelNotReady, message: message)
    }

    /// `Server is not ready.` (503).
    public static var serverNotReady: InferenceError { InferenceError(code: .serverNotReady, message: "Server is not ready.") }

    /// `Server is not live.` (503).
    public static var serverNotLive: InferenceError { InferenceError(code: .serverNotLive, message: "Server is not live.") }

    /// A 501 error with the given message, e.g. `Could not find predictor_host.`.
    public static func notImplemented(_ message: String) -> InferenceError {
        InferenceError(code: .notImplemented, message: message)
    }

    /// `Unsupported protocol <p>.` (501).
    public static func unsupportedProtocol(_ name: String) -> InferenceError {
        InferenceError(code: .unsupportedProtocol, message: "Unsupported protocol \(name).")
    }

    /// A 500 error raised while running a model.
    public static func inferenceFailed(_ message: String) -> InferenceError {
        InferenceError(code: .inferenceFailed, message: message)
    }
}
