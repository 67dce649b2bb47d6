import Foundation
import InferenceProtocol
import NIOCore
import PredictorClient
import Synchronization
import Testing

/// What `test_server.py` echoes.
struct Echo: Decodable {
    var method: String
    var path: String
    var headers: [[String]]
    var body: String
    var client_port: Int

    init(_ response: HTTPClient.Response) throws {
        self = try JSONDecoder().decode(Echo.self, from: Data(Array(buffer: response.body)))
    }

    var bodyBytes: [UInt8] { Array(Data(base64Encoded: body) ?? Data()) }

    /// The values of the request header fields named `name`, compared case-insensitively.
    func header(_ name: String) -> [String] {
        headers.filter { $0[0].lowercased() == name.lowercased() }.map { $0[1] }
    }
}

/// Server statistics from `GET /_stats`.
struct Stats: Decodable {
    var connections: Int
    var hang_closed: Int
}

func stats(_ server: TestServer) async throws -> Stats {
    try await withHTTPClient { client in
        try JSONDecoder().decode(Stats.self, from: Data(Array(buffer: try await client.execute(.init(url: server.url("/_stats"))).body)))
    }
}

/// How many hanging requests' connections the server has seen closed, once that is more than none (or 0 after a
/// second).
func closedHangs(_ server: TestServer) async throws -> Int {
    for _ in 0..<100 {
        let closed = try await stats(server).hang_closed
        if closed > 0 { return closed }
        try await Task.sleep(for: .milliseconds(10))
    }
    return 0
}

/// POSTs `count` requests at once, each to `prefix/<index>` with a body of its own; checks that each got its own
/// path and body back and returns the client ports the server saw.
func portsOfConcurrentPosts(_ count: Int, to prefix: String, on server: TestServer, with client: HTTPClient) async throws -> Set<Int> {
    try await withThrowingTaskGroup(of: Int.self) { group in
        for index in 0..<count {
            group.addTask {
                let body = Array("request \(index)".utf8)
                let echo = try Echo(try await client.execute(.init(method: "POST", url: server.url("\(prefix)/\(index)"), body: body)))
                #expect(echo.bodyBytes == body)
                #expect(echo.path == "\(prefix)/\(index)")
                return echo.client_port
            }
        }
        var ports = Set<Int>()
        for try await port in group { ports.insert(port) }
        return ports
    }
}

/// Every byte value, `repeats` times over.
func allByteValues(repeats: Int) -> [UInt8] {
    (0..<(256 * repeats)).map { UInt8(truncatingIfNeeded: $0) }
}

/// Runs `body` and returns the error it throws as an `HTTPClientError`.
func clientError(_ body: () async throws -> Void) async -> HTTPClientError? {
    do {
        try await body()
        return nil
    } catch let error as HTTPClientError {
        return error
    } catch {
        Issue.record("unexpected error type: \(error)")
        return nil
    }
}

@Suite(.serialized) struct HTTPClientTests {
    @Test func getEchoesMethodPathAndHeaders() async throws {
        try await withTestServer { server in
            try await withHTTPClient { client in
                let response = try await client.execute(
                    .init(url: server.url("/v1/models/m?x=1"), headers: [("X-Request-Id", "abc-123"), ("Traceparent", "00-01-02-01")]))
                #expect(response.status == 200)
                #expect(response.value(forHeader: "Content-Type") == "application/json")
                #expect(response.headers.allSatisfy { $0.name == $0.name.lowercased() })
                let echo = try Echo(response)
                #expect(echo.method == "GET")
                #expect(echo.path == "/v1/models/m?x=1")
                #expect(echo.header("x-request-id") == ["abc-123"])
                #expect(echo.header("traceparent") == ["00-01-02-01"])
                #expect(echo.header("expect").isEmpty)
                #expect(echo.header("content-type").isEmpty)
                #expect(echo.bodyBytes.isEmpty)
            }
        }
    }

    @Test func postSendsAndReceivesExactBinaryBytes() async throws {
        let body = allByteValues(repeats: 4)
        try await withTestServer { server in
            try await withHTTPClient { client in
                let echoed = try await client.execute(
                    .init(method: "POST", url: server.url("/echo"), headers: [("Content-Type", "application/octet-stream")], body: body))
                let echo = try Echo(echoed)
                #expect(echo.method == "POST")
                #expect(echo.bodyBytes == body)
                #expect(echo.header("content-type") == ["application/octet-stream"])
                #expect(echo.header("content-length") == ["\(body.count)"])

                let raw = try await client.execute(.init(method: "POST", url: server.url("/echo?raw=1"), body: body))
                #expect(raw.status == 200)
                #expect(Array(buffer: raw.body) == body)
                #expect(raw.value(forHeader: "content-length") == "\(body.count)")
            }
        }
    }

