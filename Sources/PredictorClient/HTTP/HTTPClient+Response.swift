internal import InferenceProtocol
public import NIOCore

extension HTTPClient {
    /// The response to an ``HTTPClient/Request``: whatever status the server sent, 4xx and 5xx included.
    public struct Response: Sendable {
        /// The status code, e.g. 200.
        public var status: Int
        /// The header fields of the final response, in order, with lower-cased names.
        public var headers: [(name: String, value: String)]
        /// The body, exactly as received. A `ByteBuffer`, so that a server can send parts of it on (a binary
        /// tensor a transformer passes through, say) without copying them.
        public var body: ByteBuffer

        /// Creates a response.
        /// - Parameters:
        ///   - status: The status code.
        ///   - headers: The header fields, with lower-cased names.
        ///   - body: The body.
        public init(status: Int, headers: [(name: String, value: String)] = [], body: ByteBuffer = ByteBuffer()) {
            self.status = status
            self.headers = headers
            self.body = body
        }

        /// The value of the first header field named `name` (compared case-insensitively), or `nil`.
        /// - Parameter name: A header field name.
        /// - Returns: The field's value without surrounding whitespace.
        public func value(forHeader name: String) -> String? {
            let lowered = name.asciiLowercased
            return headers.first { $0.name == lowered }?.value
        }
    }
}
