internal import Foundation
internal import InferenceProtocol
public import Logging
internal import NIOCore
internal import NIOPosix
public import Pipeline
internal import PredictorClient
internal import ServiceLifecycle
internal import Synchronization
internal import UnixSignals

/// The server a user starts: KServe's `ModelServer`. It loads and registers the models, serves REST (SwiftNIO HTTP/1.1)
/// and gRPC on shared event loops, and on SIGTERM/SIGINT stops accepting, lets requests in flight finish within
/// the grace period, then stops every model.
///
/// ```swift
/// @main struct Main {
///     static func main() async {
///         await ModelServer.main(models: [MyTransformer(name: ServerOptions.fromCommandLine().modelName)])
///     }
/// }
/// ```
public struct ModelServer: Sendable {
    /// The configuration.
    public var options: ServerOptions
    /// The remote predictor of transformer mode; built from `options.predictor` by the caller (see PredictorClient).
    public var predictor: (any RemotePredictor)?
    /// The remote explainer, if any.
    public var explainer: (any RemotePredictor)?
    /// Called for errors that escape a model call and are answered with 500 (KServe's `register_exception_handler`).
    public var unhandledErrorHook: (@Sendable (any Error) -> Void)?

    /// Where the servers listen once they are up.
    public struct ListeningPorts: Sendable, Equatable {
        /// The REST port.
        public var http: Int
        /// The gRPC port, or `nil` when gRPC is disabled.
        public var grpc: Int?
    }

    /// A server with the given options.
    public init(options: ServerOptions, predictor: (any RemotePredictor)? = nil, explainer: (any RemotePredictor)? = nil) {
        self.options = options
        self.predictor = predictor
        self.explainer = explainer
    }

    /// Parses the process's arguments and environment, then ``start(_:)``s the server until a signal stops it. Exits
    /// with argparse's status 2 on a flag error, and as ``start(_:)`` does when the server cannot start.
    public static func main(models: [any Model], predictor: (any RemotePredictor)? = nil) async {
        let options = ServerOptions.fromCommandLine()
        await ModelServer(options: options, predictor: predictor).start(models)
    }

    /// Builds, loads and registers `models`, then serves until SIGTERM or SIGINT: KServe's `ModelServer.start`.
    ///
    /// A failure to start (a port in use, no model ready, a model that cannot be built) is logged as one line and
    /// ends the process with the Python server's status: 3 when the REST port cannot be bound (uvicorn's
    /// `STARTUP_FAILURE`), else 1. ``run(_:onListening:)`` throws it instead.
    ///
    /// ```swift
    /// await ModelServer(options: options).start([try MyPredictor(name: options.modelName)])
    /// ```
    public func start(_ models: @autoclosure () throws -> [any Model]) async {
        let logger = Self.bootstrapLogging(options)
        do {
            try await run(try models())
        } catch {
            logger.error("The model server failed: \(error)")
            exit((error as? BindError)?.exitStatus ?? 1)
        }
    }