    /// Parts of a body, kept in arrays.
    struct Parts: HTTPClient.SegmentedBody {
        var parts: [[UInt8]]
        var count: Int { parts.reduce(0) { $0 + $1.count } }
        func forEachSegment(_ body: (UnsafeRawBufferPointer) -> Void) {
            for part in parts { part.withUnsafeBytes(body) }
        }
    }

    @Test(arguments: [[3, 0, 250, 1], [1 << 20, 0, 700_001, 5, 1 << 20]])
    func segmentedBodyIsSentAsTheConcatenationOfItsParts(lengths: [Int]) async throws {
        var seed: UInt8 = 7
        let parts = lengths.map { length in
            (0..<length).map { _ in
                seed = seed &* 31 &+ 17
                return seed
            }
        }
        try await withTestServer { server in
            try await withHTTPClient { client in
                var request = HTTPClient.Request(
                    method: "POST", url: server.url("/echo?raw=1"), headers: [("Content-Type", "application/octet-stream")])
                request.body = .segments(Parts(parts: parts))
                let response = try await client.execute(request)
                #expect(response.status == 200)
                #expect(response.value(forHeader: "content-length") == "\(lengths.reduce(0, +))")
                #expect(Array(buffer: response.body) == parts.flatMap { $0 })
            }
        }
    }

    @Test(arguments: ["PUT", "PATCH", "DELETE"])
    func otherMethodsAreSentAsGiven(method: String) async throws {
        try await withTestServer { server in
            try await withHTTPClient { client in
                let body: [UInt8]? = method == "DELETE" ? nil : Array("payload".utf8)
                let echo = try Echo(try await client.execute(.init(method: method, url: server.url("/m"), body: body)))
                #expect(echo.method == method)
                #expect(echo.bodyBytes == (body ?? []))
            }
        }
    }

    @Test func emptyPostBody() async throws {
        try await withTestServer { server in
            try await withHTTPClient { client in
                for body in [nil, []] as [[UInt8]?] {
                    let echo = try Echo(try await client.execute(.init(method: "POST", url: server.url("/p"), body: body)))
                    #expect(echo.method == "POST")
                    #expect(echo.header("content-length") == ["0"])
                    #expect(echo.bodyBytes.isEmpty)
                }
            }
        }
    }

    /// libcurl would add `Expect: 100-continue` to a body over 1 MB and wait a second for an interim response.
    @Test func largePostSendsNoExpectAndDoesNotStall() async throws {
        let body = allByteValues(repeats: 8192)  // 2 MiB
        try await withTestServer { server in
            try await withHTTPClient { client in
                _ = try await client.execute(.init(url: server.url("/warm-up")))
                let clock = ContinuousClock()
                let start = clock.now
                let raw = try await client.execute(.init(method: "POST", url: server.url("/big?raw=1"), body: body))
                let elapsed = clock.now - start
                #expect(Array(buffer: raw.body) == body)
                #expect(elapsed < .milliseconds(500), "a 2 MiB POST took \(elapsed)")

                let echo = try Echo(try await client.execute(.init(method: "POST", url: server.url("/big"), body: body)))
                #expect(echo.header("expect").isEmpty)
                #expect(echo.bodyBytes == body)
                // Around the size from which the empty `Expect:` is sent, and around libcurl's own 1 MiB threshold.
                for size in [0, 1, (512 << 10) - 1, 512 << 10, (1 << 20) - 1, 1 << 20, (1 << 20) + 1] {
                    let sized = Array(body.prefix(size))
                    let answer = try Echo(try await client.execute(.init(method: "POST", url: server.url("/sized"), body: sized)))
                    #expect(answer.header("expect").isEmpty, "\(size) bytes")
                    #expect(answer.bodyBytes == sized, "\(size) bytes")
                }
            }
        }
    }

    @Test func statusCodesArePassedThrough() async throws {
        try await withTestServer { server in
            try await withHTTPClient { client in
                for status in [200, 201, 400, 404, 422, 500, 502, 503] {
                    let response = try await client.execute(
                        .init(method: "POST", url: server.url("/s?status=\(status)&raw=1"), body: Array("err".utf8)))
                    #expect(response.status == status)
                    #expect(Array(buffer: response.body) == Array("err".utf8))
                }
            }
        }
    }

