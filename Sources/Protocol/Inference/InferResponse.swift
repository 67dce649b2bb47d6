internal import FoundationEssentials

/// A v2 inference response, with the output-selection flags carried over from its request so that the
/// serializers know which outputs to emit and in which form (KServe's `get_predict_response` split).
public struct InferResponse: Sendable, Equatable {
    /// The response id: the request's id, or a fresh UUID.
    public var id: String
    /// The model that answered.
    public var modelName: String
    /// The model version, if any.
    public var modelVersion: String?
    /// Response parameters.
    public var parameters: InferParameters
    /// All outputs the model produced, in order.
    public var outputs: [InferOutput]
    /// Whether outputs are sent in binary form unless a requested output says otherwise.
    public var useBinaryOutputs: Bool
    /// The outputs the client asked for; when non-empty only these are emitted, in this order.
    public var requestedOutputs: [RequestedOutput]

    /// Creates a response.
    /// - Parameters:
    ///   - id: The response id.
    ///   - modelName: The model that answered.
    ///   - modelVersion: The model version, or `nil`.
    ///   - outputs: The output tensors.
    ///   - parameters: Response parameters.
    ///   - useBinaryOutputs: Whether to emit outputs in binary form by default.
    ///   - requestedOutputs: Which outputs to emit; empty means all.
    public init(
        id: String, modelName: String, modelVersion: String? = nil, outputs: [InferOutput],
        parameters: InferParameters = [:], useBinaryOutputs: Bool = false, requestedOutputs: [RequestedOutput] = []
    ) {
        self.id = id
        self.modelName = modelName
        self.modelVersion = modelVersion
        self.outputs = outputs
        self.parameters = parameters
        self.useBinaryOutputs = useBinaryOutputs
        self.requestedOutputs = requestedOutputs
    }

    /// A response to `request`: same id (a fresh UUID if it had none), model name and version, and the request's
    /// binary-output choice and requested outputs.
    /// - Parameters:
    ///   - request: The request being answered.
    ///   - outputs: The output tensors.
    ///   - parameters: Response parameters.
    public init(answering request: InferRequest, outputs: [InferOutput], parameters: InferParameters = [:]) {
        self.init(
            id: request.id ?? InferResponse.newID(), modelName: request.modelName, modelVersion: request.modelVersion,
            outputs: outputs, parameters: parameters, useBinaryOutputs: request.useBinaryOutputs,
            requestedOutputs: request.requestedOutputs)
    }

    /// The first output with the given name.
    public func output(named name: String) -> InferOutput? { outputs.first { $0.name == name } }

    /// A new random id in Python's `str(uuid.uuid4())` form.
    static func newID() -> String { UUID().uuidString.lowercased() }
}
