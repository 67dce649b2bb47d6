internal import NIOCore
internal import NIOHTTP1

extension ByteBuffer {
    /// Writes an HTTP/1.x response head as NIO's `HTTPResponseEncoder` does: the status line with the
    /// request's version and the status's reason phrase, each header as `name: value`, then the empty line.
    /// The caller frames the body (``HTTPServerHandler`` always sends `content-length`).
    mutating func writeResponseHead(version: HTTPVersion, status: HTTPResponseStatus, headers: HTTPHeaders) {
        if version.major == 1 && version.minor == 1 {
            writeStaticString("HTTP/1.1 ")
        } else {
            writeString("HTTP/\(version.major).\(version.minor) ")
        }
        writeString(String(status.code))
        writeStaticString(" ")
        writeString(status.reasonPhrase)
        writeStaticString("\r\n")
        for (name, value) in headers {
            writeString(name)
            writeStaticString(": ")
            writeString(value)
            writeStaticString("\r\n")
        }
        writeStaticString("\r\n")
    }
}
