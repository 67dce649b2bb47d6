// codec-bench: times the REST v2 codecs of InferenceProtocol on the request bodies that
// Benchmarks/python/codec_bench.py writes, and prints one TSV row per case (the columns of TSV_COLUMNS in that
// file). Run it through scripts/bench-codec, which builds it in release mode and runs the Python SDK beside it.
//
//   codec-bench run FIXTURES --out DIR [--rounds N] [--min-time S] [--case NAME]...
//   codec-bench mem-binary FIXTURES      one binary decode in this fresh process; prints its peak RSS growth
//   codec-bench loop CASE FIXTURES N     N calls of one case and nothing else (for callgrind / perf)

import InferenceProtocol

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

let modelName = "bench-model"

// MARK: Helpers

/// Keeps a value observable so that the optimiser cannot drop the work that produced it.
@inline(never)
func blackHole<T>(_ value: T) {
    withExtendedLifetime(value) {}
}

func monotonicSeconds() -> Double {
    var now = timespec()
    clock_gettime(CLOCK_MONOTONIC, &now)
    return Double(now.tv_sec) + Double(now.tv_nsec) * 1e-9
}

func fail(_ message: String) -> Never {
    let text = "codec-bench: \(message)\n"
    _ = text.withCString { write(2, $0, strlen($0)) }
    exit(1)
}

/// Reads a whole file into one allocation of exactly its size (no temporary copies, which matters for the
/// memory measurement).
func readFile(_ path: String) -> [UInt8] {
    guard let file = fopen(path, "rb") else { fail("cannot open \(path)") }
    defer { fclose(file) }
    fseek(file, 0, SEEK_END)
    let size = ftell(file)
    fseek(file, 0, SEEK_SET)
    return [UInt8](unsafeUninitializedCapacity: max(size, 1)) { buffer, count in
        count = size > 0 ? fread(buffer.baseAddress, 1, size, file) : 0
        if count != size { fail("short read of \(path)") }
    }
}

func writeFile(_ path: String, _ bytes: UnsafeRawBufferPointer) {
    guard let file = fopen(path, "wb") else { fail("cannot write \(path)") }
    defer { fclose(file) }
    if bytes.count > 0, fwrite(bytes.baseAddress, 1, bytes.count, file) != bytes.count { fail("short write of \(path)") }
}

func readJSONLength(_ fixtures: String) -> Int {
    let text = String(decoding: readFile("\(fixtures)/req-binary-64m.jsonlen"), as: UTF8.self)
    guard let value = Int(text.filter(\.isNumber)) else { fail("bad req-binary-64m.jsonlen") }
    return value
}

/// Warm-up, then `rounds` rounds of N back-to-back calls, N chosen from the warm-up so that a round lasts at
/// least `minTime` seconds. Returns the median seconds per call and N. Same procedure as the Python side.
func measure(rounds: Int, minTime: Double, _ operation: () throws -> Void) rethrows -> (seconds: Double, iterations: Int) {
    try operation()  // warm-up
    var calls = 1
    var elapsed = 0.0
    while true {  // calibrate on at least 0.2 s of calls
        let start = monotonicSeconds()
        for _ in 0..<calls { try operation() }
        elapsed = monotonicSeconds() - start
        if elapsed >= 0.2 || calls >= 100_000_000 { break }
        calls *= 4
    }
    let perCall = elapsed / Double(calls)
    let iterations = max(1, Int(minTime / max(perCall, 1e-12)) + 1)
    var samples: [Double] = []
    for _ in 0..<rounds {
        let start = monotonicSeconds()
        for _ in 0..<iterations { try operation() }
        samples.append((monotonicSeconds() - start) / Double(iterations))
    }
    samples.sort()
    let median =
        samples.count % 2 == 1
        ? samples[samples.count / 2] : (samples[samples.count / 2 - 1] + samples[samples.count / 2]) / 2
    return (median, iterations)
}

func row(
    _ name: String, _ unit: String, _ value: String, _ seconds: Double, _ bytes: Int, _ rounds: Int, _ iterations: Int,
    _ detail: String = ""
) {
    print([name, "swift", unit, value, "\(seconds)", "\(bytes)", "\(rounds)", "\(iterations)", detail].joined(separator: "\t"))
    fflush(nil)
}

func fixed1(_ value: Double) -> String {
    let scaled = (value * 10).rounded()
    return "\(Int(scaled) / 10).\(abs(Int(scaled)) % 10)"
}

func fixed2(_ value: Double) -> String {
    let scaled = Int((value * 100).rounded())
    let fraction = abs(scaled) % 100
    return "\(scaled / 100).\(fraction < 10 ? "0" : "")\(fraction)"
}

// MARK: The operations (what the KServe server does per request, minus HTTP)

