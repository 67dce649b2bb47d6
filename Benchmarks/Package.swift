// swift-tools-version:6.1
// Codec benchmarks for swift-kserve: a separate package so that the root package's build and tests never
// compile them. Run them with scripts/bench-codec, which also runs the Python KServe SDK on the same bodies.
import Foundation
import PackageDescription

// A path dependency's identity is the name of its folder, which differs between clones
// (`main`, `swift-kserve`, ...): read it rather than hard-coding it.
let rootFolder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()

let package = Package(
    name: "swift-kserve-benchmarks",
    platforms: [.macOS(.v15)],
    dependencies: [
        .package(path: "..")
    ],
    targets: [
        .executableTarget(
            name: "codec-bench",
            dependencies: [.product(name: "InferenceProtocol", package: rootFolder.lastPathComponent)],
            path: "Sources/codec-bench",
            swiftSettings: [.enableUpcomingFeature("ExistentialAny"), .enableUpcomingFeature("InternalImportsByDefault")]
        )
    ]
)
