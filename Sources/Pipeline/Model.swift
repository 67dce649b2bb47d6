public import InferenceProtocol

/// A model served by swift-kserve: KServe's `Model` as a protocol. Conform one type and implement only what you
/// need; every requirement has a default.
///
/// - A **transformer** overrides ``preprocess(_:context:)`` and ``postprocess(_:context:)``; the default
///   ``predict(_:context:)`` forwards to the predictor given by `--predictor_host`.
/// - A **standalone predictor** overrides ``predict(_:context:)``.
///
/// ```swift
/// struct Doubler: Model {
///     let name = "doubler"
///     func predict(_ payload: Payload, context: InferenceContext) async throws -> Payload {
///         let request = try payload.requireInferRequest()
///         let input = try request.inputs[0].values(as: Float.self).map { $0 * 2 }
///         let output = try InferOutput(name: "output-0", shape: request.inputs[0].shape, values: input)
///         return .inferResponse(InferResponse(answering: request, outputs: [output]))
///     }
/// }
/// ```
public protocol Model: Sendable {
    /// The name the model is served under (URL paths, gRPC `model_name`).
    var name: String { get }

    /// Loads weights or warms up; called once before the model is served, and by the repository `load` route.
    /// Throwing leaves the model not ready. Default: nothing.
    func load() async throws

    /// Whether the model can serve right now (called by the readiness routes). Default: `true` once loaded.
    func healthy() async -> Bool

    /// Releases resources; called on unload and at server shutdown. Default: nothing.
    func stop() async

    /// Input descriptions for `GET /v2/models/{m}`. Default: none.
    var inputs: [TensorMetadata] { get }
    /// Output descriptions for `GET /v2/models/{m}`. Default: none.
    var outputs: [TensorMetadata] { get }
    /// The platform string of the model metadata. Default: empty.
    var platform: String { get }

    /// Turns the incoming payload into what `predict` takes. Default: unchanged.
    func preprocess(_ payload: Payload, context: InferenceContext) async throws -> Payload
    /// Runs the model. Default: forwards to the remote predictor, or fails with 501 `Could not find predictor_host.`.
    func predict(_ payload: Payload, context: InferenceContext) async throws -> Payload
    /// Turns the prediction into the response. Default: unchanged.
    func postprocess(_ payload: Payload, context: InferenceContext) async throws -> Payload
    /// Explains a prediction. Default: forwards to the explainer, or fails with 501 `Could not find explainer_host.`.
    func explain(_ payload: Payload, context: InferenceContext) async throws -> Payload
}

extension Model {
    /// Nothing to load.
    public func load() async throws {}
    /// Always healthy.
    public func healthy() async -> Bool { true }
    /// Nothing to release.
    public func stop() async {}
    /// No input metadata.
    public var inputs: [TensorMetadata] { [] }
    /// No output metadata.
    public var outputs: [TensorMetadata] { [] }
    /// An empty platform.
    public var platform: String { "" }
    /// Identity.
    public func preprocess(_ payload: Payload, context: InferenceContext) async throws -> Payload { payload }
    /// Identity.
    public func postprocess(_ payload: Payload, context: InferenceContext) async throws -> Payload { payload }

    /// Forwards to the remote predictor (transformer mode).
    public func predict(_ payload: Payload, context: InferenceContext) async throws -> Payload {
        guard let predictor = context.predictor else { throw InferenceError.notImplemented("Could not find predictor_host.") }
        return try await predictor.call(payload, modelName: name, verb: .predict, context: context)
    }

    /// Forwards to the remote explainer.
    public func explain(_ payload: Payload, context: InferenceContext) async throws -> Payload {
        guard let explainer = context.explainer else { throw InferenceError.notImplemented("Could not find explainer_host.") }
        return try await explainer.call(payload, modelName: name, verb: .explain, context: context)
    }
}

extension Payload {
    /// The v2 request, or a 400 naming what arrived instead.
    public func requireInferRequest() throws(InferenceError) -> InferRequest {
        guard case .inferRequest(let request) = self else { throw .invalidInput("expected a v2 inference request, got \(kindDescription)") }
        return request
    }

    /// The v1 JSON value, or a 400 naming what arrived instead.
    public func requireJSON() throws(InferenceError) -> JSONValue {
        guard case .v1(.json(let value)) = self else { throw .invalidInput("expected a JSON body, got \(kindDescription)") }
        return value
    }

    var kindDescription: String {
        switch self {
        case .v1(.json): "a JSON body"
        case .v1(.raw): "a raw body"
        case .inferRequest: "a v2 inference request"
        case .inferResponse: "a v2 inference response"
        }
    }
}
