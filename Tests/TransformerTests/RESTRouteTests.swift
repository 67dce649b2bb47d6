import Foundation
import InferenceProtocol
import Logging
import NIOCore
import NIOHTTP1
import Pipeline
import Synchronization
import Testing

@testable import Transformer

/// The REST routes, in process (the responder called directly) and over a live socket, against the behaviours
/// KServe's own tests assert (spec §10).
@Suite struct RESTRouteTests {
    static func application(
        _ models: [(model: any Model, ready: Bool)], maxBodySize: Int = 1 << 20, healthCheck: (any RemotePredictor)? = nil,
        unhandledErrorHook: (@Sendable (any Error) -> Void)? = nil
    ) async throws -> RESTTestApplication {
        _ = PrometheusMetrics.bootstrap()  // before any model call creates its timers
        let repository = ModelRepository()
        for entry in models { try await repository.register(entry.model, ready: entry.ready) }
        let dataPlane = DataPlane(repository: repository, predictor: healthCheck, predictorHealthCheck: healthCheck != nil)
        let responder = KServeResponder(
            dataPlane: dataPlane, maxBodySize: maxBodySize, metrics: { PrometheusMetrics.exposition() },
            accessLogger: nil, logger: Logger(label: "test"), unhandledErrorHook: unhandledErrorHook)
        return RESTTestApplication(responder: responder)
    }

    static let standardModels: [(model: any Model, ready: Bool)] = [
        (EchoTestModel(), true), (EchoTestModel(name: "DateTimeModel"), true), (FP16OutputModel(), true), (EchoTestModel(name: "NotReady"), false),
        (PlainErrorModel(), true), (ResponseHeaderModel(), true), (MetadataModel(), true),
    ]

    static let json: HTTPHeaders = ["content-type": "application/json"]

    func expect(_ response: TestResponse, _ status: HTTPResponseStatus, _ body: String, sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(response.status == status, sourceLocation: sourceLocation)
        #expect(String(buffer: response.body) == body, sourceLocation: sourceLocation)
    }

