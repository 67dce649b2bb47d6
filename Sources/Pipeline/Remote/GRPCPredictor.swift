internal import GRPCCore
public import InferenceProtocol
package import PredictorClient

/// A predictor reached over gRPC v2 (spec §7.5): `ModelInfer` with raw tensor contents, forwardable headers as
/// metadata, the configured deadline, and retries of UNAVAILABLE with backoff.
public struct GRPCPredictor: RemotePredictor {
    /// The predictor's configuration.
    public let config: PredictorConfig
    let client: GRPCInferenceClient
    let headers: ForwardedHeaders

    /// A predictor over `client`, whose ``GRPCInferenceClient/run()`` the owner keeps running.
    package init(config: PredictorConfig, client: GRPCInferenceClient) {
        self.config = config
        self.client = client
        self.headers = ForwardedHeaders(extra: config.extraForwardedHeaders)
    }

    /// Sends a v2 request as `ModelInfer` for `modelName`.
    public func call(_ payload: Payload, modelName: String, verb: Verb, context: InferenceContext) async throws -> Payload {
        guard verb == .predict else { throw InferenceError.unsupportedProtocol("grpc-v2") }
        guard case .inferRequest(var request) = payload else { throw InferenceError.invalidInput("Invalid input format") }
        request.modelName = modelName
        let message = try request.grpcMessage(rawContents: true)
        let forwarded = headers.select(from: context.headers)
        var attempt = 0
        while true {
            do {
                return .inferResponse(try InferResponse(grpc: try await client.infer(message, headers: forwarded)))
            } catch let error as RPCError {
                if error.code == .unavailable && attempt < config.retries {
                    attempt += 1
                    try? await Task.sleep(for: .milliseconds(min(100 << (attempt - 1), 1000)))
                    continue
                }
                throw Self.inferenceError(error, config: config)
            }
        }
    }

    /// The gRPC failure as the error a REST or gRPC client of the transformer sees.
    static func inferenceError(_ error: RPCError, config: PredictorConfig) -> InferenceError {
        var message = "Predictor \(config.host) (gRPC) answered \(error.code): \(error.message)"
        if config.useSSL && error.code == .unavailable {
            message += " (the TLS handshake may have failed: check the predictor's certificate and --predictor_ca_bundle)"
        }
        switch error.code {
        case .deadlineExceeded: return InferenceError(code: .gatewayTimeout, message: message)
        case .invalidArgument: return InferenceError(code: .predictorRejected(status: 400), message: error.message)
        case .notFound: return InferenceError(code: .predictorRejected(status: 404), message: error.message)
        case .unimplemented: return InferenceError(code: .notImplemented, message: error.message)
        default: return InferenceError(code: .badGateway, message: message)
        }
    }

    /// `ServerReady`.
    public func isServerReady() async throws -> Bool {
        do {
            return try await client.serverReady()
        } catch let error as RPCError {
            throw Self.inferenceError(error, config: config)
        }
    }

    /// `ModelReady`; any failure counts as not ready.
    public func isModelReady(_ modelName: String) async -> Bool { (try? await client.modelReady(modelName)) ?? false }
}
