import Foundation
import Pipeline
import Testing

@testable import Transformer

#if canImport(Glibc)
import Glibc
#endif

/// A server whose port is taken fails with a ``BindError`` that names the server, the address and the reason in
/// the words KServe's servers use, instead of trapping.
@Suite struct BindErrorTests {
    static func options(http: Int, grpc: Int) throws -> ServerOptions {
        var options = try ServerOptions.parse(["--http_port", "\(http)", "--grpc_port", "\(grpc)", "--bind_address", "127.0.0.1"])
        options.configureLogging = false
        return options
    }

    /// Runs a server on free ports, calls `body` with them while it listens, then stops it.
    static func withRunningServer(_ body: @escaping @Sendable (ModelServer.ListeningPorts) async throws -> Void) async throws {
        let listening = AsyncStream<ModelServer.ListeningPorts>.makeStream()
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask {
                try await ModelServer(options: try Self.options(http: 0, grpc: 0)).run([EchoTestModel()]) { ports in
                    listening.continuation.yield(ports)
                }
            }
            var iterator = listening.stream.makeAsyncIterator()
            let ports = try #require(await iterator.next())
            try await body(ports)
            group.cancelAll()
        }
    }

    @Test func takenHTTPPort() async throws {
        try await Self.withRunningServer { ports in
            let error = await #expect(throws: BindError.self) {
                try await ModelServer(options: try Self.options(http: ports.http, grpc: 0)).run([EchoTestModel()])
            }
            #expect(error?.server == .http)
            #expect(error?.exitStatus == 3)
            #expect(error?.errnoCode == EADDRINUSE)
            #expect(
                error?.description
                    == "[Errno \(EADDRINUSE)] error while attempting to bind on address ('127.0.0.1', \(ports.http)): address already in use")
        }
    }

    @Test func takenGRPCPort() async throws {
        try await Self.withRunningServer { ports in
            let grpc = try #require(ports.grpc)
            let error = await #expect(throws: BindError.self) {
                try await ModelServer(options: try Self.options(http: 0, grpc: grpc)).run([EchoTestModel()])
            }
            #expect(error?.server == .grpc)
            #expect(error?.exitStatus == 1)
            #expect(error?.errnoCode == EADDRINUSE)
            #expect(error?.description == "Failed to bind to address 127.0.0.1:\(grpc): address already in use")
        }
    }

    @Test func addressThatIsNotLocal() async throws {
        // 192.0.2.0/24 is reserved for documentation: no interface of this machine has it, so nothing is sent.
        var options = try Self.options(http: 0, grpc: 0)
        options.bindAddress = "192.0.2.1"
        options.enableGRPC = false
        let error = await #expect(throws: BindError.self) { try await ModelServer(options: options).run([EchoTestModel()]) }
        #expect(error?.errnoCode == EADDRNOTAVAIL)
        #expect(error?.description.hasSuffix("error while attempting to bind on address ('192.0.2.1', 0): cannot assign requested address") == true)
    }
}