    @Test func responseHeadersAreCollectedWithLowerCasedNames() async throws {
        try await withTestServer { server in
            try await withHTTPClient { client in
                let response = try await client.execute(
                    .init(url: server.url("/h?header=X-Custom-Thing:Some%20Value&header=Inference-Header-Content-Length:42")))
                #expect(response.headers.contains { $0 == (name: "x-custom-thing", value: "Some Value") })
                #expect(response.value(forHeader: "INFERENCE-HEADER-CONTENT-LENGTH") == "42")
                #expect(response.value(forHeader: "content-length") == "\(response.body.readableBytes)")
                #expect(!response.headers.contains { $0.name.hasPrefix("http/") })
            }
        }
    }

    @Test func keepAliveReusesOneConnection() async throws {
        try await withTestServer { server in
            try await withHTTPClient { client in
                var ports = Set<Int>()
                for index in 0..<20 {
                    let request = HTTPClient.Request(method: "POST", url: server.url("/k"), body: [UInt8(index)])
                    ports.insert(try Echo(try await client.execute(request)).client_port)
                }
                #expect(ports.count == 1)
            }
            #expect(try await stats(server).connections == 2)  // the client's one, and the one of `stats`
        }
    }

    /// One connection and so one easy handle for all of them: each request's method and body are its own, whatever
    /// the request before it on the handle set.
    @Test func aReusedHandleCarriesNothingOverFromItsLastRequest() async throws {
        let payload = Array("payload".utf8)
        let segments = Parts(parts: [Array("seg".utf8), [], Array("mented".utf8)])
        var steps: [(request: HTTPClient.Request, method: String, body: [UInt8])] = []
        func add(_ method: String, _ body: HTTPClient.Request.Body?, expected: [UInt8]) {
            var request = HTTPClient.Request(method: method, url: "", headers: [("Content-Type", "application/octet-stream")])
            request.body = body
            steps.append((request, method, expected))
        }
        add("POST", .bytes(payload), expected: payload)
        add("GET", nil, expected: [])
        add("HEAD", nil, expected: [])
        add("POST", .segments(segments), expected: Array("segmented".utf8))
        add("DELETE", nil, expected: [])
        add("PUT", .segments(segments), expected: Array("segmented".utf8))
        add("HEAD", nil, expected: [])
        add("POST", nil, expected: [])
        add("PATCH", .bytes(payload), expected: payload)
        add("GET", nil, expected: [])
        add("POST", .bytes([]), expected: [])
        try await withTestServer { server in
            try await withHTTPClient(configuration: .init(maxConnectionsPerHost: 1)) { client in
                var ports = Set<Int>()
                for (index, step) in steps.enumerated() {
                    var request = step.request
                    request.url = server.url("/reuse/\(index)")
                    let response = try await client.execute(request)
                    #expect(response.status == 200)
                    if step.method == "HEAD" {
                        #expect(response.value(forHeader: "x-method") == "HEAD", "step \(index)")
                        #expect(response.body.readableBytes == 0, "step \(index)")
                        continue
                    }
                    let echo = try Echo(response)
                    #expect(echo.method == step.method, "step \(index)")
                    #expect(echo.path == "/reuse/\(index)")
                    #expect(echo.bodyBytes == step.body, "step \(index)")
                    #expect(
                        echo.header("content-length") == (step.request.body == nil && step.method != "POST" ? [] : ["\(step.body.count)"]),
                        "step \(index)")
                    ports.insert(echo.client_port)
                }
                #expect(ports.count == 1)
            }
        }
    }

    @Test func connectionRefusedIsConnectionFailed() async throws {
        let port = try freePort()
        let url = "http://127.0.0.1:\(port)/v1/models/m:predict"
        await withHTTPClient { client in
            let error = await clientError { _ = try await client.execute(.init(method: "POST", url: url, body: [1])) }
            #expect(error?.code == .connectionFailed)
            #expect(error?.url == url)
            #expect(error?.message.contains(url) == true)
            #expect(error?.message.contains("\(port)") == true)
            let inference = error.map(InferenceError.init)
            #expect(inference?.code == .badGateway)
            #expect(inference?.code.httpStatus == 502)
            #expect(inference?.message.contains(url) == true)
        }
    }

    @Test func serverThatNeverAnswersTimesOutOnTime() async throws {
        try await withTestServer { server in
            try await withHTTPClient(configuration: .init(timeout: .seconds(1))) { client in
                _ = try await client.execute(.init(url: server.url("/warm-up")))
                let clock = ContinuousClock()
                let start = clock.now
                let error = await clientError { _ = try await client.execute(.init(method: "POST", url: server.url("/m?mode=hang"), body: [1, 2])) }
                let elapsed = clock.now - start
                #expect(error?.code == .timeout)
                #expect(elapsed >= .milliseconds(900) && elapsed <= .milliseconds(1100), "timed out after \(elapsed)")
                let inference = error.map(InferenceError.init)
                #expect(inference?.code == .gatewayTimeout)
                #expect(inference?.code.httpStatus == 504)
                #expect(inference?.message.contains(server.url("/m?mode=hang")) == true)
                #expect(try await client.execute(.init(url: server.url("/after"))).status == 200)
            }
        }
    }

    @Test func faultsAreErrorsAndTheClientKeepsWorking() async throws {
        try await withTestServer { server in
            try await withHTTPClient(configuration: .init(timeout: .seconds(5))) { client in
                let body = allByteValues(repeats: 1)
                for (mode, code) in [("reset", HTTPClientError.Code.connectionLost), ("truncate", .connectionLost)] {
                    let error = await clientError {
                        _ = try await client.execute(.init(method: "POST", url: server.url("/m?mode=\(mode)"), body: body))
                    }
                    #expect(error?.code == code, "mode \(mode): \(String(describing: error))")
                    #expect(error.map(InferenceError.init)?.code == .badGateway)
                    let after = try await client.execute(.init(method: "POST", url: server.url("/after?raw=1"), body: body))
                    #expect(after.status == 200)
                    #expect(Array(buffer: after.body) == body)
                }
                let refused = await clientError { _ = try await client.execute(.init(url: "http://127.0.0.1:\(try freePort())/")) }
                #expect(refused?.code == .connectionFailed)
                let malformed = await clientError {
                    _ = try await client.execute(.init(url: server.url("/"), headers: [("X-Bad", "a\r\nInjected: 1")]))
                }
                #expect(malformed?.code == .other)
                let badURL = await clientError { _ = try await client.execute(.init(url: "nota url")) }
                #expect(badURL != nil)
                #expect(try await client.execute(.init(url: server.url("/after"))).status == 200)
            }
        }
    }

    @Test func cancellingTheTaskCancelsTheTransferPromptly() async throws {
        try await withTestServer { server in
            try await withHTTPClient(configuration: .init(timeout: .seconds(30))) { client in
                let task = Task { try await client.execute(.init(method: "POST", url: server.url("/m?mode=hang"), body: [1])) }
                try await Task.sleep(for: .milliseconds(200))
                let clock = ContinuousClock()
                let start = clock.now
                task.cancel()
                let error = await clientError { _ = try await task.value }
                #expect(clock.now - start < .milliseconds(100))
                #expect(error?.code == .cancelled)
                // The transfer is gone: the server sees its connection closed.
                #expect(try await closedHangs(server) == 1)
                #expect(try await client.execute(.init(url: server.url("/after"))).status == 200)
            }
        }
    }

    @Test func aTaskCancelledBeforeItsRequestStartsFailsAtOnce() async throws {
        try await withTestServer { server in
            try await withHTTPClient { client throws in
                let task = Task {
                    withUnsafeCurrentTask { $0?.cancel() }
                    return try await client.execute(.init(url: server.url("/never")))
                }
                let error = await clientError { _ = try await task.value }
                #expect(error?.code == .cancelled)
                #expect(try await client.execute(.init(url: server.url("/after"))).status == 200)
            }
        }
    }

    @Test func thousandConcurrentRequestsStayWithinThePool() async throws {
        let maxConnections = 8
        try await withTestServer { server in
            try await withHTTPClient(configuration: .init(timeout: .seconds(60), maxConnectionsPerHost: maxConnections)) { client in
                let ports = try await portsOfConcurrentPosts(1000, to: "/c", on: server, with: client)
                #expect(ports.count <= maxConnections)
            }
            #expect(try await stats(server).connections <= maxConnections + 1)  // + the one of `stats`
        }
    }

    @Test func threadsTakeRequestsInTurnEachWithItsOwnPool() async throws {
        try await withTestServer { server in
            try await withHTTPClient(configuration: .init(threads: 2)) { client in
                var ports: [Int] = []
                for index in 0..<20 {
                    let request = HTTPClient.Request(method: "POST", url: server.url("/t"), body: [UInt8(index)])
                    let echo = try Echo(try await client.execute(request))
                    #expect(echo.bodyBytes == [UInt8(index)])
                    ports.append(echo.client_port)
                }
                // Sequential requests alternate between the two threads' keep-alive connections.
                #expect(Set(ports).count == 2)
                #expect(ports[0] != ports[1])
                #expect(ports.enumerated().allSatisfy { $0.element == ports[$0.offset % 2] })
            }
        }
    }

    @Test func threadsShareTheConnectionLimit() async throws {
        let maxConnections = 8
        try await withTestServer { server in
            let configuration = HTTPClient.Configuration(timeout: .seconds(60), maxConnectionsPerHost: maxConnections, threads: 3)
            try await withHTTPClient(configuration: configuration) { client in
                let ports = try await portsOfConcurrentPosts(300, to: "/s", on: server, with: client)
                #expect(ports.count >= 3)  // no thread can use another's connections
                #expect(ports.count <= maxConnections)
            }
            #expect(try await stats(server).connections <= maxConnections + 1)  // + the one of `stats`
        }
    }

    @Test func noMoreThreadsThanConnections() async throws {
        try await withTestServer { server in
            try await withHTTPClient(configuration: .init(maxConnectionsPerHost: 1, threads: 4)) { client in
                let ports = try await portsOfConcurrentPosts(20, to: "/one", on: server, with: client)
                #expect(ports.count == 1)
            }
        }
    }

    @Test func cancellingReachesTheThreadThatRunsTheTransfer() async throws {
        try await withTestServer { server in
            try await withHTTPClient(configuration: .init(timeout: .seconds(30), threads: 2)) { client in
                _ = try await client.execute(.init(url: server.url("/first")))  // the first thread's turn
                let task = Task { try await client.execute(.init(method: "POST", url: server.url("/m?mode=hang"), body: [1])) }
                try await Task.sleep(for: .milliseconds(200))
                task.cancel()
                let error = await clientError { _ = try await task.value }
                #expect(error?.code == .cancelled)
                #expect(try await closedHangs(server) == 1)
            }
        }
    }

    @Test func shutdownStopsEveryThread() async throws {
        try await withTestServer { server in
            let client = HTTPClient(configuration: .init(timeout: .seconds(30), threads: 2))
            let hanging = (0..<2).map { _ in Task { try await client.execute(.init(url: server.url("/m?mode=hang"))) } }
            try await Task.sleep(for: .milliseconds(200))
            client.shutdown()
            for task in hanging {
                let error = await clientError { _ = try await task.value }
                #expect(error?.code == .cancelled)
            }
            let later = await clientError { _ = try await client.execute(.init(url: server.url("/"))) }
            #expect(later?.code == .cancelled)
        }
    }

    @Test func shutdownFailsRequestsInFlightAndLaterOnes() async throws {
        try await withTestServer { server in
            let client = HTTPClient(configuration: .init(timeout: .seconds(30)))
            let task = Task { try await client.execute(.init(url: server.url("/m?mode=hang"))) }
            try await Task.sleep(for: .milliseconds(200))
            client.shutdown()
            let inFlight = await clientError { _ = try await task.value }
            #expect(inFlight?.code == .cancelled)
            let later = await clientError { _ = try await client.execute(.init(url: server.url("/"))) }
            #expect(later?.code == .cancelled)
            client.shutdown()
        }
    }

    /// GETs only: nginx answers a `return` location before reading a request body and then resets the HTTP/2
    /// stream, which libcurl 7.88 reports as an error (curl's own command line fails the same way).
    @Test(.enabled(if: NginxServer.isAvailable)) func http2WithPriorKnowledge() async throws {
        let nginx = try NginxServer(body: "$server_protocol", http2: true)
        defer { nginx.stop() }
        try await withHTTPClient(configuration: .init(http2PriorKnowledge: true, maxConnectionsPerHost: 2)) { client in
            let responses = try await withThrowingTaskGroup(of: HTTPClient.Response.self) { group in
                for _ in 0..<50 { group.addTask { try await client.execute(.init(url: nginx.url("/"))) } }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            #expect(responses.count == 50)
            #expect(responses.allSatisfy { $0.status == 200 && Array(buffer: $0.body) == Array("HTTP/2.0".utf8) })
        }
    }
}
