import Foundation
import Logging
import NIOCore
import NIOHTTP1
import NIOPosix
import PredictorClient
import ServiceLifecycle

@testable import Transformer

/// How a test reaches the REST routes: the responder called in process, or the real server over a socket.
enum TestingSetup: CaseIterable, Sendable {
    case router
    case live
}

/// The methods the tests use.
enum TestMethod: String, Sendable {
    case get = "GET"
    case post = "POST"
    case head = "HEAD"
}

/// A response as a test sees it.
struct TestResponse {
    var status: HTTPResponseStatus
    var headers: HTTPHeaders
    var body: ByteBuffer
}

/// Sends requests either to the responder directly or over a live socket (libcurl, through PredictorClient).
struct TestClient: Sendable {
    let responder: KServeResponder
    let live: (client: HTTPClient, port: Int)?

    func execute(uri: String, method: TestMethod, headers: HTTPHeaders = [:], body: ByteBuffer? = nil) async throws -> TestResponse {
        guard let live else {
            let request = RESTRequest(method: HTTPMethod(rawValue: method.rawValue), uri: uri, headers: headers, body: body ?? ByteBuffer())
            let response = await responder.respond(to: request)
            var body = response.body
            for part in response.sharedParts { body.writeImmutableBuffer(part) }
            return TestResponse(status: response.status, headers: response.headers, body: body)
        }
        let response = try await live.client.execute(
            .init(
                method: method.rawValue, url: "http://127.0.0.1:\(live.port)\(uri)", headers: headers.map { ($0.name, $0.value) },
                body: body.map { Array(buffer: $0) }))
        var fields = HTTPHeaders()
        for header in response.headers { fields.add(name: header.name, value: header.value) }
        return TestResponse(status: HTTPResponseStatus(statusCode: response.status), headers: fields, body: response.body)
    }
}

/// A responder and, for live tests, the server around it on 127.0.0.1 and a free port.
struct RESTTestApplication: Sendable {
    let responder: KServeResponder

    func test(_ setup: TestingSetup, _ body: @Sendable (TestClient) async throws -> Void) async throws {
        guard setup == .live else {
            try await body(TestClient(responder: responder, live: nil))
            return
        }
        try await withLiveServer { port in
            try await withHTTPClient(configuration: .init(timeout: .seconds(30))) { client in
                try await body(TestClient(responder: responder, live: (client, port)))
            }
        }
    }

    /// Runs the real server (``HTTPServer``) in a service group for the duration of `body`, then shuts it down
    /// gracefully.
    func withLiveServer(_ body: @Sendable (Int) async throws -> Void) async throws {
        let (ports, continuation) = AsyncStream.makeStream(of: Int.self)
        let server = HTTPServer(
            configuration: .init(host: "127.0.0.1", port: 0, keepAliveTimeout: .seconds(5)), responder: responder,
            eventLoopGroup: MultiThreadedEventLoopGroup.singleton,
            onListening: { port in continuation.yield(port) })
        let group = ServiceGroup(services: [server], logger: Logger(label: "test"))
        try await withThrowingTaskGroup(of: Void.self) { tasks in
            tasks.addTask { try await group.run() }
            var iterator = ports.makeAsyncIterator()
            guard let port = await iterator.next() else { return }
            do {
                try await body(port)
            } catch {
                await group.triggerGracefulShutdown()
                throw error
            }
            await group.triggerGracefulShutdown()
            try await tasks.waitForAll()
        }
    }
}
