internal import Logging
internal import NIOCore
internal import Pipeline
internal import PredictorClient
internal import ServiceLifecycle

/// Builds the predictor and explainer a transformer calls from its options, and the services that keep their
/// connections alive for the server's lifetime.
struct RemotePredictors {
    var predictor: (any RemotePredictor)?
    var explainer: (any RemotePredictor)?
    /// Services to run before (and stop after) the servers, e.g. the gRPC client's connections.
    var services: [any Service] = []
    /// The HTTP client, shut down when the server stops.
    var httpClient: HTTPClient?

    init(options: ServerOptions) throws {
        let config = options.predictor
        func http() -> HTTPClient {
            if let httpClient { return httpClient }
            let timeout = Duration.seconds(config.timeoutSeconds)
            let client = HTTPClient(
                configuration: .init(
                    timeout: timeout, connectTimeout: min(timeout, .seconds(30)),
                    tls: .init(
                        caBundlePath: config.caBundlePath, clientCertificatePath: config.clientCertificatePath,
                        clientKeyPath: config.clientKeyPath, verify: config.verifyTLS),
                    maxConnectionsPerHost: config.maxConnections,
                    threads: options.workers ?? System.coreCount))
            httpClient = client
            return client
        }
        if !config.host.isEmpty {
            switch config.wireProtocol {
            case .v1, .v2:
                predictor = RESTPredictor(config: config, client: http())
            case .grpcV2:
                let client = try GRPCInferenceClient(
                    host: config.host, useTLS: config.useSSL, caBundlePath: config.caBundlePath,
                    verify: config.verifyTLS, timeout: .seconds(config.timeoutSeconds))
                predictor = GRPCPredictor(config: config, client: client)
                services.append(GRPCClientService(client: client))
            }
        }
        if let explainerHost = options.explainerHost, !explainerHost.isEmpty {
            var explainerConfig = config
            explainerConfig.host = explainerHost
            explainerConfig.wireProtocol = .v1
            explainer = RESTPredictor(config: explainerConfig, client: http())
        }
    }
}

/// Keeps a gRPC client's connections running inside the server's service group.
struct GRPCClientService: Service {
    let client: GRPCInferenceClient

    func run() async throws {
        try await withGracefulShutdownHandler {
            try await client.run()
        } onGracefulShutdown: {
            client.shutdown()
        }
    }
}
