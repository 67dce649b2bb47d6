/// Why an ``HTTPClient`` request failed to produce a response. A response with any status, 4xx and 5xx included,
/// is not an error.
public struct HTTPClientError: Error, Sendable, CustomStringConvertible {
    /// What kind of failure this is. Extensible: new codes can be added without breaking callers.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        enum Kind: Hashable, Sendable {
            case connectionFailed, connectionLost, timeout, tls, cancelled, other
        }
        let kind: Kind

        /// No connection could be made (refused, unreachable, name not resolved): the server never saw the
        /// request, so it is always safe to retry.
        public static let connectionFailed = Code(kind: .connectionFailed)
        /// The connection was reset or closed before the whole response arrived (including a truncated body or
        /// an empty reply): the server may have processed the request.
        public static let connectionLost = Code(kind: .connectionLost)
        /// The total or the connect timeout of the configuration expired.
        public static let timeout = Code(kind: .timeout)
        /// The TLS handshake failed: certificate verification, a bad CA bundle or client certificate, no common
        /// cipher.
        public static let tls = Code(kind: .tls)
        /// The awaiting task was cancelled, or the client was shut down, before the response arrived.
        public static let cancelled = Code(kind: .cancelled)
        /// Anything else: a malformed URL or request, an invalid response, an out-of-memory condition.
        public static let other = Code(kind: .other)

        /// A stable name of the code, e.g. `timeout`.
        public var description: String { "\(kind)" }
    }

    /// What kind of failure this is.
    public var code: Code
    /// What happened, with libcurl's detailed error text where it gave one, and the method and URL of the
    /// request, e.g. `Failed to connect to 127.0.0.1 port 9 after 0 ms: Couldn't connect to server (POST http://…)`.
    public var message: String
    /// The URL of the failed request.
    public var url: String

    /// Creates an error.
    /// - Parameters:
    ///   - code: The kind of failure.
    ///   - message: The complete message, naming the URL.
    ///   - url: The URL of the failed request.
    public init(code: Code, message: String, url: String) {
        self.code = code
        self.message = message
        self.url = url
    }

    /// `code: message`.
    public var description: String { "\(code): \(message)" }
}

extension HTTPClientError {
    /// An error for `request` whose message is `detail` followed by the request's method and URL.
    init(_ code: Code, _ detail: String, request: HTTPClient.Request) {
        self.init(code: code, message: "\(detail) (\(request.method) \(request.url))", url: request.url)
    }

    /// The error of a request whose task was cancelled.
    static func cancelled(_ request: HTTPClient.Request) -> HTTPClientError {
        HTTPClientError(.cancelled, "Request cancelled", request: request)
    }

    /// The error of a request that was in flight or submitted when the client shut down.
    static func shutdown(_ request: HTTPClient.Request) -> HTTPClientError {
        HTTPClientError(.cancelled, "HTTP client shut down", request: request)
    }
}
