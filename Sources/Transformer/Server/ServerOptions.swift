public import Pipeline

/// The server's configuration from KServe's command-line flags (spec §1.1) and environment (§1.3).
///
/// Parsing follows argparse as KServe uses it: `--flag value` and `--flag=value`, booleans through `strtobool`,
/// unknown flags ignored. swift-argument-parser cannot ignore unknown options, so this is a small parser of its
/// own (``parse(_:environment:)``); argparse's prefix abbreviations (`--http` for `--http_port`) are not accepted.
public struct ServerOptions: Sendable, Equatable {
    /// `--http_port` (8080).
    public var httpPort = 8080
    /// `--grpc_port` (8081).
    public var grpcPort = 8081
    /// Address both servers bind (KServe binds all interfaces; tests use 127.0.0.1). Not a KServe flag: `--bind_address`.
    public var bindAddress = "0.0.0.0"
    /// `--workers`: KServe's worker processes become event-loop threads of one process; `nil` = one per core.
    public var workers: Int?
    /// `--max_threads` (4): accepted for compatibility; gRPC shares the event loops.
    public var maxThreads = 4
    /// `--enable_grpc` (true).
    public var enableGRPC = true
    /// `--enable_docs_url` (false): accepted; no Swagger UI is served.
    public var enableDocsURL = false
    /// `--enable_latency_logging` (true).
    public var enableLatencyLogging = true
    /// `--configure_logging` (true): install KServe's log format.
    public var configureLogging = true
    /// `--log_config_file`: accepted and ignored (Python logging configuration).
    public var logConfigFile: String?
    /// `--access_log_format`: accepted; the access log has a fixed format.
    public var accessLogFormat: String?
    /// `--timeout-keep-alive` (65 s): idle time before a keep-alive connection is closed.
    public var keepAliveTimeoutSeconds = 65
    /// `--model_name` ("model").
    public var modelName = "model"
    /// The predictor: `--predictor_host`, `--predictor_protocol` (or the older `--protocol`), `--predictor_use_ssl`,
    /// `--predictor_request_timeout_seconds`, `--predictor_request_retries`.
    public var predictor = PredictorConfig(host: "")
    /// `--enable_predictor_health_check`.
    public var enablePredictorHealthCheck = false
    /// `--grpc_max_send_message_length` (8 MiB).
    public var grpcMaxSendMessageLength = 8_388_608
    /// `--grpc_max_receive_message_length` (8 MiB).
    public var grpcMaxReceiveMessageLength = 8_388_608
    /// Not a KServe flag: `--explainer_host`, `host[:port][/path]` of the explainer for `:explain`.
    public var explainerHost: String?
    /// Not a KServe flag: `--max_request_body_bytes` (128 MiB); larger REST bodies get 413.
    public var maxRequestBodyBytes = 128 * 1024 * 1024
    /// Not a KServe flag: `--grace_period_seconds` (30, KServe's `grace_period`).
    public var gracePeriodSeconds = 30
    /// Not a KServe flag: `--enable_access_log` (true).
    public var enableAccessLog = true
    /// `KSERVE_LOGLEVEL` (INFO).
    public var logLevel = "INFO"
    /// `--predictor_ca_bundle`, else `REQUESTS_CA_BUNDLE`, else `CURL_CA_BUNDLE`: CA bundle for TLS to the predictor
    /// (also in `predictor.caBundlePath`). Other swift-kserve flags of the predictor: `--predictor_verify_ssl`,
    /// `--predictor_client_cert`, `--predictor_client_key`, `--predictor_forward_headers`, `--predictor_max_connections`.
    public var caBundlePath: String?

    /// The defaults.
    public init() {}

    /// An error in the flags: argparse exits with status 2 on these.
    public struct ParseError: Error, Sendable, Equatable, CustomStringConvertible {
        /// What is wrong.
        public var message: String
        /// The message.
        public var description: String { message }
    }

