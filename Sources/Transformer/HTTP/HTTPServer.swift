internal import NIOCore
internal import NIOExtras
internal import NIOHTTP1
internal import NIOPosix
internal import ServiceLifecycle

/// The REST server: SwiftNIO's HTTP/1.1 pipeline with ``HTTPServerHandler`` on top, run as a service.
///
/// Plain NIO rather than a web framework: the responder does its own routing, and the framework's request
/// plumbing cost about as much CPU per request as everything else together (docs/benchmarks.md). On graceful
/// shutdown it stops accepting, lets every connection finish the request it is answering, and returns once all
/// connections have closed.
struct HTTPServer: Service {
    /// Where to listen and how.
    struct Configuration: Sendable {
        /// The address to bind, e.g. `0.0.0.0`.
        var host: String
        /// The port; 0 picks a free one.
        var port: Int
        /// How long an idle keep-alive connection stays open.
        var keepAliveTimeout: TimeAmount
    }

    let configuration: Configuration
    let responder: KServeResponder
    let eventLoopGroup: any EventLoopGroup
    /// Called once the socket listens, with the bound port.
    let onListening: @Sendable (Int) async -> Void

    func run() async throws {
        let quiescing = ServerQuiescingHelper(group: eventLoopGroup)
        let responder = self.responder
        let keepAlive = configuration.keepAliveTimeout
        let bootstrap = ServerBootstrap(group: eventLoopGroup)
            .serverChannelOption(.backlog, value: 1024)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .serverChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(quiescing.makeServerChannelHandler(channel: channel))
                }
            }
            .childChannelOption(.socketOption(.tcp_nodelay), value: 1)
            .childChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    let pipeline = channel.pipeline.syncOperations
                    // Only NIO's request decoder: HTTPServerHandler writes responses as bytes, pipelines, and answers
                    // malformed requests with 400; the headers it writes are its own constants or model headers it
                    // has already checked (KServeResponder.validHeaders).
                    try pipeline.addHandler(IdleStateHandler(readTimeout: keepAlive))
                    try pipeline.addHandler(ByteToMessageHandler(HTTPRequestDecoder(leftOverBytesStrategy: .dropBytes)))
                    try pipeline.addHandler(HTTPServerHandler(responder: responder))
                }
            }
        let channel: any Channel
        do {
            channel = try await bootstrap.bind(host: configuration.host, port: configuration.port).get()
        } catch {
            throw BindError(
                server: .http, host: configuration.host, port: configuration.port, errnoCode: BindError.errnoCode(underneath: error),
                reason: "\(error)")
        }
        // Made once bound: a promise of a server that never listened would be dropped unfulfilled.
        let allClosed = eventLoopGroup.next().makePromise(of: Void.self)
        await onListening(channel.localAddress?.port ?? configuration.port)
        await withTaskCancellationHandler {
            await withGracefulShutdownHandler {
                try? await channel.closeFuture.get()
                try? await allClosed.futureResult.get()
            } onGracefulShutdown: {
                quiescing.initiateShutdown(promise: allClosed)
            }
        } onCancel: {
            // Past the grace period: stop waiting for connections.
            channel.close(promise: nil)
            allClosed.succeed()
        }
    }
}
