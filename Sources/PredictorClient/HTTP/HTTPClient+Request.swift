extension HTTPClient {
    /// One HTTP request to send with ``HTTPClient/execute(_:)``.
    ///
    /// The body is handed to libcurl without a copy and kept alive until the transfer ends.
    public struct Request: Sendable {
        /// The method, e.g. `GET` or `POST`, sent as given.
        public var method: String
        /// The absolute URL, `http://` or `https://`.
        public var url: String
        /// The header fields to send, in order. `Content-Length`, `Transfer-Encoding` and `Expect` are the client's
        /// to set: values given for them are ignored. A `Host` given here replaces the one from the URL.
        public var headers: [(name: String, value: String)]
        /// The body, or `nil` for none.
        public var body: [UInt8]?

        /// Creates a request.
        /// - Parameters:
        ///   - method: The method, `GET` by default.
        ///   - url: The absolute URL.
        ///   - headers: The header fields to send, in order.
        ///   - body: The body, or `nil` for none.
        public init(method: String = "GET", url: String, headers: [(name: String, value: String)] = [], body: [UInt8]? = nil) {
            self.method = method
            self.url = url
            self.headers = headers
            self.body = body
        }
    }
}

extension HTTPClient.Request {
    /// The first header field, method or URL character that would let a value end a header line early (CR, LF or
    /// NUL), described for an error message; `nil` when the request is well-formed.
    var malformation: String? {
        func isUnsafe(_ text: String) -> Bool { text.utf8.contains { $0 == 0x0D || $0 == 0x0A || $0 == 0 } }
        if method.isEmpty || isUnsafe(method) || method.utf8.contains(0x20) { return "invalid method \"\(method)\"" }
        if isUnsafe(url) { return "invalid URL" }
        for (name, value) in headers where name.isEmpty || isUnsafe(name) || name.utf8.contains(0x3A) || isUnsafe(value) {
            return "invalid header field \"\(name)\""
        }
        return nil
    }
}
