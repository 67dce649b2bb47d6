internal import GRPCCore
internal import GRPCNIOTransportHTTP2
public import Logging
public import NIOPosix
public import ServiceLifecycle
internal import Synchronization

/// The gRPC v2 server (`inference.GRPCInferenceService`, spec §6) as a swift-service-lifecycle `Service`: plaintext
/// HTTP/2 on the given event-loop group, served from a ``DataPlane``.
///
/// Run it in the same `ServiceGroup` as the REST server. On the group's graceful-shutdown signal it stops accepting
/// RPCs and returns once the RPCs in flight have finished; the group's `maximumGracefulShutdownDuration` bounds that
/// wait (KServe stops gRPC with a 30 s grace).
///
/// ```swift
/// let grpc = GRPCServerService(dataPlane: dataPlane, configuration: .init(port: 8081))
/// let group = ServiceGroup(services: [http, grpc], gracefulShutdownSignals: [.sigterm, .sigint], logger: logger)
/// try await group.run()
/// ```
public struct GRPCServerService: Service {
    /// Where the server listens and how large its messages may be.
    public struct Configuration: Sendable, Equatable {
        /// KServe's default for both message limits: 8 MiB.
        public static let defaultMessageLength = 8 * 1024 * 1024

        /// The address to bind: `0.0.0.0` (every IPv4 interface), `::` (every interface, as KServe's `[::]`), or
        /// one address such as `127.0.0.1`. An address containing `:` is IPv6.
        public var host: String
        /// The port (`--grpc_port`, default 8081); `0` picks a free one, see ``GRPCServerService/listeningPort``.
        public var port: Int
        /// The largest request message accepted (`--grpc_max_receive_message_length`); larger ones fail with
        /// `RESOURCE_EXHAUSTED`. Messages above ``transportReceiveCeiling`` are refused by the transport without
        /// being read, by resetting the stream, which clients report as `UNAVAILABLE`.
        public var maxReceiveMessageLength: Int
        /// The largest response message sent (`--grpc_max_send_message_length`); larger ones fail with
        /// `RESOURCE_EXHAUSTED`.
        public var maxSendMessageLength: Int

        /// The size above which the HTTP/2 transport resets a request stream instead of reading the message:
        /// twice ``maxReceiveMessageLength``, and at least 1 MiB above it. Between the two limits the request is read
        /// and answered with a `RESOURCE_EXHAUSTED` status, as grpcio does.
        public var transportReceiveCeiling: Int {
            let (doubled, overflow) = maxReceiveMessageLength.multipliedReportingOverflow(by: 2)
            let (padded, paddedOverflow) = maxReceiveMessageLength.addingReportingOverflow(1 << 20)
            return overflow || paddedOverflow ? Int.max : max(doubled, padded)
        }

        /// Creates a configuration.
        /// - Parameters:
        ///   - host: The address to bind (default `0.0.0.0`).
        ///   - port: The port (default 8081).
        ///   - maxReceiveMessageLength: The request size limit in bytes (default 8 MiB).
        ///   - maxSendMessageLength: The response size limit in bytes (default 8 MiB).
        public init(
            host: String = "0.0.0.0", port: Int = 8081, maxReceiveMessageLength: Int = Self.defaultMessageLength,
            maxSendMessageLength: Int = Self.defaultMessageLength
        ) {
            self.host = host
            self.port = port
            self.maxReceiveMessageLength = maxReceiveMessageLength
            self.maxSendMessageLength = maxSendMessageLength
        }
    }

    /// The configuration the server was created with.
    public let configuration: Configuration
    private let server: GRPCServer<HTTP2ServerTransport.Posix>
    private let logger: Logger

    /// Creates the server; nothing is bound until ``run()``.
    /// - Parameters:
    ///   - dataPlane: What the RPCs call.
    ///   - configuration: Address and message limits.
    ///   - eventLoopGroup: The event loops to serve on; share the REST server's (default: the process-wide singleton).
    ///   - logger: Where start-up and failed RPCs are logged.
    public init(
        dataPlane: DataPlane, configuration: Configuration = Configuration(),
        eventLoopGroup: MultiThreadedEventLoopGroup = .singleton, logger: Logger = Logger(label: "kserve.grpc")
    ) {
        self.configuration = configuration
        self.logger = logger
        let address: SocketAddress =
            configuration.host.contains(":")
            ? .ipv6(host: configuration.host, port: configuration.port)
            : .ipv4(host: configuration.host, port: configuration.port)
        let transport = HTTP2ServerTransport.Posix(
            address: address, transportSecurity: .plaintext,
            config: .defaults {
                $0.rpc.maxRequestPayloadSize = configuration.transportReceiveCeiling
                // Advertise the stream limit: NIOHTTP2 enforces 100 by default without telling clients, which then
                // open more streams and get the whole connection reset (GOAWAY PROTOCOL_ERROR).
                $0.http2.maxConcurrentStreams = 4096
            },
            eventLoopGroup: eventLoopGroup)
        let service = InferenceGRPCService(
            dataPlane: dataPlane, maxReceiveMessageLength: configuration.maxReceiveMessageLength,
            maxSendMessageLength: configuration.maxSendMessageLength, logger: logger)
        self.server = GRPCServer(transport: transport, services: [service])
    }

    /// Binds and serves until the service group's graceful shutdown, then lets the RPCs in flight finish.
    /// Cancelling the task stops the server at once. Call at most once.
    /// - Throws: ``BindError`` when the address cannot be bound; a `RuntimeError` when the transport fails later.
    public func run() async throws {
        let listening = ListeningFlag()
        do {
            try await withGracefulShutdownHandler {
                try await withThrowingDiscardingTaskGroup { group in
                    group.addTask {
                        do {
                            try await server.serve()
                        } catch let error as RuntimeError where error.code != .serverIsStopped && !listening.value.load(ordering: .acquiring) {
                            throw BindError(
                                server: .grpc, host: configuration.host, port: configuration.port,
                                errnoCode: BindError.errnoCode(underneath: error), reason: error.message)
                        }
                    }
                    group.addTask {
                        guard let port = try? await listeningPort else { return }
                        listening.value.store(true, ordering: .releasing)
                        logger.info("Starting gRPC server on \(configuration.host):\(port)")
                    }
                }
            } onGracefulShutdown: { [server] in
                server.beginGracefulShutdown()
            }
        } catch let error as RuntimeError where error.code == .serverIsStopped {
            // The graceful shutdown came before the server started: there is nothing to serve.
        }
        logger.info("gRPC server stopped")
    }

    /// Set once the server listens: a failure before that is a ``BindError``.
    private final class ListeningFlag: Sendable {
        let value = Atomic(false)
    }

    /// The port the server is bound to, once ``run()`` has bound it (waits until then).
    /// - Throws: A `RuntimeError` when the server failed to bind or has stopped.
    public var listeningPort: Int {
        get async throws {
            let address = try await server.listeningAddress
            return address?.ipv4?.port ?? address?.ipv6?.port ?? configuration.port
        }
    }
}
