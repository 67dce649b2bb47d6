import Pipeline
import Testing

@testable import Transformer

@Suite struct ServerOptionsTests {
    @Test func defaultsAreKServes() throws {
        let options = try ServerOptions.parse([])
        #expect(options.httpPort == 8080 && options.grpcPort == 8081 && options.modelName == "model")
        #expect(options.enableGRPC && options.enableLatencyLogging && !options.enablePredictorHealthCheck)
        #expect(options.predictor == PredictorConfig(host: "", wireProtocol: .v1, useSSL: false, timeoutSeconds: 600, retries: 0))
        #expect(options.grpcMaxSendMessageLength == 8_388_608 && options.keepAliveTimeoutSeconds == 65)
        #expect(options.gracePeriodSeconds == 30 && options.maxRequestBodyBytes >= 100_000_000)
    }

    @Test func whatTheControllerPassesBothForms() throws {
        let options = try ServerOptions.parse([
            "--model_name", "isvc", "--predictor_host=isvc-predictor.ns", "--http_port", "9000", "--workers=2",
            "--predictor_protocol", "grpc-v2", "--predictor_use_ssl", "TRUE", "--enable_predictor_health_check",
            "--predictor_request_timeout_seconds=5", "--unknown_flag", "x", "--another=1", "positional",
        ])
        #expect(options.modelName == "isvc" && options.predictor.host == "isvc-predictor.ns" && options.httpPort == 9000)
        #expect(options.workers == 2 && options.predictor.wireProtocol == .grpcV2 && options.predictor.useSSL)
        #expect(options.enablePredictorHealthCheck && options.predictor.timeoutSeconds == 5)
    }

    @Test func protocolIsAFallbackForPredictorProtocol() throws {
        #expect(try ServerOptions.parse(["--protocol", "v2"]).predictor.wireProtocol == .v2)
        #expect(try ServerOptions.parse(["--protocol", "v2", "--predictor_protocol", "grpc-v2"]).predictor.wireProtocol == .grpcV2)
        #expect(try ServerOptions.parse(["--predictor_protocol", "v1", "--protocol", "v2"]).predictor.wireProtocol == .v1)
    }

    @Test(arguments: ["y", "yes", "t", "true", "on", "1", "Y", "On"])
    func strtoboolTrue(_ word: String) throws {
        #expect(try ServerOptions.parse(["--enable_grpc", word]).enableGRPC == true)
    }

    @Test(arguments: ["n", "no", "f", "false", "off", "0", "FALSE"])
    func strtoboolFalse(_ word: String) throws {
        #expect(try ServerOptions.parse(["--enable_grpc", word]).enableGRPC == false)
    }

    @Test func badValuesAreErrors() {
        #expect(throws: ServerOptions.ParseError.self) { try ServerOptions.parse(["--enable_grpc", "maybe"]) }
        #expect(throws: ServerOptions.ParseError.self) { try ServerOptions.parse(["--http_port", "x"]) }
        #expect(throws: ServerOptions.ParseError.self) { try ServerOptions.parse(["--http_port"]) }
        #expect(throws: ServerOptions.ParseError.self) { try ServerOptions.parse(["--predictor_protocol", "v3"]) }
        #expect(throws: ServerOptions.ParseError.self) { try ServerOptions.parse(["--event-loop", "invalid-value"]) }
    }

    @Test func environment() throws {
        let options = try ServerOptions.parse([], environment: ["KSERVE_LOGLEVEL": "DEBUG", "CURL_CA_BUNDLE": "/ca.pem"])
        #expect(options.logLevel == "DEBUG" && options.caBundlePath == "/ca.pem")
        let requests = try ServerOptions.parse([], environment: ["REQUESTS_CA_BUNDLE": "/a.pem", "CURL_CA_BUNDLE": "/b.pem"])
        #expect(requests.caBundlePath == "/a.pem")
    }
}
