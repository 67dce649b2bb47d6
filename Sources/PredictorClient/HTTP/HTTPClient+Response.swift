internal import InferenceProtocol
public import NIOCore

extension HTTPClient {
    /// The response to an ``HTTPClient/Request``: whatever status the server sent, 4xx and 5xx included.
    public struct Response: Sendable {
        /// The status code, e.g. 200.
        public var status: Int
        /// The body, exactly as received. A `ByteBuffer`, so that a server can send parts of it on (a binary
        /// tensor a transformer passes through, say) without copying them.
        public var body: ByteBuffer
        /// The header lines of the final response as received, each `name: value` and CRLF. Kept as bytes and
        /// read only when asked: most callers look at one field, if any, and making strings of every field cost
        /// about 1,300 instructions a field on the transfer thread.
        private var headerLines: [UInt8]

        /// Creates a response.
        /// - Parameters:
        ///   - status: The status code.
        ///   - headers: The header fields.
        ///   - body: The body.
        public init(status: Int, headers: [(name: String, value: String)] = [], body: ByteBuffer = ByteBuffer()) {
            self.status = status
            self.body = body
            headerLines = Self.lines(of: headers)
        }

        /// A response with the header lines as libcurl delivered them.
        init(status: Int, headerLines: [UInt8], body: ByteBuffer) {
            self.status = status
            self.headerLines = headerLines
            self.body = body
        }

        /// The header fields of the final response, in order, with lower-cased names and values without
        /// surrounding whitespace.
        public var headers: [(name: String, value: String)] {
            get {
                var fields: [(name: String, value: String)] = []
                forEachField { name, value in
                    fields.append((String(asciiLowercasing: name), String(decoding: value, as: UTF8.self)))
                    return true
                }
                return fields
            }
            set { headerLines = Self.lines(of: newValue) }
        }

        /// The value of the first header field named `name` (compared case-insensitively), or `nil`.
        /// - Parameter name: A header field name.
        /// - Returns: The field's value without surrounding whitespace.
        public func value(forHeader name: String) -> String? {
            var wanted = name
            return wanted.withUTF8 { wanted in
                var found: String?
                forEachField { name, value in
                    guard Self.equalIgnoringASCIICase(name, UnsafeRawBufferPointer(wanted)) else { return true }
                    found = String(decoding: value, as: UTF8.self)
                    return false
                }
                return found
            }
        }

        /// Calls `body` with the name and the trimmed value of each field in order, until it returns `false`.
        /// Lines without a colon are skipped.
        private func forEachField(_ body: (UnsafeRawBufferPointer, UnsafeRawBufferPointer) -> Bool) {
            headerLines.withUnsafeBytes { bytes in
                var lineStart = 0
                while lineStart < bytes.count {
                    var lineEnd = bytes[lineStart...].firstIndex(of: UInt8(ascii: "\n")) ?? bytes.count
                    let next = lineEnd + 1
                    if lineEnd > lineStart, bytes[lineEnd - 1] == UInt8(ascii: "\r") { lineEnd -= 1 }
                    if let colon = bytes[lineStart..<lineEnd].firstIndex(of: UInt8(ascii: ":")) {
                        var start = colon + 1
                        while start < lineEnd, bytes[start] == UInt8(ascii: " ") || bytes[start] == UInt8(ascii: "\t") { start += 1 }
                        var stop = lineEnd
                        while stop > start, bytes[stop - 1] == UInt8(ascii: " ") || bytes[stop - 1] == UInt8(ascii: "\t") { stop -= 1 }
                        let name = UnsafeRawBufferPointer(rebasing: bytes[lineStart..<colon])
                        let value = UnsafeRawBufferPointer(rebasing: bytes[start..<stop])
                        guard body(name, value) else { return }
                    }
                    lineStart = next
                }
            }
        }

        private static func equalIgnoringASCIICase(_ a: UnsafeRawBufferPointer, _ b: UnsafeRawBufferPointer) -> Bool {
            guard a.count == b.count else { return false }
            for index in 0..<a.count where a[index] != b[index] {
                let lower = a[index] | 0x20
                guard lower == b[index] | 0x20, lower >= UInt8(ascii: "a"), lower <= UInt8(ascii: "z") else { return false }
            }
            return true
        }

        private static func lines(of fields: [(name: String, value: String)]) -> [UInt8] {
            var lines: [UInt8] = []
            for field in fields {
                lines += field.name.utf8
                lines += ": ".utf8
                lines += field.value.utf8
                lines += "\r\n".utf8
            }
            return lines
        }
    }
}
