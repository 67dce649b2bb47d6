// swift-tools-version:6.1
import PackageDescription

/// Upcoming language features every target builds with (see ../shared/STYLE.md).
let strictSettings: [SwiftSetting] = [
    .enableUpcomingFeature("InternalImportsByDefault"),
    .enableUpcomingFeature("ExistentialAny"),
    .enableUpcomingFeature("MemberImportVisibility"),
    .enableUpcomingFeature("NonisolatedNonsendingByDefault"),
]

let package = Package(
    name: "swift-kserve",
    platforms: [.macOS(.v15)],
    products: [
        .library(name: "InferenceProtocol", targets: ["InferenceProtocol"]),
        .library(name: "PredictorClient", targets: ["PredictorClient"]),
        .library(name: "Pipeline", targets: ["Pipeline"]),
        .library(name: "Transformer", targets: ["Transformer"]),
        .executable(name: "echo-predictor", targets: ["echo-predictor"]),
        .executable(name: "iris-classifier", targets: ["iris-classifier"]),
        .executable(name: "identity-transformer", targets: ["identity-transformer"]),
        .executable(name: "iris-text-transformer", targets: ["iris-text-transformer"]),
        .executable(name: "forward-floor", targets: ["forward-floor"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-protobuf", from: "1.39.0"),
        .package(url: "https://github.com/grpc/grpc-swift-2", from: "2.4.3"),
        .package(url: "https://github.com/grpc/grpc-swift-protobuf", from: "2.4.1"),
        .package(url: "https://github.com/grpc/grpc-swift-nio-transport", from: "2.9.2"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-nio-extras", from: "1.35.2"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-metrics", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.4.1"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
    ],
    targets: [
        // Wire types and codecs: REST v1, REST v2 (+ binary extension), gRPC v2 messages. No I/O.
        .target(
            name: "InferenceProtocol",
            dependencies: [.product(name: "SwiftProtobuf", package: "swift-protobuf")],
            path: "Sources/Protocol",
            swiftSettings: strictSettings
        ),
        // Generated grpc-swift-2 service stubs (client and server) for inference.GRPCInferenceService.
        .target(
            name: "InferenceGRPC",
            dependencies: [
                "InferenceProtocol",
                .product(name: "GRPCCore", package: "grpc-swift-2"),
                .product(name: "GRPCProtobuf", package: "grpc-swift-protobuf"),
            ],
            path: "Sources/InferenceGRPC",
            swiftSettings: strictSettings
        ),
        // libcurl (Debian: libcurl4-openssl-dev), with typed wrappers for its varargs calls.
        .systemLibrary(
            name: "CCurl",
            path: "Sources/CCurl",
            pkgConfig: "libcurl",
            providers: [.apt(["libcurl4-openssl-dev"])]
        ),
        // Outbound calls to a predictor or explainer: HTTP over libcurl's multi interface, gRPC over grpc-swift-2.
        .target(
            name: "PredictorClient",
            dependencies: [
                "InferenceProtocol", "InferenceGRPC", "CCurl",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "GRPCCore", package: "grpc-swift-2"),
                .product(name: "GRPCNIOTransportHTTP2", package: "grpc-swift-nio-transport"),
                .product(name: "Logging", package: "swift-log"),
            ],
            path: "Sources/PredictorClient",
            swiftSettings: strictSettings
        ),
        // The model abstraction, the pre → predict → post chain, the model repository.
        .target(
            name: "Pipeline",
            dependencies: [
                "InferenceProtocol", "PredictorClient",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
            ],
            path: "Sources/Pipeline",
            swiftSettings: strictSettings
        ),
        // The server a user starts: REST (SwiftNIO HTTP/1.1) and gRPC, KServe's flags, /metrics, lifecycle.
        .target(
            name: "Transformer",
            dependencies: [
                "InferenceProtocol", "InferenceGRPC", "Pipeline", "PredictorClient",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOExtras", package: "swift-nio-extras"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "GRPCCore", package: "grpc-swift-2"),
                .product(name: "GRPCNIOTransportHTTP2", package: "grpc-swift-nio-transport"),
                .product(name: "GRPCProtobuf", package: "grpc-swift-protobuf"),
                .product(name: "SwiftProtobuf", package: "swift-protobuf"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            path: "Sources/Transformer",
            swiftSettings: strictSettings
        ),

        // Examples: real transformers and predictors that build with the package.
        .executableTarget(
            name: "echo-predictor",
            dependencies: ["Transformer", "Pipeline", "InferenceProtocol"],
            path: "examples/transformers/echo-predictor",
            swiftSettings: strictSettings
        ),
        .executableTarget(
            name: "iris-classifier",
            dependencies: ["Transformer", "Pipeline", "InferenceProtocol"],
            path: "examples/transformers/iris-classifier",
            exclude: ["train_weights.py"],
            resources: [.copy("weights.json")],
            swiftSettings: strictSettings
        ),
        .executableTarget(
            name: "identity-transformer",
            dependencies: ["Transformer", "Pipeline"],
            path: "examples/transformers/identity-transformer",
            swiftSettings: strictSettings
        ),
        .executableTarget(
            name: "iris-text-transformer",
            dependencies: ["Transformer", "Pipeline", "InferenceProtocol"],
            path: "examples/transformers/iris-text-transformer",
            exclude: [],
            swiftSettings: strictSettings
        ),
        // Not an example: the measuring stick of scripts/bench's system (e), a byte-for-byte forwarder over the same
        // SwiftNIO server side and libcurl client (no codecs, no call chain); see the file's header.
        .executableTarget(
            name: "forward-floor",
            dependencies: [
                "PredictorClient",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
            ],
            path: "Benchmarks/forward-floor",
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "ProtocolTests",
            dependencies: ["InferenceProtocol", "InferenceGRPC", .product(name: "SwiftProtobuf", package: "swift-protobuf")],
            path: "Tests/ProtocolTests",
            resources: [.copy("Fixtures")],
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "PredictorClientTests",
            dependencies: ["PredictorClient", "InferenceProtocol", .product(name: "NIOCore", package: "swift-nio")],
            path: "Tests/PredictorClientTests",
            exclude: ["test_server.py"],
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "TransformerTests",
            dependencies: [
                "Transformer", "Pipeline", "InferenceProtocol", "InferenceGRPC", "PredictorClient",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "GRPCCore", package: "grpc-swift-2"),
                .product(name: "GRPCNIOTransportHTTP2", package: "grpc-swift-nio-transport"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            path: "Tests/TransformerTests",
            swiftSettings: strictSettings
        ),
    ]
)

// libFuzzer targets over the v2 and v1 codecs (scripts/fuzz). Only declared when asked for, because they must be built with
// -sanitize=fuzzer and would not link in an ordinary build.
if Context.environment["SWIFT_KSERVE_FUZZ"] != nil {
    package.targets.append(.target(name: "FuzzSupport", path: "Fuzz/Sources/FuzzSupport"))
    for name in ["FuzzJSON", "FuzzBinary", "FuzzV1"] {
        package.targets.append(
            .executableTarget(name: name, dependencies: ["FuzzSupport", "InferenceProtocol"], path: "Fuzz/Sources/\(name)"))
    }
}