    /// Options from `arguments` (without the program name) and `environment`.
    /// - Throws: ``ParseError`` for a known flag with a missing or invalid value.
    public static func parse(_ arguments: [String], environment: [String: String] = [:]) throws(ParseError) -> ServerOptions {
        var options = ServerOptions()
        var protocolFallback: PredictorConfig.WireProtocol?
        var predictorProtocolGiven = false
        var index = 0
        while index < arguments.count {
            let argument = arguments[index]
            index += 1
            guard argument.hasPrefix("--") else { continue }
            var name = String(argument.dropFirst(2))
            var inlineValue: String?
            if let equals = name.firstIndex(of: "=") {
                inlineValue = String(name[name.index(after: equals)...])
                name = String(name[..<equals])
            }
            if name == "enable_predictor_health_check" {
                options.enablePredictorHealthCheck = true
                continue
            }
            guard Self.knownFlags.contains(name) else { continue }  // unknown flags are ignored, as argparse's parse_known_args
            let value: String
            if let inlineValue {
                value = inlineValue
            } else if index < arguments.count, !arguments[index].hasPrefix("--") {
                value = arguments[index]
                index += 1
            } else {
                throw ParseError(message: "argument --\(name): expected one argument")
            }
            func integer() throws(ParseError) -> Int {
                guard let number = Int(value) else { throw ParseError(message: "argument --\(name): invalid int value: '\(value)'") }
                return number
            }
            func bool() throws(ParseError) -> Bool {
                guard let flag = BoolFlag.parse(value) else { throw ParseError(message: "argument --\(name): invalid strtobool value: '\(value)'") }
                return flag
            }
            func wireProtocol() throws(ParseError) -> PredictorConfig.WireProtocol {
                guard let parsed = PredictorConfig.WireProtocol(rawValue: value) else {
                    throw ParseError(message: "argument --\(name): invalid choice: '\(value)' (choose from 'v1', 'v2', 'grpc-v2')")
                }
                return parsed
            }
            switch name {
            case "http_port": options.httpPort = try integer()
            case "grpc_port": options.grpcPort = try integer()
            case "bind_address": options.bindAddress = value
            case "workers": options.workers = try integer()
            case "max_threads": options.maxThreads = try integer()
            case "max_asyncio_workers": _ = try integer()
            case "enable_grpc": options.enableGRPC = try bool()
            case "enable_docs_url": options.enableDocsURL = try bool()
            case "enable_latency_logging": options.enableLatencyLogging = try bool()
            case "configure_logging": options.configureLogging = try bool()
            case "log_config_file": options.logConfigFile = value
            case "access_log_format": options.accessLogFormat = value
            case "event-loop":
                guard ["auto", "asyncio", "uvloop"].contains(value) else {
                    throw ParseError(message: "argument --event-loop: invalid choice: '\(value)' (choose from 'auto', 'asyncio', 'uvloop')")
                }
            case "timeout-keep-alive": options.keepAliveTimeoutSeconds = try integer()
            case "model_name": options.modelName = value
            case "predictor_host": options.predictor.host = value
            case "protocol": protocolFallback = try wireProtocol()
            case "predictor_protocol":
                options.predictor.wireProtocol = try wireProtocol()
                predictorProtocolGiven = true
            case "predictor_use_ssl": options.predictor.useSSL = try bool()
            case "predictor_request_timeout_seconds": options.predictor.timeoutSeconds = try integer()
            case "predictor_request_retries": options.predictor.retries = try integer()
            case "grpc_max_send_message_length": options.grpcMaxSendMessageLength = try integer()
            case "grpc_max_receive_message_length": options.grpcMaxReceiveMessageLength = try integer()
            case "explainer_host": options.explainerHost = value
            case "max_request_body_bytes": options.maxRequestBodyBytes = try integer()
            case "grace_period_seconds": options.gracePeriodSeconds = try integer()
            case "enable_access_log": options.enableAccessLog = try bool()
            case "predictor_ca_bundle": options.caBundlePath = value
            case "predictor_verify_ssl": options.predictor.verifyTLS = try bool()
            case "predictor_client_cert": options.predictor.clientCertificatePath = value
            case "predictor_client_key": options.predictor.clientKeyPath = value
            case "predictor_forward_headers": options.predictor.extraForwardedHeaders = value.split(separator: ",").map(String.init)
            case "predictor_max_connections": options.predictor.maxConnections = try integer()
            default: break
            }
        }
        if !predictorProtocolGiven, let protocolFallback { options.predictor.wireProtocol = protocolFallback }
        options.logLevel = environment["KSERVE_LOGLEVEL"] ?? "INFO"
        if let bundle = environment["REQUESTS_CA_BUNDLE"] ?? environment["CURL_CA_BUNDLE"], !bundle.isEmpty {
            options.caBundlePath = options.caBundlePath ?? bundle
        }
        options.predictor.caBundlePath = options.caBundlePath
        return options
    }

    private static let knownFlags: Set<String> = [
        "http_port", "grpc_port", "bind_address", "workers", "max_threads", "max_asyncio_workers", "enable_grpc", "enable_docs_url",
        "enable_latency_logging", "configure_logging", "log_config_file", "access_log_format", "event-loop", "timeout-keep-alive",
        "model_name", "predictor_host", "protocol", "predictor_protocol", "predictor_use_ssl", "predictor_request_timeout_seconds",
        "predictor_request_retries", "grpc_max_send_message_length", "grpc_max_receive_message_length", "explainer_host",
        "max_request_body_bytes", "grace_period_seconds", "enable_access_log", "predictor_ca_bundle", "predictor_verify_ssl",
        "predictor_client_cert", "predictor_client_key", "predictor_forward_headers", "predictor_max_connections",
    ]
}
