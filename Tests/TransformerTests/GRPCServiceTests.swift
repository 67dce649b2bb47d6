import Foundation
import GRPCCore
import GRPCNIOTransportHTTP2
import InferenceGRPC
import Logging
import Pipeline
import ServiceLifecycle
import Synchronization
import Testing

@testable import InferenceProtocol
@testable import Transformer

// MARK: - Test models

/// Returns input *i* as output `output-<i>` (same datatype, shape and data), as the `echo-predictor` fixture does.
private struct EchoModel: Model {
    var name = "echo"
    var delay: Duration = .zero
    var inputs: [TensorMetadata] { [TensorMetadata(name: "input-0", datatype: .fp32, shape: [-1, 4])] }
    var outputs: [TensorMetadata] { [TensorMetadata(name: "output-0", datatype: .fp32, shape: [-1, 4])] }
    var platform: String { "swift" }

    func predict(_ payload: Payload, context: InferenceContext) async throws -> Payload {
        if delay > .zero { try await Task.sleep(for: delay) }
        let request = try payload.requireInferRequest()
        let outputs = request.inputs.enumerated().map { index, input in
            var output = input
            output.name = "output-\(index)"
            output.parameters = [:]
            return output
        }
        return .inferResponse(InferResponse(answering: request, outputs: outputs))
    }
}

/// Registered not ready; `load()` counts its calls.
private struct LazyModel: Model {
    let name = "lazy"
    let loads = Counter()

    func load() async throws { loads.increment() }

    func predict(_ payload: Payload, context: InferenceContext) async throws -> Payload {
        let request = try payload.requireInferRequest()
        return .inferResponse(InferResponse(answering: request, outputs: [try InferOutput(name: "loaded", shape: [1], values: [Int32(1)])]))
    }
}

/// A load that always fails.
private struct BrokenModel: Model {
    struct LoadFailure: Error, CustomStringConvertible {
        var description: String { "weights missing" }
    }
    let name = "broken"
    func load() async throws { throw LoadFailure() }
}

/// Throws a plain Swift error, or an `InferenceError` when given one.
private struct ThrowingModel: Model {
    struct Boom: Error {}
    var name = "throwing"
    var error: InferenceError?

    func predict(_ payload: Payload, context: InferenceContext) async throws -> Payload {
        if let error { throw error }
        throw Boom()
    }
}

/// Answers with the request headers it saw, as one BYTES output `<name>=<value>` per header, sorted.
private struct HeaderModel: Model {
    let name = "headers"

    func predict(_ payload: Payload, context: InferenceContext) async throws -> Payload {
        let request = try payload.requireInferRequest()
        let lines = context.headers.filter { $0.key.hasPrefix("x-") }.map { "\($0.key)=\($0.value)" }.sorted()
        return .inferResponse(InferResponse(answering: request, outputs: [try InferOutput(name: "headers", shape: [lines.count], strings: lines)]))
    }
}

private final class Counter: Sendable {
    private let value = Mutex(0)
    func increment() { value.withLock { $0 += 1 } }
    var count: Int { value.withLock { $0 } }
}

// MARK: - Harness

private typealias InferenceClient = Inference_GRPCInferenceService.Client<HTTP2ClientTransport.Posix>

private let quietLogger = Logger(label: "test.grpc") { _ in SwiftLogNoOpLogHandler() }

/// Starts a `GRPCServerService` on 127.0.0.1 with a free port, runs `body` with a client connected to it, then stops
/// the server by cancelling it.
private func withServer<Result: Sendable>(
    _ models: [(any Model, ready: Bool)] = [(EchoModel(), true)],
    maxReceiveMessageLength: Int = GRPCServerService.Configuration.defaultMessageLength,
    maxSendMessageLength: Int = GRPCServerService.Configuration.defaultMessageLength,
    _ body: @Sendable (InferenceClient) async throws -> Result
) async throws -> Result {
    let repository = ModelRepository()
    for (model, ready) in models { try await repository.register(model, ready: ready) }
    let service = GRPCServerService(
        dataPlane: DataPlane(repository: repository),
        configuration: .init(
            host: "127.0.0.1", port: 0, maxReceiveMessageLength: maxReceiveMessageLength, maxSendMessageLength: maxSendMessageLength),
        logger: quietLogger)
    return try await withThrowingTaskGroup { group in
        group.addTask { try await service.run() }
        let port = try await service.listeningPort
        let result = try await withClient(port: port, body)
        group.cancelAll()
        return result
    }
}

