// Micro-benchmarks of the outbound HTTP client (PredictorClient.HTTPClient, libcurl's multi interface): 1 KB POST
// round trips to an echo server in the same process on 127.0.0.1 (EchoServer.swift). Run with scripts/bench-micro;
// Benchmarks/README.md describes each case. The malloc counts include the in-process server's share.

import Benchmark
import NIOCore
import PredictorClient
import Synchronization

let benchmarks: @Sendable () -> Void = {
    let bench = ClientBench()

    // Throughput under load, as a transformer forwarding to one predictor: 32 requests in flight at all times.
    Benchmark("post-1kb-32-in-flight", configuration: clientCase()) { benchmark in
        do {
            try await bench.post(count: benchmark.scaledIterations.count, concurrency: 32)
        } catch {
            benchmark.error("\(error)")
        }
    } setup: {
        try await bench.start(connections: 32)
    } teardown: {
        try await bench.stop()
    }

    // Latency of one request at a time over a kept-alive connection.
    Benchmark("post-1kb-sequential", configuration: clientCase()) { benchmark in
        do {
            try await bench.post(count: benchmark.scaledIterations.count, concurrency: 1)
        } catch {
            benchmark.error("\(error)")
        }
    } setup: {
        try await bench.start(connections: 1)
    } teardown: {
        try await bench.stop()
    }
}

/// A server and a client for one benchmark, started by its setup and stopped by its teardown.
final class ClientBench: Sendable {
    private struct Running {
        let server: EchoServer
        let client: HTTPClient
        let request: HTTPClient.Request
    }

    private let running = Mutex<Running?>(nil)
    /// The request body: 1 KiB of JSON, as a small v1 `instances` payload would be.
    private static let body: [UInt8] = {
        let head = Array(#"{"instances": [["#.utf8)
        let tail = Array("]]}".utf8)
        let fill = 1024 - head.count - tail.count
        return head + (0..<fill).map { $0 % 2 == 0 ? UInt8(ascii: "7") : UInt8(ascii: ",") } + tail
    }()

    /// Starts the echo server and a client with at most `connections` connections, then opens them.
    func start(connections: Int) async throws {
        let server = try await EchoServer()
        let client = HTTPClient(configuration: .init(timeout: .seconds(30), maxConnectionsPerHost: connections))
        let request = HTTPClient.Request(
            method: "POST", url: "http://127.0.0.1:\(server.port)/v1/models/bench-model:predict",
            headers: [("Content-Type", "application/json")], body: Self.body)
        running.withLock { $0 = Running(server: server, client: client, request: request) }
        try await post(count: 4 * connections, concurrency: connections)
    }

    /// Sends `count` requests, `concurrency` at a time, and checks each answer.
    func post(count: Int, concurrency: Int) async throws {
        guard let (client, request) = running.withLock({ $0.map { ($0.client, $0.request) } }) else {
            throw BenchError("not started")
        }
        let next = Counter()
        try await withThrowingTaskGroup(of: Void.self) { group in
            for _ in 0..<concurrency {
                group.addTask {
                    while next.value.wrappingAdd(1, ordering: .relaxed).oldValue < count {
                        let response = try await client.execute(request)
                        guard response.status == 200, response.body.readableBytes == Self.body.count else {
                            throw BenchError("unexpected answer: status \(response.status), \(response.body.readableBytes) bytes")
                        }
                    }
                }
            }
            try await group.waitForAll()
        }
    }

    /// Shuts the client and the server down.
    func stop() async throws {
        let stopping = running.withLock { value in
            defer { value = nil }
            return value
        }
        guard let stopping else { return }
        stopping.client.shutdown()
        try await stopping.server.shutdown()
    }
}

/// The next request's number, shared by the tasks of one ``ClientBench/post(count:concurrency:)``.
final class Counter: Sendable {
    let value = Atomic(0)
}

/// A benchmark's own failure (not started, wrong answer).
struct BenchError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

/// 1,000 requests per iteration (figures are per request, marked `*`), about 3 s.
func clientCase() -> Benchmark.Configuration {
    .init(
        metrics: [.wallClock, .throughput, .mallocCountTotal, .cpuTotal],
        warmupIterations: 1,
        scalingFactor: .kilo,
        maxDuration: .seconds(3),
        maxIterations: 100,
        thresholds: [
            .wallClock: .init(relative: [.p50: 15]),
            .throughput: .init(relative: [.p50: 15]),
            .mallocCountTotal: .init(relative: [.p50: 5]),
        ]
    )
}
