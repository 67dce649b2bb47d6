// Micro-benchmarks of the REST v2 codecs (module InferenceProtocol): what the server does with a request body
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
        let (body, jsonLength) = binaryRequestBody(normalFloats(16, seed: 16), shape: [1, 16], binaryOutputs: true)
        return try Fixture(body, jsonLength: jsonLength)
    }

    // MARK: Large requests: one operation per iteration

    // ~12 MB of JSON text: decode, then read the values (the decoder keeps large FP32 arrays as text until read).
    Benchmark("json-decode-1m", configuration: largeCase()) { benchmark, fixture in
        blackHole(try decodeJSONAndRead(fixture.body))
    } setup: {
        try Fixture(jsonRequestBody(normalFloats(1 << 20, seed: 1), shape: [1 << 20]))
    }

    // A response holding 1M FP32 values made in Swift (not decoded text), so every value is formatted: ~12 MB.
    Benchmark("json-encode-1m", configuration: largeCase()) { benchmark, fixture in
        blackHole(try InferResponse(answering: fixture.request, outputs: fixture.outputs).restBody())
    } setup: {
        let fixture = try Fixture(jsonRequestBody(normalFloats(16, seed: 16), shape: [1, 16]))
        fixture.outputs = [try InferTensor(name: "output-0", shape: [1 << 20], values: normalFloats(1 << 20, seed: 1))]
        return fixture
    }

    // The identity transformer's path: a ~1 MB JSON request decoded and re-encoded for the predictor, values never
    // read (so they travel as the text they arrived in).
    Benchmark("json-passthrough-1mb", configuration: largeCase(maxIterations: 1_000)) { benchmark, fixture in
        let request = try InferRequest(json: fixture.body, modelName: modelName)
        blackHole(try request.restBody(binaryInputs: false))
    } setup: {
        try Fixture(jsonRequestBody(atLeast: 1_000_000, seed: 2))
    }

    // 64 MiB of FP32 after a short JSON header: decode, then read the values.
    Benchmark("binary-decode-64mib", configuration: largeCase()) { benchmark, fixture in
        let request = try InferRequest(body: fixture.body, jsonLength: fixture.jsonLength!, modelName: modelName)
        try readInput(of: request)
        blackHole(request)
    } setup: {
        let (body, jsonLength) = binaryRequestBody(normalFloats(16 << 20, seed: 3), shape: [16 << 20], binaryOutputs: false)
        return try Fixture(body, jsonLength: jsonLength)
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
    var outputs: [InferOutput] = []

    /// Copies `bytes` and checks that they decode.
    init(_ bytes: [UInt8], jsonLength: Int? = nil) throws {
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

/// One operation per iteration, at most `maxIterations` of them or about 3 s; adds the peak resident memory
/// growth (sampled every few milliseconds, so a rough figure).
func largeCase(maxIterations: Int = 40) -> Benchmark.Configuration {
    .init(
        metrics: [.wallClock, .throughput, .mallocCountTotal, .peakMemoryResidentDelta],
        warmupIterations: 2,
        scalingFactor: .one,
        maxDuration: .seconds(3),
        maxIterations: maxIterations,
        thresholds: thresholds()
    )
}

/// What `baseline check` calls a regression: the median time 10 % worse (this is a shared 2-core machine), or any
/// extra allocation (the codecs allocate deterministically).
func thresholds() -> [BenchmarkMetric: BenchmarkThresholds] {
    [
        .wallClock: .init(relative: [.p50: 10]),
        .throughput: .init(relative: [.p50: 10]),
        .mallocCountTotal: .init(absolute: [.p50: 0]),
    ]
}