private func withClient<Result: Sendable>(port: Int, _ body: (InferenceClient) async throws -> Result) async throws -> Result {
    let transport = try HTTP2ClientTransport.Posix(
        target: .ipv4(address: "127.0.0.1", port: port), transportSecurity: .plaintext,
        config: .defaults { $0.connection.maxIdleTime = nil })
    return try await withGRPCClient(transport: transport) { client async throws in
        try await body(Inference_GRPCInferenceService.Client(wrapping: client))
    }
}

/// Runs `call` and returns the `RPCError` it must throw.
private func rpcError(_ call: () async throws -> Void, sourceLocation: SourceLocation = #_sourceLocation) async -> RPCError? {
    await #expect(throws: RPCError.self, sourceLocation: sourceLocation) { try await call() }
}

private func inferRequest(
    model: String = "echo", inputs: [InferInput], raw: Bool, outputs: [String] = []
) throws -> Inference_ModelInferRequest {
    let request = InferRequest(id: "req-1", modelName: model, inputs: inputs, requestedOutputs: outputs.map { RequestedOutput(name: $0) })
    return try request.grpcMessage(rawContents: raw)
}

/// The inputs of KServe's test_grpc_raw_inputs: FP32, INT32, BYTES, BOOL, UINT8 (raw sizes 32, 32, 59, 8, 8).
private func mixedInputs() throws -> [InferInput] {
    [
        try InferInput(name: "fp32", shape: [2, 4], values: [6.8, 2.8, 4.8, 1.4, 6.0, 3.4, 4.5, 1.6] as [Float]),
        try InferInput(name: "int32", shape: [8], values: [1, 2, 3, 4, 5, 6, 7, 8] as [Int32]),
        try InferInput(name: "bytes", shape: [4], strings: ["Hello World", "Hello", "Swift KServe gRPC", "Hi there!!"]),
        try InferInput(name: "bool", shape: [8], values: [true, false, true, false, true, false, true, false]),
        try InferInput(name: "uint8", shape: [8], values: [1, 2, 3, 4, 5, 6, 7, 8] as [UInt8]),
    ]
}

// MARK: - Tests

@Suite struct GRPCServiceTests {
    @Test func serverLiveReadyAndMetadata() async throws {
        try await withServer { client async throws in
            #expect(try await client.serverLive(Inference_ServerLiveRequest()).live)
            #expect(try await client.serverReady(Inference_ServerReadyRequest()).ready)
            let metadata = try await client.serverMetadata(Inference_ServerMetadataRequest())
            #expect(metadata.name == "kserve")
            #expect(metadata.version == DataPlane.serverVersion)
            #expect(metadata.extensions == ["model_repository_extension"])
        }
    }

    /// Server readiness ignores model readiness (test_dataplane test_server_readiness).
    @Test func serverIsReadyWithANotReadyModel() async throws {
        try await withServer([(LazyModel(), false)]) { client async throws in
            #expect(try await client.serverReady(Inference_ServerReadyRequest()).ready)
        }
    }

    @Test func modelReady() async throws {
        try await withServer([(EchoModel(), true), (LazyModel(), false)]) { client async throws in
            var request = Inference_ModelReadyRequest()
            request.name = "echo"
            request.version = "ignored"
            #expect(try await client.modelReady(request).ready)
            request.name = "lazy"
            #expect(try await client.modelReady(request).ready == false)
            request.name = "unknown"
            let error = await rpcError { _ = try await client.modelReady(request) }
            #expect(error?.code == .notFound)
            #expect(error?.message == "Model with name unknown does not exist.")
        }
    }

    @Test func modelMetadata() async throws {
        try await withServer([(EchoModel(), true), (LazyModel(), false)]) { client async throws in
            var request = Inference_ModelMetadataRequest()
            request.name = "echo"
            let metadata = try await client.modelMetadata(request)
            #expect(metadata.name == "echo")
            #expect(metadata.platform == "swift")
            #expect(metadata.versions.isEmpty)
            #expect(metadata.inputs.map(\.name) == ["input-0"] && metadata.inputs[0].datatype == "FP32" && metadata.inputs[0].shape == [-1, 4])
            #expect(metadata.outputs.map(\.name) == ["output-0"])
            // KServe's default metadata: empty platform, no inputs or outputs; no readiness check.
            request.name = "lazy"
            let lazy = try await client.modelMetadata(request)
            #expect(lazy.name == "lazy" && lazy.platform.isEmpty && lazy.inputs.isEmpty && lazy.outputs.isEmpty)
            request.name = "nope"
            let error = await rpcError { _ = try await client.modelMetadata(request) }
            #expect(error?.code == .notFound)
            #expect(error?.message == "Model with name nope does not exist.")
        }
    }