    @Test(arguments: [TestingSetup.router, .live])
    func healthAndListing(_ setup: TestingSetup) async throws {
        try await Self.application(Self.standardModels).test(setup) { client in
            expect(try await client.execute(uri: "/", method: .get), .ok, #"{"status":"alive"}"#)
            expect(try await client.execute(uri: "/v2/health/live", method: .get), .ok, #"{"live":true}"#)
            expect(try await client.execute(uri: "/v2/health/ready", method: .get), .ok, #"{"ready":true}"#)
            expect(
                try await client.execute(uri: "/v1/models", method: .get), .ok,
                #"{"models":["TestModel","DateTimeModel","FP16OutputModel","NotReady","throwing","headers","meta"]}"#)
            expect(
                try await client.execute(uri: "/v2", method: .get), .ok,
                #"{"name":"kserve","version":"0.20.0","extensions":["model_repository_extension"]}"#)
            expect(try await client.execute(uri: "/v1/models/TestModel", method: .get), .ok, #"{"name":"TestModel","ready":true}"#)
            expect(try await client.execute(uri: "/v2/models/TestModel/ready", method: .get), .ok, #"{"name":"TestModel","ready":true}"#)
            expect(
                try await client.execute(uri: "/v1/models/InvalidModel", method: .get), .notFound,
                #"{"error":"Model with name InvalidModel does not exist."}"#)
            let metadata = try await client.execute(uri: "/v2/models/meta", method: .get)
            expect(
                metadata, .ok,
                #"{"name":"meta","versions":null,"platform":"","inputs":[{"name":"input-0","datatype":"FP32","shape":[-1,4]}],"outputs":[{"name":"output-0","datatype":"INT64","shape":[-1]}]}"#
            )
            expect(
                try await client.execute(uri: "/v2/models/TestModel", method: .get), .ok,
                #"{"name":"TestModel","versions":null,"platform":"","inputs":[],"outputs":[]}"#)
            let metrics = try await client.execute(uri: "/metrics", method: .get)
            #expect(metrics.status == .ok)
        }
    }

    @Test func unknownPathsAndMethods() async throws {
        try await Self.application(Self.standardModels).test(.router) { client in
            expect(try await client.execute(uri: "/v1/unknown", method: .get), .notFound, #"{"detail":"Not Found"}"#)
            expect(try await client.execute(uri: "/v2/", method: .get), .notFound, #"{"detail":"Not Found"}"#)
            expect(try await client.execute(uri: "/v2/health/live", method: .post), .methodNotAllowed, #"{"detail":"Method Not Allowed"}"#)
            #expect(try await client.execute(uri: "/", method: .head).status == .methodNotAllowed)
            expect(
                try await client.execute(uri: "/v2/models/TestModel/infer", method: .get), .methodNotAllowed,
                #"{"detail":"Method Not Allowed"}"#)
            expect(
                try await client.execute(uri: "/v2/models/TestModel/versions/1", method: .get), .notImplemented,
                #"{"error":"Model versioning not supported yet."}"#)
            expect(
                try await client.execute(uri: "/v2/models/TestModel/versions/1/infer", method: .post, body: ByteBuffer(string: "{}")),
                .notImplemented, #"{"error":"Model versioning not supported yet."}"#)
        }
    }

    /// The path is cut at the query and percent-decoded before it is matched, on the hot infer route as on the others.
    @Test func queryAndPercentEncodingInTheTarget() async throws {
        try await Self.application(Self.standardModels).test(.router) { client in
            let body = ByteBuffer(string: #"{"inputs":[{"name":"x","shape":[2],"datatype":"FP32","data":[1.5,2]}]}"#)
            let answer = #"{"model_name":"TestModel","model_version":null,"id":"#
            for uri in ["/v2/models/TestModel/infer?trace=1", "/v2/models/Test%4Dodel/infer", "/v2/models/Test%4Dodel/infer?a=%2F"] {
                let response = try await client.execute(uri: uri, method: .post, headers: Self.json, body: body)
                #expect(response.status == .ok, "\(uri)")
                #expect(String(buffer: response.body).hasPrefix(answer), "\(uri)")
            }
            expect(try await client.execute(uri: "/v2/health/live?probe=kubelet", method: .get), .ok, #"{"live":true}"#)
            expect(try await client.execute(uri: "/v2/health/%6Cive", method: .get), .ok, #"{"live":true}"#)
            // `%2F` decodes to a `/` inside the name: no such route.
            expect(
                try await client.execute(uri: "/v2/models/Test%2FModel/infer", method: .post, headers: Self.json, body: body), .notFound,
                #"{"detail":"Not Found"}"#)
            expect(
                try await client.execute(uri: "/v2/models//infer", method: .post, headers: Self.json, body: body), .notFound,
                #"{"detail":"Not Found"}"#)
        }
    }

    @Test(arguments: [TestingSetup.router, .live])
    func v1PredictAndExplain(_ setup: TestingSetup) async throws {
        try await Self.application(Self.standardModels).test(setup) { client in
            let body = ByteBuffer(string: #"{"instances":[[1,2]]}"#)
            for verb in ["predict", "explain"] {
                let response = try await client.execute(uri: "/v1/models/TestModel:\(verb)", method: .post, headers: Self.json, body: body)
                expect(response, .ok, #"{"predictions":[[1,2]]}"#)
                #expect(response.headers.first(name: "content-type") == "application/json")
            }
            expect(
                try await client.execute(uri: "/v1/models/Nope:predict", method: .post, headers: Self.json, body: body), .notFound,
                #"{"error":"Model with name Nope does not exist."}"#)
            expect(
                try await client.execute(
                    uri: "/v1/models/TestModel:predict", method: .post, headers: Self.json,
                    body: ByteBuffer(string: #"{"instances":"invalid"}"#)),
                .badRequest, #"{"error":"Expected \"instances\" to be a list"}"#)
            let malformed = try await client.execute(
                uri: "/v1/models/TestModel:predict", method: .post, headers: Self.json,
                body: ByteBuffer(string: "{"))
            #expect(malformed.status == .badRequest)
            #expect(String(buffer: malformed.body).hasPrefix(#"{"error":"Unrecognized request format: "#))
        }
    }

    @Test func modelNotReadyIs503Everywhere() async throws {
        try await Self.application(Self.standardModels).test(.router) { client in
            let message = #"{"error":"Model with name NotReady is not ready."}"#
            expect(try await client.execute(uri: "/v1/models/NotReady", method: .get), .serviceUnavailable, message)
            expect(try await client.execute(uri: "/v2/models/NotReady/ready", method: .get), .serviceUnavailable, message)
            expect(
                try await client.execute(
                    uri: "/v1/models/NotReady:predict", method: .post, headers: Self.json,
                    body: ByteBuffer(string: #"{"instances":[]}"#)), .serviceUnavailable, message)
            expect(
                try await client.execute(
                    uri: "/v1/models/NotReady:explain", method: .post, headers: Self.json,
                    body: ByteBuffer(string: #"{"instances":[]}"#)), .serviceUnavailable, message)
            expect(
                try await client.execute(
                    uri: "/v2/models/NotReady/infer", method: .post, headers: Self.json,
                    body: ByteBuffer(string: #"{"inputs":[]}"#)), .serviceUnavailable, message)
            // Server readiness does not depend on model readiness.
            expect(try await client.execute(uri: "/v2/health/ready", method: .get), .ok, #"{"ready":true}"#)
        }
    }

    @Test(arguments: [TestingSetup.router, .live])
    func v2Infer(_ setup: TestingSetup) async throws {
        try await Self.application(Self.standardModels).test(setup) { client in
            let response = try await client.execute(
                uri: "/v2/models/TestModel/infer", method: .post, headers: Self.json,
                body: ByteBuffer(string: #"{"id":"1","inputs":[{"name":"input-0","shape":[1,2],"datatype":"INT32","data":[[1,2]]}]}"#))
            expect(
                response, .ok,
                #"{"model_name":"TestModel","model_version":null,"id":"1","parameters":null,"outputs":[{"name":"output-0","shape":[1,2],"datatype":"INT32","parameters":null,"data":[1,2]}]}"#
            )
            #expect(response.headers.first(name: "content-type") == "application/json")
            // Parameters round-trip (test_infer_parameters_v2).
            let parameters = try await client.execute(
                uri: "/v2/models/TestModel/infer", method: .post, headers: Self.json,
                body: ByteBuffer(
                    string:
                        #"{"id":"2","parameters":{"a":"s","b":true,"c":3,"d":1.5},"inputs":[{"name":"i","shape":[1],"datatype":"FP64","parameters":{"x":"y"},"data":[1.5]}]}"#
                ))
            #expect(String(buffer: parameters.body).contains(#""parameters":{"x":"y"},"data":[1.5]"#))
        }
    }

    @Test func fp16OutputAsBinaryMatchesKServe() async throws {
        try await Self.application(Self.standardModels).test(.router) { client in
            let request =
                #"{"id":"123","inputs":[{"name":"in","shape":[1],"datatype":"FP32","data":[1.0]}],"outputs":[{"name":"fp16_output","parameters":{"binary_data":true}},{"name":"fp32_output","parameters":{"binary_data":false}}]}"#
            let response = try await client.execute(
                uri: "/v2/models/FP16OutputModel/infer", method: .post, headers: Self.json, body: ByteBuffer(string: request))
            #expect(response.status == .ok)
            #expect(response.headers.first(name: "inference-header-content-length") == "345")
            #expect(response.headers.first(name: "content-type") == "application/octet-stream")
            #expect(response.body.readableBytes == 345 + 16)
            // FP16 output as JSON: 400 (test_fp16_output_not_binary_data).
            let json = try await client.execute(
                uri: "/v2/models/FP16OutputModel/infer", method: .post, headers: Self.json,
                body: ByteBuffer(string: #"{"id":"1","inputs":[{"name":"in","shape":[1],"datatype":"FP32","data":[1.0]}]}"#))
            expect(
                json, .badRequest,
                #"{"error":"Sending FP16 data via JSON is not supported. Please use the binary data format for output fp16_output"}"#)
        }
    }

    @Test func binaryRequestsAndTheMissingHeader() async throws {
        try await Self.application(Self.standardModels).test(.router) { client in
            let json =
                #"{"inputs":[{"name":"x","shape":[2],"datatype":"FP32","parameters":{"binary_data_size":8}}],"parameters":{"binary_data_output":true}}"#
            var body = ByteBuffer(string: json)
            body.writeBytes([0, 0, 0x80, 0x3f, 0, 0, 0, 0x40])
            let headers: HTTPHeaders = ["inference-header-content-length": "\(json.utf8.count)"]
            let response = try await client.execute(uri: "/v2/models/TestModel/infer", method: .post, headers: headers, body: body)
            #expect(response.status == .ok)
            let length = try #require(response.headers.first(name: "inference-header-content-length").flatMap { Int($0) })
            let decoded = try InferResponse(body: Array(buffer: response.body), jsonLength: length)
            #expect(try decoded.outputs[0].values(as: Float.self) == [1, 2])
            // Bytes without the header and not JSON: KServe's message (sic).
            let missing = try await client.execute(
                uri: "/v2/models/TestModel/infer", method: .post,
                headers: ["content-type": "application/octet-stream"], body: ByteBuffer(bytes: [0, 1, 2]))
            expect(missing, .badRequest, #"{"error":"received byte inputs, but the'inference-header-content-length' header is missing."}"#)
            // JSON without a content type works (tritonclient sends none).
            let noType = try await client.execute(
                uri: "/v2/models/TestModel/infer", method: .post,
                body: ByteBuffer(string: #"{"inputs":[{"name":"x","shape":[1],"datatype":"INT8","data":[7]}]}"#))
            #expect(noType.status == .ok)
        }
    }

    @Test func schemaErrorsAre422() async throws {
        try await Self.application(Self.standardModels).test(.router) { client in
            for body in ["{", "", #"{"inputs":"invalid"}"#, #"{"inputs":[{"name":"x"}]}"#] {
                let response = try await client.execute(
                    uri: "/v2/models/TestModel/infer", method: .post, headers: Self.json, body: ByteBuffer(string: body))
                #expect(response.status == .unprocessableEntity, "\(body)")
                #expect(String(buffer: response.body).hasPrefix(#"{"detail":[{"type":"value_error","loc":["body"],"msg":"#))
            }
        }
    }

    @Test func errorsFromModelsAndLimits() async throws {
        try await Self.application(Self.standardModels, maxBodySize: 1024).test(.live) { client in  // the limit is the transport's
            expect(
                try await client.execute(
                    uri: "/v1/models/throwing:predict", method: .post, headers: Self.json,
                    body: ByteBuffer(string: #"{"instances":[]}"#)), .internalServerError, #"{"error":"Boom : boom"}"#)
            let large = try await client.execute(
                uri: "/v2/models/TestModel/infer", method: .post, headers: Self.json,
                body: ByteBuffer(repeating: UInt8(ascii: " "), count: 4096))
            expect(large, .payloadTooLarge, #"{"error":"Request body is larger than the limit of 1024 bytes."}"#)
            // The server keeps serving after every error.
            expect(try await client.execute(uri: "/", method: .get), .ok, #"{"status":"alive"}"#)
        }
    }

    @Test func unhandledErrorHookSeesPlainErrorsOnly() async throws {
        let seen = Mutex<[String]>([])
        try await Self.application(Self.standardModels, unhandledErrorHook: { error in seen.withLock { $0.append("\(error)") } }).test(.router) {
            client in
            _ = try await client.execute(uri: "/v1/models/throwing:predict", method: .post, headers: Self.json, body: ByteBuffer(string: "{}"))
            _ = try await client.execute(uri: "/v1/models/nope:predict", method: .post, headers: Self.json, body: ByteBuffer(string: "{}"))
        }
        #expect(seen.withLock { $0 } == ["boom"])
    }

    @Test func metricsHaveKServesHistograms() async throws {
        try await Self.application(Self.standardModels).test(.router) { client in
            _ = try await client.execute(
                uri: "/v1/models/DateTimeModel:predict", method: .post, headers: Self.json,
                body: ByteBuffer(string: #"{"instances":[1]}"#))
            let metrics = String(buffer: try await client.execute(uri: "/metrics", method: .get).body)
            for name in ["request_preprocess_seconds", "request_predict_seconds", "request_postprocess_seconds"] {
                #expect(metrics.contains("\(name)_bucket{model_name=\"DateTimeModel\",le=\"0.005\"} "), "\(name)")
                #expect(metrics.contains("\(name)_bucket{model_name=\"DateTimeModel\",le=\"7.5\"} "), "\(name)")
                #expect(metrics.contains("\(name)_count{model_name=\"DateTimeModel\"} "), "\(name)")
                #expect(metrics.contains("\(name)_sum{model_name=\"DateTimeModel\"} "), "\(name)")
            }
        }
    }

    @Test func startRefusesWhenNoModelLoads() async throws {
        var options = try ServerOptions.parse(["--http_port", "0", "--grpc_port", "0", "--bind_address", "127.0.0.1"])
        options.configureLogging = false
        let error = await #expect(throws: InferenceError.self) { try await ModelServer(options: options).run([FailingLoadModel()]) }
        #expect(error?.message == "Model with name broken is not ready.")
        let two = await #expect(throws: InferenceError.self) {
            try await ModelServer(options: options).run([FailingLoadModel(), FailingLoadModel(name: "other")])
        }
        #expect(two?.message == "Models with names broken,other are not ready.")
    }

    @Test func modelResponseHeaders() async throws {
        try await Self.application(Self.standardModels).test(.router) { client in
            let response = try await client.execute(
                uri: "/v1/models/headers:predict", method: .post,
                headers: ["content-type": "application/json", "x-request-id": "abc"],
                body: ByteBuffer(string: #"{"instances":[]}"#))
            expect(response, .ok, #"{"seen":"abc"}"#)
            #expect(response.headers.first(name: "x-model-header") == "yes")
            #expect(response.headers.first(name: "content-length") != "999")
        }
    }

    @Test func repositoryLoadAndUnload() async throws {
        try await Self.application(Self.standardModels + [(FailingLoadModel(), false)]).test(.router) { client in
            expect(try await client.execute(uri: "/v2/repository/models/NotReady/load", method: .post), .ok, #"{"name":"NotReady","load":true}"#)
            expect(try await client.execute(uri: "/v2/models/NotReady/ready", method: .get), .ok, #"{"name":"NotReady","ready":true}"#)
            expect(
                try await client.execute(uri: "/v2/repository/models/broken/load", method: .post), .serviceUnavailable,
                #"{"error":"Model with name broken is not ready. Error type: LoadFailure error msg: weights missing"}"#)
            expect(
                try await client.execute(uri: "/v2/repository/models/unknown/load", method: .post), .serviceUnavailable,
                #"{"error":"Model with name unknown is not ready."}"#)
            expect(
                try await client.execute(uri: "/v2/repository/models/TestModel/unload", method: .post), .ok, #"{"name":"TestModel","unload":true}"#)
            expect(
                try await client.execute(uri: "/v1/models/TestModel", method: .get), .notFound,
                #"{"error":"Model with name TestModel does not exist."}"#)
            expect(
                try await client.execute(uri: "/v2/repository/models/FAKE_NAME/unload", method: .post), .notFound,
                #"{"error":"Model with name FAKE_NAME does not exist."}"#)
        }
    }

    @Test func expectContinueIsAnsweredOverALiveSocket() async throws {
        try await Self.application(Self.standardModels, maxBodySize: 8 << 20).test(.live) { client in
            let big = #"{"inputs":[{"name":"x","shape":[1],"datatype":"BYTES","data":[""# + String(repeating: "a", count: 2 << 20) + #""]}]}"#
            let clock = ContinuousClock()
            let start = clock.now
            let response = try await client.execute(
                uri: "/v2/models/TestModel/infer", method: .post,
                headers: ["content-type": "application/json", "expect": "100-continue"], body: ByteBuffer(string: big))
            #expect(response.status == .ok)
            #expect(start.duration(to: clock.now) < .seconds(1))
        }
    }
}