    /// Loads and registers `models`, then serves until SIGTERM or SIGINT (or until the calling task is cancelled).
    /// - Parameters:
    ///   - models: The models; each is loaded, and only those that load are registered (as KServe does).
    ///   - onListening: Called once both servers listen, with their ports (useful with port 0).
    /// - Throws: `modelNotReady` (KServe's `NoModelReady`) when models were given and none loaded; bind errors.
    public func run(_ models: [any Model], onListening: @escaping @Sendable (ListeningPorts) async -> Void = { _ in }) async throws {
        let logger = Self.bootstrapLogging(options)
        MallocTuning.apply()
        _ = PrometheusMetrics.bootstrap()  // before any model call creates its timers
        let repository = try await Self.loadModels(models, logger: logger)
        var remote = try RemotePredictors(options: options)
        if let predictor { remote.predictor = predictor }
        if let explainer { remote.explainer = explainer }
        let pipeline = InferencePipeline(
            predictorProtocol: options.predictor.wireProtocol, latencyLogging: options.enableLatencyLogging,
            traceLogger: Logger(label: "kserve.trace"))
        let dataPlane = DataPlane(
            repository: repository, pipeline: pipeline, predictor: remote.predictor, explainer: remote.explainer,
            predictorHealthCheck: options.enablePredictorHealthCheck,
            cloudEventSettings: CloudEventSettings.fromEnvironment())
        let eventLoopGroup: MultiThreadedEventLoopGroup =
            options.workers.map { MultiThreadedEventLoopGroup(numberOfThreads: max($0, 1)) } ?? .singleton

        var grpc: GRPCServerService?
        if options.enableGRPC {
            grpc = GRPCServerService(
                dataPlane: dataPlane,
                configuration: .init(
                    host: options.bindAddress, port: options.grpcPort,
                    maxReceiveMessageLength: options.grpcMaxReceiveMessageLength,
                    maxSendMessageLength: options.grpcMaxSendMessageLength),
                eventLoopGroup: eventLoopGroup, logger: Logger(label: "kserve.grpc"))
        }
        let responder = KServeResponder(
            dataPlane: dataPlane, maxBodySize: options.maxRequestBodyBytes,
            metrics: { PrometheusMetrics.exposition() },
            accessLogger: options.enableAccessLog ? Logger(label: "uvicorn.access") : nil, logger: logger,
            unhandledErrorHook: unhandledErrorHook)
        let grpcService = grpc
        let http = HTTPServer(
            configuration: .init(
                host: options.bindAddress, port: options.httpPort, keepAliveTimeout: .seconds(Int64(options.keepAliveTimeoutSeconds))),
            responder: responder, eventLoopGroup: eventLoopGroup,
            onListening: { httpPort in
                let grpcPort = try? await grpcService?.listeningPort
                logger.info("Starting uvicorn-compatible HTTP server on \(options.bindAddress):\(httpPort)")
                await onListening(ListeningPorts(http: httpPort, grpc: grpcPort))
            })
        // The group stops services in reverse order: clients of the predictor stop after the servers have drained.
        var services: [any Service] = remote.services + [http]
        if let grpc { services.append(grpc) }
        var configuration = ServiceGroupConfiguration(
            services: services.map { .init(service: $0) }, gracefulShutdownSignals: [.sigterm, .sigint],
            logger: logger)
        configuration.maximumGracefulShutdownDuration = .seconds(options.gracePeriodSeconds)
        let group = ServiceGroup(configuration: configuration)
        do {
            try await group.run()
        } catch {
            remote.httpClient?.shutdown()
            await repository.stopAll()
            throw error
        }
        logger.info("Stopping the model server: unloading models")
        remote.httpClient?.shutdown()
        await repository.stopAll()
        if options.workers != nil { try? await eventLoopGroup.shutdownGracefully() }
    }

    /// Loads each model and registers those that load (KServe's `start`).
    static func loadModels(_ models: [any Model], logger: Logger) async throws(InferenceError) -> ModelRepository {
        let repository = ModelRepository()
        var notReady: [String] = []
        for model in models {
            do {
                try await model.load()
                try await repository.register(model)
            } catch {
                logger.error("Failed to load model \(model.name): \(error)")
                notReady.append(model.name)
            }
        }
        if !models.isEmpty && notReady.count == models.count {
            throw notReady.count == 1
                ? .modelNotReady(notReady[0])
                : InferenceError(code: .modelNotReady, message: "Models with names \(notReady.joined(separator: ",")) are not ready.")
        }
        return repository
    }

    private static let loggingBootstrapped = Mutex(false)

    /// Installs KServe's log format once per process (`--configure_logging`), at `KSERVE_LOGLEVEL`.
    static func bootstrapLogging(_ options: ServerOptions) -> Logger {
        let level = KServeLogHandler.level(named: options.logLevel)
        if options.configureLogging {
            loggingBootstrapped.withLock { done in
                guard !done else { return }
                done = true
                LoggingSystem.bootstrap { label in
                    // The access log goes to stdout in KServe; everything else to stderr.
                    KServeLogHandler(label: label, level: level)
                }
            }
        }
        var logger = Logger(label: "kserve")
        logger.logLevel = level
        return logger
    }
}

extension ServerOptions {
    /// Options from this process's arguments and environment; on a flag error, prints argparse's message and
    /// exits with status 2.
    public static func fromCommandLine() -> ServerOptions {
        do {
            return try parse(Array(CommandLine.arguments.dropFirst()), environment: ProcessInfo.processInfo.environment)
        } catch {
            FileHandle.standardError.write(Data("\(CommandLine.arguments.first ?? "server"): error: \(error.message)\n".utf8))
            exit(2)
        }
    }
}
