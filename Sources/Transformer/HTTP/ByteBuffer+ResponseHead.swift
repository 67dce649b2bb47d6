internal import NIOCore
internal import NIOHTTP1

extension ByteBuffer {
    /// Writes an HTTP/1.x response head as NIO's `HTTPResponseEncoder` does: the status line with the
    /// request's version and the status's reason phrase, each header as `name: value`, then the framing headers the
    /// server owns, then the empty line. The framing is written straight into the buffer rather than added to
    /// `headers` first (each `HTTPHeaders.add` scans the name).
    /// - Parameters:
    ///   - headers: The response's own headers.
    ///   - contentLength: `content-length`, when the response has one.
    ///   - date: `date`, when given.
    ///   - close: Adds `connection: close`.
    mutating func writeResponseHead(
        version: HTTPVersion, status: HTTPResponseStatus, headers: HTTPHeaders, contentLength: Int? = nil, date: String? = nil,
        close: Bool = false
    ) {
        if version.major == 1 && version.minor == 1 {
            if status == .ok {
                writeStaticString("HTTP/1.1 200 OK\r\n")
            } else {
                writeStaticString("HTTP/1.1 ")
                writeStatus(status)
            }
        } else {
            writeString("HTTP/\(version.major).\(version.minor) ")
            writeStatus(status)
        }
        for (name, value) in headers {
            writeString(name)
            writeStaticString(": ")
            writeString(value)
            writeStaticString("\r\n")
        }
        if let contentLength {
            writeStaticString("content-length: ")
            writeString(String(contentLength))
            writeStaticString("\r\n")
        }
        if let date {
            writeStaticString("date: ")
            writeString(date)
            writeStaticString("\r\n")
        }
        if close { writeStaticString("connection: close\r\n") }
        writeStaticString("\r\n")
    }

    /// `code reason\r\n`.
    private mutating func writeStatus(_ status: HTTPResponseStatus) {
        writeString(String(status.code))
        writeStaticString(" ")
        writeString(status.reasonPhrase)
        writeStaticString("\r\n")
    }
}