/// v2 JSON request → `InferRequest`, then typed access to the input (the `as_numpy()` equivalent).
@inline(never)
func decodeJSON(_ body: UnsafeRawBufferPointer) throws -> InferRequest {
    let request = try InferRequest(json: body, modelName: modelName)
    let first = try request.inputs[0].withUnsafeBufferPointer(as: Float.self) { $0.isEmpty ? 0 : $0[0] }
    blackHole(first)
    return request
}

/// `InferResponse` answering `request` with one FP32 output, then its JSON REST body.
@inline(never)
func encodeJSON(_ request: InferRequest, _ output: InferOutput) throws -> RESTBody {
    let response = InferResponse(answering: request, outputs: [output])
    return try response.restBody()
}

/// Binary-extension body → `InferRequest`, then typed access to the input.
@inline(never)
func decodeBinary(_ body: UnsafeRawBufferPointer, jsonLength: Int) throws -> InferRequest {
    let request = try InferRequest(body: body, jsonLength: jsonLength, modelName: modelName)
    let first = try request.inputs[0].withUnsafeBufferPointer(as: Float.self) { $0.isEmpty ? 0 : $0[0] }
    blackHole(first)
    return request
}

/// The output tensor of the encode cases: the decoded input under the output's name (shares its storage).
func outputTensor(of request: InferRequest) -> InferOutput {
    var output = request.inputs[0]
    output.name = "output-0"
    return output
}

// MARK: Commands

func run(fixtures: String, out: String, rounds: Int, minTime: Double, cases: Set<String>) throws {
    func wanted(_ name: String) -> Bool { cases.isEmpty || cases.contains(name) }

    for (name, file) in [("json-decode-1m", "req-json-1m.json"), ("json-decode-1m-f64repr", "req-json-1m-f64repr.json")]
    where wanted(name) {
        let body = readFile("\(fixtures)/\(file)")
        try body.withUnsafeBytes { raw in
            if name == "json-decode-1m" {
                let request = try decodeJSON(raw)
                try request.inputs[0].withUnsafeRawBytes { writeFile("\(out)/swift-decoded-1m.f32", $0) }
            }
            let (seconds, iterations) = try measure(rounds: rounds, minTime: minTime) { blackHole(try decodeJSON(raw)) }
            row(name, "MB/s", fixed1(Double(raw.count) / seconds / 1e6), seconds, raw.count, rounds, iterations)
        }
    }

    if wanted("json-encode-1m") {
        let body = readFile("\(fixtures)/req-json-1m.json")
        let request = try body.withUnsafeBytes { try decodeJSON($0) }
        let output = outputTensor(of: request)
        let response = try encodeJSON(request, output)
        precondition(response.jsonLength == nil, "expected a JSON body")
        response.bytes.withUnsafeBytes { writeFile("\(out)/swift-response-1m.json", $0) }
        let (seconds, iterations) = try measure(rounds: rounds, minTime: minTime) { blackHole(try encodeJSON(request, output)) }
        let size = response.bytes.count
        row("json-encode-1m", "MB/s", fixed1(Double(size) / seconds / 1e6), seconds, size, rounds, iterations)
    }

    if wanted("binary-decode-64m") {
        let body = readFile("\(fixtures)/req-binary-64m.bin")
        let jsonLength = readJSONLength(fixtures)
        try body.withUnsafeBytes { raw in
            let (seconds, iterations) = try measure(rounds: rounds, minTime: minTime) {
                blackHole(try decodeBinary(raw, jsonLength: jsonLength))
            }
            row("binary-decode-64m", "MB/s", fixed1(Double(raw.count) / seconds / 1e6), seconds, raw.count, rounds, iterations)
        }
    }

    if wanted("small-roundtrip-16") {
        let body = readFile("\(fixtures)/req-json-16.json")
        try body.withUnsafeBytes { raw in
            func roundTrip() throws -> RESTBody {
                let request = try decodeJSON(raw)
                return try encodeJSON(request, outputTensor(of: request))
            }
            try roundTrip().bytes.withUnsafeBytes { writeFile("\(out)/swift-response-16.json", $0) }
            let (seconds, iterations) = try measure(rounds: rounds, minTime: minTime) { blackHole(try roundTrip()) }
            row("small-roundtrip-16", "us", fixed2(seconds * 1e6), seconds, raw.count, rounds, iterations)
        }
    }
}

/// Reads a `kB` field of /proc/self/status.
func statusKiB(_ field: String) -> Int? {
    // procfs files report size 0: read until end of file.
    guard let file = fopen("/proc/self/status", "r") else { return nil }
    defer { fclose(file) }
    var raw: [UInt8] = []
    var chunk = [UInt8](repeating: 0, count: 4096)
    while true {
        let count = chunk.withUnsafeMutableBytes { fread($0.baseAddress, 1, $0.count, file) }
        if count <= 0 { break }
        raw.append(contentsOf: chunk[0..<count])
    }
    let text = String(decoding: raw, as: UTF8.self)
    for line in text.split(separator: "\n") where line.hasPrefix(field + ":") {
        return line.split(whereSeparator: { $0 == " " || $0 == "\t" }).dropFirst().first.flatMap { Int($0) }
    }
    return nil
}

