import Foundation
import PredictorClient
import Synchronization
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// A measurement, not a test: disabled unless `CLIENT_BENCH=1`. N 1 KB POSTs (default 20,000; `CLIENT_BENCH_N`),
/// 32 in flight (`CLIENT_BENCH_CONCURRENCY`), against nginx on 127.0.0.1 answering a fixed body, pinned to CPU 0;
/// prints requests per second, latency percentiles and the CPU time of this process per request (getrusage). Run
/// it in a release build, with the client pinned to the other CPU:
///
///     CLIENT_BENCH=1 taskset -c 1 swift test -c release --filter ClientBenchmark
@Suite struct ClientBenchmark {
    static let environment = ProcessInfo.processInfo.environment

    @Test(.enabled(if: environment["CLIENT_BENCH"] == "1" && NginxServer.isAvailable))
    func oneKilobytePosts() async throws {
        let total = Int(Self.environment["CLIENT_BENCH_N"] ?? "") ?? 20_000
        let concurrency = Int(Self.environment["CLIENT_BENCH_CONCURRENCY"] ?? "") ?? 32
        let nginx = try NginxServer(body: "{\"predictions\":[1,2,3]}", cpu: 0)
        defer { nginx.stop() }
        let request = HTTPClient.Request(
            method: "POST", url: nginx.url("/v1/models/m:predict"), headers: [("Content-Type", "application/json")],
            body: Array(repeating: UInt8(ascii: "7"), count: 1024))

        try await withHTTPClient(configuration: .init(timeout: .seconds(30))) { client in
            _ = try await run(client, request, total: 2_000, concurrency: concurrency)  // warm-up: connections, handles
            let cpuBefore = cpuTime()
            let clock = ContinuousClock()
            let start = clock.now
            var latencies = try await run(client, request, total: total, concurrency: concurrency)
            let wall = clock.now - start
            let cpu = cpuTime() - cpuBefore
            latencies.sort()
            let seconds = Double(wall.components.seconds) + Double(wall.components.attoseconds) * 1e-18
            func percentile(_ p: Double) -> String {
                String(format: "%.2f", latencies[min(latencies.count - 1, Int(Double(latencies.count) * p))] * 1000)
            }
            print(
                String(
                    format:
                        "client bench: %d x 1 KB POST, %d in flight: %.0f req/s, p50 %@ ms, p99 %@ ms, client CPU %.1f µs/request (%.2f s in %.2f s)",
                    total, concurrency, Double(total) / seconds, percentile(0.5), percentile(0.99), cpu / Double(total) * 1e6, cpu,
                    seconds))
        }
    }

    /// `total` requests, `concurrency` at a time; returns each one's latency in seconds.
    private func run(_ client: HTTPClient, _ request: HTTPClient.Request, total: Int, concurrency: Int) async throws -> [Double] {
        let next = Counter()
        return try await withThrowingTaskGroup(of: [Double].self) { group in
            for _ in 0..<concurrency {
                group.addTask {
                    var latencies: [Double] = []
                    latencies.reserveCapacity(total / concurrency + 1)
                    let clock = ContinuousClock()
                    while next.value.wrappingAdd(1, ordering: .relaxed).oldValue < total {
                        let start = clock.now
                        let response = try await client.execute(request)
                        let elapsed = (clock.now - start).components
                        guard response.status == 200 else { throw TestFailure("status \(response.status)") }
                        latencies.append(Double(elapsed.seconds) + Double(elapsed.attoseconds) * 1e-18)
                    }
                    return latencies
                }
            }
            return try await group.reduce(into: []) { $0 += $1 }
        }
    }

    private final class Counter: Sendable {
        let value = Atomic(0)
    }

    /// User plus system CPU time of this process so far, in seconds.
    private func cpuTime() -> Double {
        var usage = rusage()
        getrusage(__rusage_who_t(RUSAGE_SELF.rawValue), &usage)
        func seconds(_ time: timeval) -> Double { Double(time.tv_sec) + Double(time.tv_usec) * 1e-6 }
        return seconds(usage.ru_utime) + seconds(usage.ru_stime)
    }
}
