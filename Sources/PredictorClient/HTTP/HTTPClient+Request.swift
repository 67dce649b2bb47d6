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
        public var body: Body?

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
            self.body = body.map { .bytes($0) }
        }
    }
}

extension HTTPClient.Request {
    /// A request body: one array, or parts that libcurl reads one after another (a binary-extension body's JSON
    /// header and then its tensors' bytes, without assembling them into one array first).
    public enum Body: Sendable {
        /// The bytes of one array, handed to libcurl without a copy.
        case bytes([UInt8])
        /// Parts read in order as libcurl sends them.
        case segments(any HTTPClient.SegmentedBody)

        /// The body's length in bytes.
        public var count: Int {
            switch self {
            case .bytes(let bytes): bytes.count
            case .segments(let segments): segments.count
            }
        }
    }
}

extension HTTPClient {
    /// A body made of byte ranges that stay alive and unchanged as long as the value does.
    public protocol SegmentedBody: Sendable {
        /// The total length of the segments in bytes.
        var count: Int { get }
        /// Calls `body` with each segment in order; the pointers are valid only during each call.
        func forEachSegment(_ body: (UnsafeRawBufferPointer) -> Void)
    }
}

extension HTTPClient.SegmentedBody {
    /// Copies the body's bytes from `offset` on into `destination`, as many as fit; returns how many it copied.
    func copyBytes(from offset: Int, into destination: UnsafeMutableRawBufferPointer) -> Int {
        var skip = offset
        var copied = 0
        forEachSegment { segment in
            guard copied < destination.count else { return }
            if skip >= segment.count {
                skip -= segment.count
                return
            }
            let length = min(segment.count - skip, destination.count - copied)
            if length > 0, let source = segment.baseAddress {
                (destination.baseAddress! + copied).copyMemory(from: source + skip, byteCount: length)
            }
            copied += length
            skip = 0
        }
        return copied
    }
}

extension HTTPClient.Request {
    /// The first header field, method or URL character that would let a value end a header line early (CR, LF or
    /// NUL), described for an error message; `nil` when the request is well-formed.
    var malformation: String? {
        /// Whether `text` holds CR, LF, NUL or `also`, in one pass over its bytes.
        /// (Over the contiguous UTF-8 rather than through `String.UTF8View`'s indices: several times fewer instructions.)
        func contains(lineBreakOr also: UInt8?, in text: String) -> Bool {
            var text = text
            let also = also ?? 0
            return text.withUTF8 { bytes in
                for byte in bytes where byte == 0x0D || byte == 0x0A || byte == 0 || byte == also { return true }
                return false
            }
        }
        if method.isEmpty || contains(lineBreakOr: 0x20, in: method) { return "invalid method \"\(method)\"" }
        if contains(lineBreakOr: nil, in: url) { return "invalid URL" }
        for (name, value) in headers where name.isEmpty || contains(lineBreakOr: 0x3A, in: name) || contains(lineBreakOr: nil, in: value) {
            return "invalid header field \"\(name)\""
        }
        return nil
    }
}
