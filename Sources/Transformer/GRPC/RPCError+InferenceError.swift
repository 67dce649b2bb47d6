internal import GRPCCore
internal import InferenceProtocol

extension RPCError {
    /// The gRPC status an `InferenceError` is answered with (spec §6.5, the intended mapping rather than KServe 0.20's
    /// `UNKNOWN` for the errors its interceptor cannot read). The status message is the error's message; the error
    /// itself is kept as the cause (logged, never sent).
    init(_ error: InferenceError) {
        self.init(code: Self.code(for: error.code), message: error.message, cause: error)
    }

    /// The one place that maps an `InferenceError.Code` to a gRPC status code.
    static func code(for code: InferenceError.Code) -> RPCError.Code {
        switch code {
        case .invalidInput, .invalidRequestBody, .inferenceFailed, .unsupportedProtocol: .invalidArgument
        case .modelNotReady, .serverNotReady, .serverNotLive: .unavailable
        case .notImplemented: .unimplemented
        case .modelNotFound: .notFound
        case .payloadTooLarge: .resourceExhausted
        case .badGateway: .unavailable
        case .gatewayTimeout: .deadlineExceeded
        // `internalError`, a predictor's 4xx passed on (`predictorRejected`), and any code added later.
        default: Self.code(forHTTPStatus: code.httpStatus)
        }
    }

    /// The gRPC code of an HTTP status, as google.rpc.Code documents the pairs; other 4xx are the client's fault
    /// (`INVALID_ARGUMENT`), everything else `INTERNAL`.
    static func code(forHTTPStatus status: Int) -> RPCError.Code {
        switch status {
        case 401: .unauthenticated
        case 403: .permissionDenied
        case 404: .notFound
        case 409: .aborted
        case 413, 429: .resourceExhausted
        case 499: .cancelled
        case 400..<500: .invalidArgument
        case 501: .unimplemented
        case 502, 503: .unavailable
        case 504: .deadlineExceeded
        default: .internalError
        }
    }
}
