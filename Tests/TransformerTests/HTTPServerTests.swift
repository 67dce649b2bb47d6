import Foundation
import Logging
import NIOCore
import Pipeline
import Testing

@testable import Transformer

/// The HTTP/1.1 transport (``HTTPServer`` / ``HTTPServerHandler``) byte for byte over a raw socket: framing,
/// pipelining, keep-alive, `Expect: 100-continue` and the body limit.
@Suite struct HTTPServerTests {
    static let infer =
        #"{"id":"1","inputs":[{"name":"x","shape":[2],"datatype":"INT32","data":[1,2]}]}"#
    static let inferAnswer =
        #"{"model_name":"TestModel","model_version":null,"id":"1","parameters":null,"outputs":[{"name":"output-0","shape":[2],"datatype":"INT32","parameters":null,"data":[1,2]}]}"#

    func withServer(maxBodySize: Int = 4096, _ body: @Sendable (Int) async throws -> Void) async throws {
        try await RESTRouteTests.application([(EchoTestModel(), true)], maxBodySize: maxBodySize).withLiveServer(body)
    }

    static func post(_ body: String, extra: String = "") -> String {
        "POST /v2/models/TestModel/infer HTTP/1.1\r\nHost: t\r\nContent-Type: application/json\r\nContent-Length: \(body.utf8.count)\r\n\(extra)\r\n\(body)"
    }

    @Test func responseHeadersAndBody() async throws {
        try await withServer { port in
            let socket = try RawSocket(port: port)
            try socket.send(Self.post(Self.infer))
            let response = try socket.readResponse()
            #expect(response.statusLine == "HTTP/1.1 200 OK")
            #expect(response.headers["content-type"] == "application/json")
            #expect(response.headers["content-length"] == "\(Self.inferAnswer.utf8.count)")
            #expect(response.headers["date"]?.hasSuffix(" GMT") == true)
            #expect(response.headers["connection"] == nil)
            #expect(response.body == Self.inferAnswer)
        }
    }

    @Test func pipelinedRequestsAreAnsweredInOrder() async throws {
        try await withServer { port in
            let socket = try RawSocket(port: port)
            try socket.send(
                Self.post(Self.infer) + "GET /v2/health/live HTTP/1.1\r\nHost: t\r\n\r\n" + "GET /nope HTTP/1.1\r\nHost: t\r\n\r\n"
                    + Self.post(Self.infer.replacingOccurrences(of: "[1,2]", with: "[3,4]")))
            #expect(try socket.readResponse().body == Self.inferAnswer)
            #expect(try socket.readResponse().body == #"{"live":true}"#)
            let notFound = try socket.readResponse()
            #expect(notFound.statusLine == "HTTP/1.1 404 Not Found" && notFound.body == #"{"detail":"Not Found"}"#)
            #expect(try socket.readResponse().body == Self.inferAnswer.replacingOccurrences(of: "[1,2]", with: "[3,4]"))
        }
    }

    @Test func chunkedBodiesAreCollected() async throws {
        try await withServer { port in
            let socket = try RawSocket(port: port)
            let body = Self.infer.utf8
            let half = body.count / 2
            let first = String(decoding: body.prefix(half), as: UTF8.self)
            let second = String(decoding: body.dropFirst(half), as: UTF8.self)
            try socket.send(
                "POST /v2/models/TestModel/infer HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n"
                    + "\(String(first.utf8.count, radix: 16))\r\n\(first)\r\n\(String(second.utf8.count, radix: 16))\r\n\(second)\r\n0\r\n\r\n")
            #expect(try socket.readResponse().body == Self.inferAnswer)
        }
    }

    @Test func connectionCloseAndHTTP10Close() async throws {
        try await withServer { port in
            for request in [
                "GET /v2/health/live HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n", "GET /v2/health/live HTTP/1.0\r\n\r\n",
            ] {
                let socket = try RawSocket(port: port)
                try socket.send(request)
                let response = try socket.readResponse()
                #expect(response.headers["connection"] == "close")
                #expect(response.body == #"{"live":true}"#)
                #expect(try socket.readToEnd().isEmpty, "the server closes the connection")
            }
        }
    }

    @Test func expectContinueIsAnsweredOrRefusedBeforeTheBody() async throws {
        try await withServer { port in
            let socket = try RawSocket(port: port)
            try socket.send(
                Self.post("", extra: "Expect: 100-continue\r\n").replacingOccurrences(
                    of: "Content-Length: 0", with: "Content-Length: \(Self.infer.utf8.count)"))
            let interim = try socket.readResponse(expectBody: false)
            #expect(interim.statusLine == "HTTP/1.1 100 Continue")
            try socket.send(Self.infer)
            #expect(try socket.readResponse().body == Self.inferAnswer)

            // Over the limit: 413 at once, no 100, and the connection closes (the body will never come).
            let refused = try RawSocket(port: port)
            try refused.send(
                "POST /v2/models/TestModel/infer HTTP/1.1\r\nHost: t\r\nContent-Length: 5000\r\nExpect: 100-continue\r\n\r\n")
            let response = try refused.readResponse()
            #expect(response.statusLine == "HTTP/1.1 413 Payload Too Large")
            #expect(response.body == #"{"error":"Request body is larger than the limit of 4096 bytes."}"#)
            #expect(response.headers["connection"] == "close")
            #expect(try refused.readToEnd().isEmpty)
        }
    }