    /// test_grpc_inputs: typed contents in → typed contents out (BYTES as bytes), no raw contents, no parameters.
    @Test func inferWithTypedContents() async throws {
        let inputs = try mixedInputs()
        try await withServer { client async throws in
            let response = try await client.modelInfer(try inferRequest(inputs: inputs, raw: false))
            #expect(response.modelName == "echo")
            #expect(response.id == "req-1")
            #expect(response.modelVersion.isEmpty)
            #expect(response.rawOutputContents.isEmpty)
            #expect(response.outputs.map(\.name) == ["output-0", "output-1", "output-2", "output-3", "output-4"])
            #expect(response.outputs.map(\.datatype) == ["FP32", "INT32", "BYTES", "BOOL", "UINT8"])
            #expect(response.outputs[0].shape == [2, 4])
            #expect(response.outputs.allSatisfy { $0.parameters.isEmpty && $0.hasContents })
            #expect(response.outputs[0].contents.fp32Contents == [6.8, 2.8, 4.8, 1.4, 6.0, 3.4, 4.5, 1.6])
            #expect(response.outputs[1].contents.intContents == [1, 2, 3, 4, 5, 6, 7, 8])
            #expect(
                response.outputs[2].contents.bytesContents.map { String(decoding: $0, as: UTF8.self) } == [
                    "Hello World", "Hello", "Swift KServe gRPC", "Hi there!!",
                ])
            #expect(response.outputs[3].contents.boolContents == [true, false, true, false, true, false, true, false])
            #expect(response.outputs[4].contents.uintContents == [1, 2, 3, 4, 5, 6, 7, 8])
        }
    }

    /// test_grpc_raw_inputs: raw in → raw out, each output with `binary_data_size`, bytes unchanged.
    @Test func inferWithRawContents() async throws {
        let inputs = try mixedInputs()
        try await withServer { client async throws in
            let request = try inferRequest(inputs: inputs, raw: true)
            let response = try await client.modelInfer(request)
            #expect(response.outputs.map { $0.parameters["binary_data_size"]?.int64Param } == [32, 32, 59, 8, 8])
            #expect(response.outputs.allSatisfy { !$0.hasContents })
            #expect(response.rawOutputContents == request.rawInputContents)
            let decoded = try InferResponse(grpc: response)
            #expect(decoded.outputs.map(\.datatype) == inputs.map(\.datatype))
            #expect(try decoded.outputs[2].strings() == ["Hello World", "Hello", "Swift KServe gRPC", "Hi there!!"])
        }
    }

    /// FP16 travels raw both ways (test_grpc_fp16_output's expected bytes for the FP16 output).
    @Test func fp16RawInRawOut() async throws {
        let values: [Float16] = [6.8, 2.8, 4.8, 1.4, 6.0, 3.4, 4.5, 1.6]
        let input = try InferInput(name: "fp16", shape: [8], values: values)
        try await withServer { client async throws in
            let response = try await client.modelInfer(try inferRequest(inputs: [input], raw: true))
            #expect(response.outputs.count == 1 && response.outputs[0].datatype == "FP16")
            #expect(response.outputs[0].parameters["binary_data_size"]?.int64Param == 16)
            #expect(response.rawOutputContents.map { $0.base64EncodedString() } == ["zUaaQc1Emj0ARs1CgERmPg=="])
            #expect(try InferResponse(grpc: response).outputs[0].values(as: Float16.self) == values)
        }
    }

    @Test func requestedOutputsAreHonoured() async throws {
        let inputs = try mixedInputs()
        try await withServer { client async throws in
            let typed = try await client.modelInfer(try inferRequest(inputs: inputs, raw: false, outputs: ["output-3", "output-1"]))
            #expect(typed.outputs.map(\.name) == ["output-3", "output-1"])
            #expect(typed.outputs[1].contents.intContents == [1, 2, 3, 4, 5, 6, 7, 8])
            let raw = try await client.modelInfer(try inferRequest(inputs: inputs, raw: true, outputs: ["output-2"]))
            #expect(raw.outputs.map(\.name) == ["output-2"])
            #expect(raw.rawOutputContents.count == 1 && raw.outputs[0].parameters["binary_data_size"]?.int64Param == 59)
            let error = await rpcError { _ = try await client.modelInfer(try inferRequest(inputs: inputs, raw: false, outputs: ["nope"])) }
            #expect(error?.code == .invalidArgument)
            #expect(error?.message == "Unexpected inference output 'nope' for model 'echo'")
        }
    }

    /// test_grpc_raw_inputs_with_missing_input_data / ..._with_contents_specified.
    @Test func badRawInputsAreInvalidArgument() async throws {
        let inputs = try mixedInputs()
        try await withServer { client async throws in
            var missing = try inferRequest(inputs: inputs, raw: true)
            missing.rawInputContents.removeLast()
            var error = await rpcError { _ = try await client.modelInfer(missing) }
            #expect(error?.code == .invalidArgument)
            #expect(error?.message == "the number of inputs (5) does not match the expected number of raw input contents (4) for model 'echo'.")

            var mixed = try inferRequest(inputs: inputs, raw: true)
            mixed.inputs[1].contents.intContents = [1, 2, 3, 4, 5, 6, 7, 8]
            error = await rpcError { _ = try await client.modelInfer(mixed) }
            #expect(error?.code == .invalidArgument)
            #expect(error?.message == "contents field must not be specified when using raw_input_contents for input 'int32' for model 'echo'")

            var truncated = try inferRequest(inputs: [inputs[0]], raw: true)
            truncated.rawInputContents[0].removeLast()
            error = await rpcError { _ = try await client.modelInfer(truncated) }
            #expect(error?.code == .invalidArgument)

            var unknownDatatype = try inferRequest(inputs: [inputs[0]], raw: false)
            unknownDatatype.inputs[0].datatype = "FP128"
            error = await rpcError { _ = try await client.modelInfer(unknownDatatype) }
            #expect(error?.code == .invalidArgument)

            // The server is still serving after the bad requests.
            #expect(try await client.modelInfer(try inferRequest(inputs: inputs, raw: true)).outputs.count == 5)
        }
    }

    @Test func unknownModelIsNotFound() async throws {
        try await withServer { client async throws in
            let error = await rpcError { _ = try await client.modelInfer(try inferRequest(model: "missing", inputs: try mixedInputs(), raw: false)) }
            #expect(error?.code == .notFound)
            #expect(error?.message == "Model with name missing does not exist.")
        }
    }

    /// Spec §6.5 / §7.8: ModelInfer loads a registered model that is not ready, then infers.
    @Test func notReadyModelIsLoadedThenAnswers() async throws {
        let model = LazyModel()
        try await withServer([(model, false)]) { client async throws in
            var ready = Inference_ModelReadyRequest()
            ready.name = "lazy"
            #expect(try await client.modelReady(ready).ready == false)
            let response = try await client.modelInfer(try inferRequest(model: "lazy", inputs: [], raw: false))
            #expect(response.outputs.map(\.name) == ["loaded"])
            #expect(model.loads.count == 1)
            #expect(try await client.modelReady(ready).ready)
            _ = try await client.modelInfer(try inferRequest(model: "lazy", inputs: [], raw: false))
            #expect(model.loads.count == 1)
        }
    }

    @Test func plainSwiftErrorIsInternal() async throws {
        try await withServer([(ThrowingModel(), true)]) { client async throws in
            let error = await rpcError { _ = try await client.modelInfer(try inferRequest(model: "throwing", inputs: [], raw: false)) }
            #expect(error?.code == .internalError)
            #expect(error?.message == "Internal server error")
        }
    }

    @Test(arguments: [
        (InferenceError.invalidInput("bad input"), RPCError.Code.invalidArgument),
        (InferenceError.notImplemented("Could not find predictor_host."), .unimplemented),
        (InferenceError(code: .badGateway, message: "predictor down"), .unavailable),
        (InferenceError(code: .gatewayTimeout, message: "predictor slow"), .deadlineExceeded),
    ])
    func modelInferenceErrorKeepsItsStatus(_ thrown: InferenceError, _ code: RPCError.Code) async throws {
        try await withServer([(ThrowingModel(error: thrown), true)]) { client async throws in
            let error = await rpcError { _ = try await client.modelInfer(try inferRequest(model: "throwing", inputs: [], raw: false)) }
            #expect(error?.code == code)
            #expect(error?.message == thrown.message)
        }
    }

    /// Spec §6.5: the model is called with the invocation metadata as headers.
    @Test func metadataReachesTheModelAsHeaders() async throws {
        try await withServer([(HeaderModel(), true)]) { client async throws in
            let response = try await client.modelInfer(
                try inferRequest(model: "headers", inputs: [], raw: false),
                metadata: ["x-request-id": "abc-123", "x-custom": "first", "x-binary-bin": .binary([1, 2])])
            let lines = response.outputs[0].contents.bytesContents.map { String(decoding: $0, as: UTF8.self) }
            #expect(lines.contains("x-request-id=abc-123"))
            #expect(lines.contains("x-custom=first"))
            #expect(!lines.contains { $0.hasPrefix("x-binary-bin") })
        }
    }

    @Test func repositoryLoadAndUnload() async throws {
        try await withServer([(EchoModel(), true), (LazyModel(), false), (BrokenModel(), false)]) { client async throws in
            var load = Inference_RepositoryModelLoadRequest()
            load.modelName = "lazy"
            let loaded = try await client.repositoryModelLoad(load)
            #expect(loaded.modelName == "lazy" && loaded.isLoaded)
            var ready = Inference_ModelReadyRequest()
            ready.name = "lazy"
            #expect(try await client.modelReady(ready).ready)

            load.modelName = "broken"
            var error = await rpcError { _ = try await client.repositoryModelLoad(load) }
            #expect(error?.code == .unavailable)
            #expect(error?.message == "Model with name broken is not ready. Error type: LoadFailure error msg: weights missing")

            load.modelName = "ghost"
            error = await rpcError { _ = try await client.repositoryModelLoad(load) }
            #expect(error?.code == .unavailable)
            #expect(error?.message == "Model with name ghost is not ready.")

            var unload = Inference_RepositoryModelUnloadRequest()
            unload.modelName = "echo"
            let unloaded = try await client.repositoryModelUnload(unload)
            #expect(unloaded.modelName == "echo" && unloaded.isUnloaded)
            ready.name = "echo"
            error = await rpcError { _ = try await client.modelReady(ready) }
            #expect(error?.code == .notFound)

            unload.modelName = "FAKE_NAME"
            error = await rpcError { _ = try await client.repositoryModelUnload(unload) }
            #expect(error?.code == .notFound)
            #expect(error?.message == "Model with name FAKE_NAME does not exist.")
        }
    }

    @Test func requestOverTheReceiveLimitIsResourceExhausted() async throws {
        let big = try InferInput(name: "big", shape: [1024], values: [Float](repeating: 1, count: 1024))
        try await withServer(maxReceiveMessageLength: 2048) { client async throws in
            let error = await rpcError { _ = try await client.modelInfer(try inferRequest(inputs: [big], raw: true)) }
            #expect(error?.code == .resourceExhausted)
            #expect(error?.message.hasPrefix("Received message larger than max (") == true)
            #expect(error?.message.hasSuffix(" vs. 2048)") == true)
            // A request under the limit still succeeds.
            let small = try InferInput(name: "small", shape: [16], values: [Float](repeating: 1, count: 16))
            #expect(try await client.modelInfer(try inferRequest(inputs: [small], raw: true)).outputs.count == 1)
            // Past the transport's ceiling (limit + 1 MiB here) the stream is reset unread: clients see UNAVAILABLE.
            let huge = try InferInput(name: "huge", shape: [1 << 19], values: [Float](repeating: 1, count: 1 << 19))
            let reset = await rpcError { _ = try await client.modelInfer(try inferRequest(inputs: [huge], raw: true)) }
            #expect(reset?.code == .unavailable)
            #expect(try await client.modelInfer(try inferRequest(inputs: [small], raw: true)).outputs.count == 1)
        }
    }

    @Test func responseOverTheSendLimitIsResourceExhausted() async throws {
        let big = try InferInput(name: "big", shape: [1024], values: [Float](repeating: 1, count: 1024))
        try await withServer(maxReceiveMessageLength: 1 << 20, maxSendMessageLength: 2048) { client async throws in
            let error = await rpcError { _ = try await client.modelInfer(try inferRequest(inputs: [big], raw: true)) }
            #expect(error?.code == .resourceExhausted)
            #expect(error?.message.hasPrefix("Sent message larger than max (") == true)
            #expect(error?.message.hasSuffix(" vs. 2048)") == true)
        }
    }

    /// The default 8 MiB receive limit lets a 6 MiB request through (grpc-swift's own default is 4 MiB) and stops a
    /// 9 MiB one.
    @Test func defaultReceiveLimitIsEightMebibytes() async throws {
        @Sendable func request(mebibytes: Int) throws -> Inference_ModelInferRequest {
            let count = mebibytes * 1024 * 1024 / 4
            let input = try InferInput(name: "big", shape: [count], values: [Float](repeating: 0.5, count: count))
            return try inferRequest(model: "lazy", inputs: [input], raw: true)
        }
        try await withServer([(LazyModel(), true)]) { client async throws in
            // The model answers a single small output, so the client's own 4 MiB receive limit is not in play.
            #expect(try await client.modelInfer(try request(mebibytes: 6)).outputs.map(\.name) == ["loaded"])
            let error = await rpcError { _ = try await client.modelInfer(try request(mebibytes: 9)) }
            #expect(error?.code == .resourceExhausted)
            #expect(error?.message.hasSuffix(" vs. 8388608)") == true)
        }
    }

    /// On the service group's graceful shutdown, an RPC in flight completes and `run()` returns.
    @Test func gracefulShutdownLetsInFlightRPCsFinish() async throws {
        let (started, startedContinuation) = AsyncStream<Void>.makeStream()
        let repository = ModelRepository()
        try await repository.register(SignallingEchoModel(started: startedContinuation, delay: .milliseconds(300)))
        let service = GRPCServerService(
            dataPlane: DataPlane(repository: repository), configuration: .init(host: "127.0.0.1", port: 0), logger: quietLogger)
        let group = ServiceGroup(services: [service], logger: quietLogger)
        try await withThrowingTaskGroup { tasks in
            tasks.addTask { try await group.run() }
            let port = try await service.listeningPort
            try await withClient(port: port) { client async throws in
                let input = try InferInput(name: "x", shape: [1], values: [Float(2)])
                try await withThrowingTaskGroup { calls in
                    calls.addTask {
                        let response = try await client.modelInfer(try inferRequest(inputs: [input], raw: false))
                        #expect(response.outputs[0].contents.fp32Contents == [2])
                    }
                    // Shut down only once the RPC is inside the model: a fixed sleep races with a busy machine.
                    var iterator = started.makeAsyncIterator()
                    _ = await iterator.next()
                    await group.triggerGracefulShutdown()
                    try await calls.waitForAll()
                }
            }
            // run() returned by itself: the service group finished without being cancelled.
            try await tasks.waitForAll()
        }
    }

    /// Says when `predict` has started, then answers like the echo model after a delay.
    struct SignallingEchoModel: Model {
        let name = "echo"
        let started: AsyncStream<Void>.Continuation
        let delay: Duration

        func predict(_ payload: Payload, context: InferenceContext) async throws -> Payload {
            started.yield()
            try await Task.sleep(for: delay)
            let request = try payload.requireInferRequest()
            let outputs = try request.inputs.enumerated().map { index, input in
                try InferOutput(name: "output-\(index)", shape: input.shape, values: input.values(as: Float.self))
            }
            return .inferResponse(InferResponse(answering: request, outputs: outputs))
        }
    }

    /// The one mapping of spec §6.5 (Swift), plus a predictor's 4xx passed on.
    @Test(arguments: [
        (InferenceError.Code.invalidInput, RPCError.Code.invalidArgument),
        (.invalidRequestBody, .invalidArgument),
        (.inferenceFailed, .invalidArgument),
        (.unsupportedProtocol, .invalidArgument),
        (.modelNotReady, .unavailable),
        (.serverNotReady, .unavailable),
        (.serverNotLive, .unavailable),
        (.notImplemented, .unimplemented),
        (.modelNotFound, .notFound),
        (.payloadTooLarge, .resourceExhausted),
        (.badGateway, .unavailable),
        (.gatewayTimeout, .deadlineExceeded),
        (.internalError, .internalError),
        (.predictorRejected(status: 400), .invalidArgument),
        (.predictorRejected(status: 401), .unauthenticated),
        (.predictorRejected(status: 403), .permissionDenied),
        (.predictorRejected(status: 404), .notFound),
        (.predictorRejected(status: 422), .invalidArgument),
        (.predictorRejected(status: 429), .resourceExhausted),
    ])
    func everyInferenceErrorCodeMapsToItsStatus(_ code: InferenceError.Code, _ expected: RPCError.Code) {
        let error = RPCError(InferenceError(code: code, message: "message for \(code)"))
        #expect(error.code == expected)
        #expect(error.message == "message for \(code)")
    }
}