func maxRSSKiB() -> Int {
    var usage = rusage()
    getrusage(__rusage_who_t(RUSAGE_SELF.rawValue), &usage)
    return usage.ru_maxrss
}

/// Peak RSS growth of one binary decode (method: see scripts/bench-codec).
func memBinary(fixtures: String) throws {
    let body = readFile("\(fixtures)/req-binary-64m.bin")
    let jsonLength = readJSONLength(fixtures)
    // Run the decoder once on a small body first, so that faulting in code pages and runtime metadata on first
    // use is not counted as memory of the decode.
    let smallHeader = Array(#"{"inputs":[{"name":"input-0","shape":[16],"datatype":"FP32","parameters":{"binary_data_size":64}}]}"#.utf8)
    let small = smallHeader + [UInt8](repeating: 0, count: 64)
    blackHole(try small.withUnsafeBytes { try decodeBinary($0, jsonLength: smallHeader.count) })
    var method = "ru_maxrss"
    if let file = fopen("/proc/self/clear_refs", "w") {
        if fputs("5", file) >= 0, fclose(file) == 0 { method = "clear_refs+VmHWM" }
    }
    guard let rssBefore = statusKiB("VmRSS") else { fail("no VmRSS in /proc/self/status") }
    let maxBefore = maxRSSKiB()
    let request = try body.withUnsafeBytes { try decodeBinary($0, jsonLength: jsonLength) }
    let growthKiB: Int
    if method == "clear_refs+VmHWM", let peak = statusKiB("VmHWM") {
        growthKiB = peak - rssBefore
    } else {
        growthKiB = maxRSSKiB() - maxBefore
    }
    blackHole(request)
    row("binary-decode-64m-peak", "bytes", "\(growthKiB * 1024)", 0, body.count, 1, 1, method)
}

/// `count` calls of one case, for a profiler.
func loop(_ name: String, fixtures: String, count: Int) throws {
    switch name {
    case "json-decode-1m", "json-encode-1m":
        let body = readFile("\(fixtures)/req-json-1m.json")
        try body.withUnsafeBytes { raw in
            if name == "json-decode-1m" {
                for _ in 0..<count { blackHole(try decodeJSON(raw)) }
            } else {
                let request = try decodeJSON(raw)
                let output = outputTensor(of: request)
                for _ in 0..<count { blackHole(try encodeJSON(request, output)) }
            }
        }
    case "binary-decode-64m":
        let body = readFile("\(fixtures)/req-binary-64m.bin")
        let jsonLength = readJSONLength(fixtures)
        try body.withUnsafeBytes { raw in for _ in 0..<count { blackHole(try decodeBinary(raw, jsonLength: jsonLength)) } }
    case "small-roundtrip-16":
        let body = readFile("\(fixtures)/req-json-16.json")
        try body.withUnsafeBytes { raw in
            for _ in 0..<count {
                let request = try decodeJSON(raw)
                blackHole(try encodeJSON(request, outputTensor(of: request)))
            }
        }
    default: fail("unknown case \(name)")
    }
}

// MARK: Main

var arguments = Array(CommandLine.arguments.dropFirst())
func option(_ name: String, in arguments: inout [String]) -> String? {
    guard let index = arguments.firstIndex(of: name), index + 1 < arguments.count else { return nil }
    let value = arguments[index + 1]
    arguments.removeSubrange(index...index + 1)
    return value
}

do {
    guard let command = arguments.first else { fail("usage: codec-bench run|mem-binary|loop ...") }
    switch command {
    case "run":
        let out = option("--out", in: &arguments) ?? "."
        let rounds = option("--rounds", in: &arguments).flatMap { Int($0) } ?? 5
        let minTime = option("--min-time", in: &arguments).flatMap { Double($0) } ?? 1.0
        var cases = Set<String>()
        while let name = option("--case", in: &arguments) { cases.insert(name) }
        guard arguments.count == 2 else { fail("usage: codec-bench run FIXTURES --out DIR [--rounds N] [--min-time S] [--case NAME]...") }
        try run(fixtures: arguments[1], out: out, rounds: rounds, minTime: minTime, cases: cases)
    case "mem-binary":
        guard arguments.count == 2 else { fail("usage: codec-bench mem-binary FIXTURES") }
        try memBinary(fixtures: arguments[1])
    case "loop":
        guard arguments.count == 4, let count = Int(arguments[3]) else { fail("usage: codec-bench loop CASE FIXTURES COUNT") }
        try loop(arguments[1], fixtures: arguments[2], count: count)
    default:
        fail("unknown command \(command)")
    }
} catch {
    fail("\(error)")
}
