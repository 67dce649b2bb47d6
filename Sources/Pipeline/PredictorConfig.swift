/// How a transformer reaches its predictor: KServe's `PredictorConfig`, filled from the `--predictor_*` flags.
public struct PredictorConfig: Sendable, Equatable {
    /// The protocol used to call the predictor (`--predictor_protocol`).
    public enum WireProtocol: String, Sendable, CaseIterable {
        /// REST v1: `POST /v1/models/<name>:predict`.
        case v1 = "v1"
        /// REST v2: `POST /v2/models/<name>/infer`.
        case v2 = "v2"
        /// gRPC v2: `inference.GRPCInferenceService/ModelInfer`.
        case grpcV2 = "grpc-v2"
    }

    /// `host[:port][/path]` of the predictor (`--predictor_host`); empty means there is no predictor.
    public var host: String
    /// The protocol spoken to the predictor.
    public var wireProtocol: WireProtocol
    /// Whether to use TLS (`--predictor_use_ssl`).
    public var useSSL: Bool
    /// Timeout of one predictor call in seconds (`--predictor_request_timeout_seconds`, default 600).
    public var timeoutSeconds: Int
    /// Extra attempts after a connection failure or UNAVAILABLE (`--predictor_request_retries`, default 0).
    public var retries: Int

    /// Creates a configuration; the defaults are KServe's.
    public init(host: String, wireProtocol: WireProtocol = .v1, useSSL: Bool = false, timeoutSeconds: Int = 600, retries: Int = 0) {
        self.host = host
        self.wireProtocol = wireProtocol
        self.useSSL = useSSL
        self.timeoutSeconds = timeoutSeconds
        self.retries = retries
    }
}