    @Test func bodyOverTheLimitIs413AndTheConnectionStaysUsable() async throws {
        try await withServer { port in
            for framing in ["Content-Length: 6000\r\n", "Transfer-Encoding: chunked\r\n"] {
                let socket = try RawSocket(port: port)
                let big = String(repeating: " ", count: 6000)
                let body = framing.hasPrefix("Content") ? big : "1770\r\n\(big)\r\n0\r\n\r\n"
                try socket.send("POST /v2/models/TestModel/infer HTTP/1.1\r\nHost: t\r\n\(framing)\r\n\(body)")
                let response = try socket.readResponse()
                #expect(response.statusLine == "HTTP/1.1 413 Payload Too Large", "\(framing)")
                try socket.send(Self.post(Self.infer))
                #expect(try socket.readResponse().body == Self.inferAnswer, "\(framing)")
            }
        }
    }

    @Test func headResponsesCarryNoBody() async throws {
        try await withServer { port in
            let socket = try RawSocket(port: port)
            try socket.send("HEAD / HTTP/1.1\r\nHost: t\r\n\r\nGET /v2/health/live HTTP/1.1\r\nHost: t\r\n\r\n")
            let head = try socket.readResponse(expectBody: false)
            #expect(head.statusLine == "HTTP/1.1 405 Method Not Allowed")
            #expect(head.headers["content-length"] == "31")
            // The next response starts right after the head's headers: no body was sent.
            let live = try socket.readResponse()
            #expect(live.statusLine == "HTTP/1.1 200 OK" && live.body == #"{"live":true}"#)
        }
    }

    @Test func malformedRequestsGet400() async throws {
        try await withServer { port in
            let socket = try RawSocket(port: port)
            try socket.send("GARBAGE\r\n\r\n")
            let response = try socket.readResponse()
            #expect(response.statusLine == "HTTP/1.1 400 Bad Request")
            #expect(response.headers["connection"] == "close" && response.headers["content-length"] == "0")
        }
    }

    @Test func malformedRequestAfterPipelinedOnesIsAnsweredInItsTurn() async throws {
        try await withServer { port in
            let socket = try RawSocket(port: port)
            try socket.send(Self.post(Self.infer) + "GET /v2/health/live HTTP/1.1\r\nHost: t\r\n\r\n" + "GARBAGE\r\n\r\n")
            #expect(try socket.readResponse().body == Self.inferAnswer)
            #expect(try socket.readResponse().body == #"{"live":true}"#)
            let refused = try socket.readResponse()
            #expect(refused.statusLine == "HTTP/1.1 400 Bad Request" && refused.headers["connection"] == "close")
            #expect(try socket.readToEnd().isEmpty)
        }
    }
}

/// A blocking TCP client socket to 127.0.0.1 with a 10-second receive timeout.
final class RawSocket {
    struct Response {
        var statusLine: String
        var headers: [String: String]
        var body: String
    }

    private let descriptor: Int32
    private var buffer: [UInt8] = []

    init(port: Int) throws {
        descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var timeout = timeval(tv_sec: 10, tv_usec: 0)
        setsockopt(descriptor, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        let result = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard result == 0 else { throw POSIXError(.ECONNREFUSED) }
    }

    deinit { close(descriptor) }

    func send(_ text: String) throws {
        let bytes = Array(text.utf8)
        var sent = 0
        while sent < bytes.count {
            let count = bytes[sent...].withUnsafeBytes { Glibc.send(descriptor, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            guard count > 0 else { throw POSIXError(.EPIPE) }
            sent += count
        }
    }

    /// Reads one response (status line, headers, `content-length` bytes of body).
    func readResponse(expectBody: Bool = true) throws -> Response {
        while true {
            if let end = headerEnd() {
                let head = String(decoding: buffer[..<end], as: UTF8.self).components(separatedBy: "\r\n")
                var headers: [String: String] = [:]
                for line in head.dropFirst() {
                    guard let colon = line.firstIndex(of: ":") else { continue }
                    headers[line[..<colon].lowercased()] = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
                }
                let length = expectBody ? Int(headers["content-length"] ?? "0") ?? 0 : 0
                while buffer.count < end + 4 + length { guard try fill() else { throw POSIXError(.ECONNRESET) } }
                let body = String(decoding: buffer[(end + 4)..<(end + 4 + length)], as: UTF8.self)
                buffer.removeFirst(end + 4 + length)
                return Response(statusLine: head[0], headers: headers, body: body)
            }
            guard try fill() else { throw POSIXError(.ECONNRESET) }
        }
    }

    /// Reads until the server closes the connection; what arrived.
    func readToEnd() throws -> [UInt8] {
        while try fill() {}
        defer { buffer = [] }
        return buffer
    }

    private func headerEnd() -> Int? {
        guard buffer.count >= 4 else { return nil }
        for index in 0...(buffer.count - 4) where buffer[index] == 13 && buffer[index + 1] == 10 && buffer[index + 2] == 13 && buffer[index + 3] == 10
        {
            return index
        }
        return nil
    }

    /// Reads more bytes; `false` at end of stream.
    private func fill() throws -> Bool {
        var chunk = [UInt8](repeating: 0, count: 65536)
        let count = chunk.withUnsafeMutableBytes { recv(descriptor, $0.baseAddress, $0.count, 0) }
        if count < 0 { throw POSIXError(.ETIMEDOUT) }
        buffer.append(contentsOf: chunk[..<count])
        return count > 0
    }
}
