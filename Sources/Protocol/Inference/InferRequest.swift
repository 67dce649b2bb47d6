/// A v2 inference request: what arrives on `POST /v2/models/{m}/infer` or gRPC `ModelInfer`, and what a
/// transformer sends on to its predictor.
public struct InferRequest: Sendable, Equatable {
    /// The request id (`id` in JSON); `nil` when the client sent none.
    public var id: String?
    /// The model the request is for (from the URL on REST, from `model_name` on gRPC).
    public var modelName: String
    /// The model version, if any.
    public var modelVersion: String?
    /// Request parameters, e.g. `binary_data_output`.
    public var parameters: InferParameters
    /// The input tensors, in request order.
    public var inputs: [InferInput]
    /// The outputs the client asked for; empty means all.
    public var requestedOutputs: [RequestedOutput]
    /// Whether outputs should be sent in binary form unless a requested output says otherwise: the REST
    /// `binary_data_output` parameter, or on gRPC, whether the request used `raw_input_contents`.
    public var useBinaryOutputs: Bool

    /// Creates a request.
    /// - Parameters:
    ///   - id: The request id, or `nil`.
    ///   - modelName: The target model.
    ///   - modelVersion: The model version, or `nil`.
    ///   - inputs: The input tensors.
    ///   - parameters: Request parameters; `binary_data_output: true` sets ``useBinaryOutputs``.
    ///   - requestedOutputs: The outputs asked for; empty means all.
    public init(
        id: String? = nil, modelName: String, modelVersion: String? = nil, inputs: [InferInput],
        parameters: InferParameters = [:], requestedOutputs: [RequestedOutput] = []
    ) {
        self.id = id
        self.modelName = modelName
        self.modelVersion = modelVersion
        self.inputs = inputs
        self.parameters = parameters
        self.requestedOutputs = requestedOutputs
        self.useBinaryOutputs = parameters["binary_data_output"]?.boolValue ?? false
    }

    /// The first input with the given name.
    public func input(named name: String) -> InferInput? { inputs.first { $0.name == name } }
}
