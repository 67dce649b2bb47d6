// Micro-benchmarks of the REST v1 and v2 codecs (module InferenceProtocol): what the server does with a request body
// before and after the model runs, minus HTTP. Run with scripts/bench-micro; Benchmarks/README.md describes each
// case. Names are the ones scripts/bench-codec uses where the work is the same.

import Benchmark
import InferenceProtocol

let benchmarks: @Sendable () -> Void = {
    // MARK: Small requests: 1,000 operations per iteration, figures per operation

    Benchmark("json-decode-16", configuration: smallCase()) { benchmark, fixture in
        for _ in benchmark.scaledIterations {
            blackHole(try decodeJSONAndRead(fixture.body))
        }
    } setup: {
        try Fixture(jsonRequestBody(normalFloats(16, seed: 16), shape: [1, 16]))
    }

    Benchmark("json-roundtrip-16", configuration: smallCase()) { benchmark, fixture in
        for _ in benchmark.scaledIterations {
            let request = try decodeJSONAndRead(fixture.body)
            blackHole(try InferResponse(answering: request, outputs: [echoOutput(of: request)]).restBody())
        }
    } setup: {
        try Fixture(jsonRequestBody(normalFloats(16, seed: 16), shape: [1, 16]))
    }

    Benchmark("binary-roundtrip-16", configuration: smallCase()) { benchmark, fixture in
        for _ in benchmark.scaledIterations {
            let request = try InferRequest(body: fixture.body, jsonLength: fixture.jsonLength!, modelName: modelName)
            try readInput(of: request)
            blackHole(try InferResponse(answering: request, outputs: [echoOutput(of: request)]).restBody())
        }
    } setup: {
        try Fixture(binary: normalFloats(16, seed: 16), shape: [1, 16], binaryOutputs: true)
    }

    // MARK: Large requests: one operation per iteration

    // ~12 MB of JSON text: decode, then read the values (the decoder keeps large FP32 arrays as text until read).
    Benchmark("json-decode-1m", configuration: largeCase()) { benchmark, fixture in
        try timed(benchmark) {
            blackHole(try decodeJSONAndRead(fixture.body))
            return fixture.body.count
        }
    } setup: {
        try Fixture(jsonRequestBody(normalFloats(1 << 20, seed: 1), shape: [1 << 20]))
    }

    // A response holding 1M FP32 values made in Swift (not decoded text), so every value is formatted: ~12 MB.
    Benchmark("json-encode-1m", configuration: largeCase()) { benchmark, fixture in
        try timed(benchmark) {
            let body = try InferResponse(answering: fixture.request, outputs: fixture.outputs).restBody()
            blackHole(body)
            return body.bytes.count
        }
    } setup: {
        try Fixture(
            jsonRequestBody(normalFloats(16, seed: 16), shape: [1, 16]),
            outputs: [InferTensor(name: "output-0", shape: [1 << 20], values: normalFloats(1 << 20, seed: 1))])
    }

    // The identity transformer's path: a ~1 MB JSON request decoded and re-encoded for the predictor, values never
    // read (so they travel as the text they arrived in).
    Benchmark("json-passthrough-1mb", configuration: largeCase(maxIterations: 1_000)) { benchmark, fixture in
        try timed(benchmark) {
            let request = try InferRequest(json: fixture.body, modelName: modelName)
            blackHole(try request.restBody(binaryInputs: false))
            return fixture.body.count
        }
    } setup: {
        try Fixture(jsonRequestBody(atLeast: 1_000_000, seed: 2))
    }

    // A ~1 MB v1 request, `{"instances": [[...]]}`: every number is read into a `JSONValue`.
    Benchmark("v1-decode-1mb", configuration: largeCase(maxIterations: 1_000)) { benchmark, fixture in
        try timed(benchmark) {
            blackHole(try V1Request(body: fixture.body, headers: v1Headers))
            return fixture.body.count
        }
    } setup: {
        try V1Fixture(v1RequestBody(atLeast: 1_000_000, seed: 4))
    }

    // An echo model's v1 path: decode, answer with the instances as predictions. The untouched array is written as
    // the text it came in (JSONSourceText), not printed anew.
    Benchmark("v1-echo-1mb", configuration: largeCase(maxIterations: 1_000)) { benchmark, fixture in
        try timed(benchmark) {
            let request = try V1Request(body: fixture.body, headers: v1Headers)
            let response = V1Response(
                echoAnswer(to: request), answering: request, modelName: modelName, cloudEventSettings: CloudEventSettings())
            blackHole(response)
            return fixture.body.count
        }
    } setup: {
        try V1Fixture(v1RequestBody(atLeast: 1_000_000, seed: 4))
    }

    // 64 MiB of FP32 after a short JSON header: decode, then read the values.
    Benchmark("binary-decode-64mib", configuration: largeCase(memory: true)) { benchmark, fixture in
        try timed(benchmark) {
            let request = try InferRequest(body: fixture.body, jsonLength: fixture.jsonLength!, modelName: modelName)
            try readInput(of: request)
            blackHole(request)
            return fixture.body.count
        }
    } setup: {
        try Fixture(binary: normalFloats(16 << 20, seed: 3), shape: [16 << 20], binaryOutputs: false)
    }
}

