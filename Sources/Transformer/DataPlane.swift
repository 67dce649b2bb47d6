public import InferenceProtocol
public import Pipeline

/// What both fronts (REST and gRPC) do, independent of the wire: KServe's `DataPlane` and
/// `ModelRepositoryExtension`. Every failure is an `InferenceError` whose code the front maps to its status.
public final class DataPlane: Sendable {
    /// The name in server metadata.
    public static let serverName = "kserve"
    /// The KServe version swift-kserve implements (server metadata `version`).
    public static let serverVersion = "0.20.0"
    /// The protocol extensions announced in server metadata.
    public static let extensions = ["model_repository_extension"]

    /// The served models.
    public let repository: ModelRepository
    /// The call chain.
    public let pipeline: InferencePipeline
    /// The remote predictor of transformer mode, if configured.
    public let predictor: (any RemotePredictor)?
    /// The remote explainer, if configured.
    public let explainer: (any RemotePredictor)?
    /// `--enable_predictor_health_check`: readiness asks the predictor.
    public let predictorHealthCheck: Bool
    /// How CloudEvent responses are attributed (`CE_SOURCE`, `CE_TYPE`, `CE_MERGE`).
    public let cloudEventSettings: CloudEventSettings

    /// Creates a data plane.
    public init(
        repository: ModelRepository, pipeline: InferencePipeline = InferencePipeline(), predictor: (any RemotePredictor)? = nil,
        explainer: (any RemotePredictor)? = nil, predictorHealthCheck: Bool = false,
        cloudEventSettings: CloudEventSettings = CloudEventSettings()
    ) {
        self.repository = repository
        self.pipeline = pipeline
        self.predictor = predictor
        self.explainer = explainer
        self.predictorHealthCheck = predictorHealthCheck
        self.cloudEventSettings = cloudEventSettings
    }

    // MARK: Health and metadata

    /// Server readiness: always true, unless the predictor health check is on, then the predictor's answer.
    /// - Throws: What the predictor call throws (KServe answers 500 then).
    public func isServerReady() async throws -> Bool {
        guard predictorHealthCheck, let predictor else { return true }
        return try await predictor.isServerReady()
    }

    /// Model readiness: the model's own, or with the predictor health check on, the predictor's.
    /// - Throws: `modelNotFound` for an unregistered name.
    public func isModelReady(_ name: String) async throws(InferenceError) -> Bool {
        guard await repository.model(named: name) != nil else { throw .modelNotFound(name) }
        if predictorHealthCheck, let predictor { return await predictor.isModelReady(name) }
        return await repository.isReady(name)
    }

    /// The model's metadata (no readiness check, as KServe).
    /// - Throws: `modelNotFound` for an unregistered name.
    public func modelMetadata(_ name: String) async throws(InferenceError) -> ModelMetadata {
        guard let model = await repository.model(named: name) else { throw .modelNotFound(name) }
        return ModelMetadata(name: name, platform: model.platform, inputs: model.inputs, outputs: model.outputs)
    }

    // MARK: Inference

    /// The registered model, or an error when it is unknown or (for REST) not ready.
    func servingModel(_ name: String, loadingIfNeeded: Bool = false) async throws(InferenceError) -> any Model {
        if let model = repository.servingModel(named: name), await model.healthy() { return model }
        guard let model = await repository.model(named: name) else { throw .modelNotFound(name) }
        if await repository.isReady(name) { return model }
        guard loadingIfNeeded else { throw .modelNotReady(name) }
        // gRPC ModelInfer loads a registered model that is not ready, then infers (KServe's DataPlane.get_model).
        try await repository.load(name)
        return model
    }

    /// v2 inference: `POST /v2/models/{m}/infer` (REST) or `ModelInfer` (gRPC, which loads a not-ready model first).
    /// - Returns: The response, and the headers the model added.
    public func infer(
        _ request: InferRequest, headers: [String: String], loadingIfNeeded: Bool = false
    ) async throws
        -> (response: InferResponse, headers: [(name: String, value: String)])
    {
        let model = try await servingModel(request.modelName, loadingIfNeeded: loadingIfNeeded)
        let context = InferenceContext(headers: headers, inbound: loadingIfNeeded ? .grpcV2 : .restV2, predictor: predictor, explainer: explainer)
        let result = try await pipeline.run(model, payload: .inferRequest(request), verb: .predict, context: context)
        return (try response(from: result, answering: request), context.responseHeaders)
    }

    /// The v2 response a model's result stands for. A v1 JSON result must already be a v2 response object.
    private func response(from result: Payload, answering request: InferRequest) throws(InferenceError) -> InferResponse {
        switch result {
        case .inferResponse(var response):
            // Output selection always follows what the client asked for.
            response.useBinaryOutputs = request.useBinaryOutputs
            response.requestedOutputs = request.requestedOutputs
            if response.id.isEmpty { response.id = request.id ?? response.id }
            return response
        case .inferRequest(let forwarded):
            // A model that returns its request's tensors answers with them as outputs.
            return InferResponse(answering: request, outputs: forwarded.inputs)
        case .v1(.json(let json)):
            guard json["outputs"] != nil else {
                throw .inferenceFailed(
                    "the model returned JSON that is not a v2 inference response (it has no 'outputs'); a v2 predictor behind a v1 predictor protocol?"
                )
            }
            var response = try InferResponse(body: V1Response(.json(json)).body, jsonLength: nil)
            response.useBinaryOutputs = request.useBinaryOutputs
            response.requestedOutputs = request.requestedOutputs
            return response
        case .v1(.raw):
            throw .inferenceFailed("the model returned raw bytes to a v2 inference request")
        }
    }

    /// v1 predict or explain: `POST /v1/models/{m}:predict` / `:explain`.
    public func v1(_ request: V1Request, modelName: String, verb: Verb, headers: [String: String]) async throws -> V1Response {
        let model = try await servingModel(modelName)
        let context = InferenceContext(headers: headers, inbound: .restV1, predictor: predictor, explainer: explainer)
        context.keepJSONText(request.sourceText)
        let result = try await pipeline.run(model, payload: .v1(request.payload), verb: verb, context: context)
        var response: V1Response
        switch result {
        case .v1(let body):
            response = V1Response(
                body, answering: request, modelName: modelName, cloudEventSettings: cloudEventSettings, reusingTextOf: context.jsonTexts)
        case .inferResponse(let inferResponse):
            response = try V1Response(inferResponse, answering: request, modelName: modelName, cloudEventSettings: cloudEventSettings)
        case .inferRequest(let inferRequest):
            response = try V1Response(
                InferResponse(answering: inferRequest, outputs: inferRequest.inputs), answering: request,
                modelName: modelName, cloudEventSettings: cloudEventSettings)
        }
        for header in context.responseHeaders where header.name != "content-length" {
            response.headers.append(header)
        }
        return response
    }

    // MARK: Repository extension

    /// `POST /v2/repository/models/{m}/load`.
    public func load(_ name: String) async throws(InferenceError) { try await repository.load(name) }

    /// `POST /v2/repository/models/{m}/unload`.
    public func unload(_ name: String) async throws(InferenceError) { try await repository.unload(name) }
}

/// A model's metadata (`GET /v2/models/{m}`, gRPC `ModelMetadata`).
public struct ModelMetadata: Sendable, Equatable {
    /// The model name.
    public var name: String
    /// The platform string.
    public var platform: String
    /// Input descriptions.
    public var inputs: [TensorMetadata]
    /// Output descriptions.
    public var outputs: [TensorMetadata]
}
