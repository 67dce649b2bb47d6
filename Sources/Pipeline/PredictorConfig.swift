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
    /// CA bundle for TLS to the predictor (`REQUESTS_CA_BUNDLE`, `CURL_CA_BUNDLE`, `--predictor_ca_bundle`); `nil`
    /// uses the system's trust store.
    public var caBundlePath: String?
    /// Whether to verify the predictor's certificate (on unless `--predictor_verify_ssl false`).
    public var verifyTLS = true
    /// Client certificate and key for mutual TLS (`--predictor_client_cert`, `--predictor_client_key`).
    public var clientCertificatePath: String?
    /// The client certificate's key.
    public var clientKeyPath: String?
    /// Headers forwarded to the predictor besides the standard ones (`--predictor_forward_headers a,b`).
    public var extraForwardedHeaders: [String] = []
    /// Inputs with at least this many elements go to a REST v2 predictor in binary form (FP16 and non-UTF-8 BYTES
    /// always do).
    public var binaryInputThreshold = 256
    /// Most connections kept open to the predictor (`--predictor_max_connections`, default 64).
    public var maxConnections = 64

    /// Creates a configuration; the defaults are KServe's.
    public init(host: String, wireProtocol: WireProtocol = .v1, useSSL: Bool = false, timeoutSeconds: Int = 600, retries: Int = 0) {
        self.host = host
        self.wireProtocol = wireProtocol
        self.useSSL = useSSL
        self.timeoutSeconds = timeoutSeconds
        self.retries = retries
    }
}
