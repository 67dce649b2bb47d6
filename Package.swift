// swift-tools-version:6.1
import PackageDescription

/// Upcoming language features every target builds with (see ../shared/STYLE.md).
let strictSettings: [SwiftSetting] = [
    .enableUpcomingFeature("InternalImportsByDefault"),
    .enableUpcomingFeature("ExistentialAny"),
    .enableUpcomingFeature("MemberImportVisibility"),
]

let package = Package(
    name: "swift-kserve",
    platforms: [.macOS(.v15)],
    products: [
        .library(name: "InferenceProtocol", targets: ["InferenceProtocol"]),
        .library(name: "PredictorClient", targets: ["PredictorClient"]),
        .library(name: "Pipeline", targets: ["Pipeline"]),
        .library(name: "Transformer", targets: ["Transformer"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-protobuf", from: "1.39.0"),
        .package(url: "https://github.com/grpc/grpc-swift-2", from: "2.4.3"),
        .package(url: "https://github.com/grpc/grpc-swift-protobuf", from: "2.4.1"),
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
        .target(
            name: "PredictorClient",
            dependencies: ["InferenceProtocol", "InferenceGRPC"],
            path: "Sources/PredictorClient",
            swiftSettings: strictSettings
        ),
        .target(
            name: "Pipeline",
            dependencies: ["InferenceProtocol", "PredictorClient"],
            path: "Sources/Pipeline",
            swiftSettings: strictSettings
        ),
        .target(
            name: "Transformer",
            dependencies: ["InferenceProtocol", "InferenceGRPC", "Pipeline"],
            path: "Sources/Transformer",
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "ProtocolTests",
            dependencies: ["InferenceProtocol", "InferenceGRPC", .product(name: "SwiftProtobuf", package: "swift-protobuf")],
            path: "Tests/ProtocolTests",
            resources: [.copy("Fixtures")],
            swiftSettings: strictSettings
        ),
    ]
)

// libFuzzer targets over the v2 decoders (scripts/fuzz). Only declared when asked for, because they must be built with
// -sanitize=fuzzer and would not link in an ordinary build.
if Context.environment["SWIFT_KSERVE_FUZZ"] != nil {
    for name in ["FuzzJSON", "FuzzBinary"] {
        package.targets.append(.executableTarget(name: name, dependencies: ["InferenceProtocol"], path: "Fuzz/Sources/\(name)"))
    }
}
