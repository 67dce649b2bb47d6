// swift-tools-version:6.1
// Benchmarks for swift-kserve: a separate package so that the root package's build and tests never compile them.
//   - codec-bench (Sources/codec-bench): the Swift codecs against the Python KServe SDK, run by scripts/bench-codec.
//   - CodecBenchmarks, HTTPClientBenchmarks (Benchmarks/<Name>, the layout package-benchmark discovers): micro-
//     benchmarks with malloc counts and stored baselines, run by scripts/bench-micro (see README.md).
import Foundation
import PackageDescription

// A path dependency's identity is the name of its folder, which differs between clones
// (`main`, `swift-kserve`, ...): read it rather than hard-coding it.
let rootFolder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
let root = rootFolder.lastPathComponent

let swiftSettings: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
    .enableUpcomingFeature("InternalImportsByDefault"),
]

let package = Package(
    name: "swift-kserve-benchmarks",
    platforms: [.macOS(.v15)],
    dependencies: [
        .package(path: ".."),
        // Only the malloc interposer trait: the default set adds a Swift runtime interposer for retain/release counts.
        .package(url: "https://github.com/ordo-one/benchmark", from: "1.38.1", traits: ["MallocInterposer"]),
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
    ],
    targets: [
        .executableTarget(
            name: "codec-bench",
            dependencies: [.product(name: "InferenceProtocol", package: root)],
            path: "Sources/codec-bench",
            swiftSettings: swiftSettings
        ),
        // REST v2 JSON and binary-extension decode / encode (module InferenceProtocol).
        .executableTarget(
            name: "CodecBenchmarks",
            dependencies: [
                .product(name: "InferenceProtocol", package: root),
                .product(name: "Benchmark", package: "benchmark"),
            ],
            path: "Benchmarks/CodecBenchmarks",
            swiftSettings: swiftSettings,
            plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]
        ),
        // The outbound libcurl client (module PredictorClient) against an in-process SwiftNIO server on 127.0.0.1.
        .executableTarget(
            name: "HTTPClientBenchmarks",
            dependencies: [
                .product(name: "PredictorClient", package: root),
                .product(name: "Benchmark", package: "benchmark"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
            ],
            path: "Benchmarks/HTTPClientBenchmarks",
            swiftSettings: swiftSettings,
            plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]
        ),
    ]
)
