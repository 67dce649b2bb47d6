#!/usr/bin/env bash
# Regenerates the committed Swift code for proto/grpc_predict_v2.proto:
#   Sources/Protocol/Generated/grpc_predict_v2.pb.swift        (swift-protobuf messages, `package` visibility)
#   Sources/InferenceGRPC/Generated/grpc_predict_v2.grpc.swift (grpc-swift-2 client and server stubs)
# Needs `protoc` (Debian: protobuf-compiler) and builds the two protoc plugins from the same package versions the
# project depends on, in a scratch package under .build-protoc-plugins/ (about 2 minutes in release mode).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
command -v protoc >/dev/null || { apt-get update -qq && apt-get install -y -qq protobuf-compiler; }

plugins="$root/.build-protoc-plugins"
mkdir -p "$plugins"
cat > "$plugins/Package.swift" <<'PKG'
// swift-tools-version:6.0
import PackageDescription
let package = Package(
    name: "plugins",
    dependencies: [
        .package(url: "https://github.com/apple/swift-protobuf", exact: "1.39.0"),
        .package(url: "https://github.com/grpc/grpc-swift-protobuf", exact: "2.4.1"),
    ],
    targets: []
)
PKG
# PLUGIN_BIN may name a folder that already holds both plugins (built from the same versions).
if [ -n "${PLUGIN_BIN:-}" ]; then
    bin="$PLUGIN_BIN"
else
    (cd "$plugins" && swift build -c release --product protoc-gen-swift && swift build -c release --product protoc-gen-grpc-swift-2)
    bin=$(cd "$plugins" && swift build -c release --show-bin-path)
fi

mkdir -p Sources/Protocol/Generated Sources/InferenceGRPC/Generated
protoc --proto_path=proto \
    --plugin=protoc-gen-swift="$bin/protoc-gen-swift" \
    --swift_out=Sources/Protocol/Generated \
    --swift_opt=Visibility=Package,UseAccessLevelOnImports=true \
    grpc_predict_v2.proto
protoc --proto_path=proto \
    --plugin=protoc-gen-grpc-swift-2="$bin/protoc-gen-grpc-swift-2" \
    --grpc-swift-2_out=Sources/InferenceGRPC/Generated \
    --grpc-swift-2_opt=Visibility=Package,Server=true,Client=true,UseAccessLevelOnImports=true,ExtraModuleImports=InferenceProtocol \
    grpc_predict_v2.proto
echo "generated: Sources/Protocol/Generated/grpc_predict_v2.pb.swift Sources/InferenceGRPC/Generated/grpc_predict_v2.grpc.swift"