/// One case's request body, made before the measurement. A class, so that handing it to each iteration costs a
/// retain and nothing else.
final class Fixture {
    /// The body's bytes, in memory the fixture owns (so iterations need no `withUnsafeBytes`).
    let body: UnsafeRawBufferPointer
    /// The length of the JSON header of a binary-extension body; `nil` for a JSON body.
    let jsonLength: Int?
    /// The body decoded once, for cases that start from a request.
    let request: InferRequest
    /// Outputs for the encode cases.
    let outputs: [InferOutput]

    /// Copies `bytes` and checks that they decode.
    init(_ bytes: [UInt8], jsonLength: Int? = nil, outputs: [InferOutput] = []) throws {
        self.outputs = outputs
        let copy = UnsafeMutableRawBufferPointer.allocate(byteCount: bytes.count, alignment: 64)
        bytes.withUnsafeBytes { copy.copyMemory(from: $0) }
        body = UnsafeRawBufferPointer(copy)
        self.jsonLength = jsonLength
        if let jsonLength {
            request = try InferRequest(body: body, jsonLength: jsonLength, modelName: modelName)
        } else {
            request = try InferRequest(json: body, modelName: modelName)
        }
        try readInput(of: request)
    }

    /// A binary-extension request of `values` (see ``binaryRequestBody(_:shape:binaryOutputs:)``).
    convenience init(binary values: [Float], shape: [Int], binaryOutputs: Bool) throws {
        let (body, jsonLength) = binaryRequestBody(values, shape: shape, binaryOutputs: binaryOutputs)
        try self.init(body, jsonLength: jsonLength)
    }

    deinit {
        body.deallocate()
    }
}

/// 1,000 operations per iteration (figures are per operation, marked `*`), about 2 s.
func smallCase() -> Benchmark.Configuration {
    .init(
        metrics: [.wallClock, .throughput, .mallocCountTotal],
        scalingFactor: .kilo,
        maxDuration: .seconds(2),
        maxIterations: 5_000,
        thresholds: thresholds()
    )
}

/// One operation per iteration, at most `maxIterations` of them or about 3 s, with MB/s beside operations/s.
/// - Parameter memory: Add the peak resident memory growth over the start of the benchmark (sampled every few
///   milliseconds, so a rough figure). Only meaningful where the allocation is larger than what malloc keeps
///   around after the set-up (the 64 MiB binary body); for the JSON cases it shows ~1 MB whatever they do.
func largeCase(maxIterations: Int = 40, memory: Bool = false) -> Benchmark.Configuration {
    .init(
        metrics: [.wallClock, .throughput, .megabytesPerSecond, .mallocCountTotal] + (memory ? [.peakMemoryResidentDelta] : []),
        warmupIterations: 2,
        scalingFactor: .one,
        maxDuration: .seconds(3),
        maxIterations: maxIterations,
        thresholds: thresholds(mallocTolerance: 10).merging([.megabytesPerSecond: .init(relative: [.p50: 10])]) { $1 }
    )
}

/// What `baseline check` calls a regression: the median time or MB/s 10 % worse (a shared 2-core machine), or
/// more than `mallocTolerance` extra allocations per iteration. The codecs allocate deterministically; the
/// tolerance covers allocations that the benchmark's own sampling thread makes during a long iteration (the
/// interposer counts every thread's).
func thresholds(mallocTolerance: Int = 0) -> [BenchmarkMetric: BenchmarkThresholds] {
    [
        .wallClock: .init(relative: [.p50: 10]),
        .throughput: .init(relative: [.p50: 10]),
        .mallocCountTotal: .init(absolute: [.p50: mallocTolerance]),
    ]
}

extension BenchmarkMetric {
    /// Megabytes (10^6 bytes) of body decoded or encoded per second, one sample per iteration: the unit of
    /// scripts/bench-codec.
    static var megabytesPerSecond: BenchmarkMetric {
        .custom("Throughput (MB/s)", polarity: .prefersLarger, useScalingFactor: false)
    }
}

/// Runs `operation`, which returns how many bytes of body it decoded or encoded, and records its MB/s.
func timed(_ benchmark: Benchmark, _ operation: () throws -> Int) throws {
    let clock = ContinuousClock()
    let start = clock.now
    let bytes = try operation()
    let elapsed = (clock.now - start).components
    let seconds = Double(elapsed.seconds) + Double(elapsed.attoseconds) * 1e-18
    benchmark.measurement(.megabytesPerSecond, Int((Double(bytes) / max(seconds, 1e-9) / 1e6).rounded()))
}
