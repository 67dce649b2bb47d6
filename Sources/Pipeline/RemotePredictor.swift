/// A model server reached over the network: the predictor a transformer calls in its default `predict`, or the
/// explainer of the default `explain`. Implemented over REST v1, REST v2 and gRPC v2 by the PredictorClient
/// module's adapters; a test can supply its own.
public protocol RemotePredictor: Sendable {
    /// Calls the remote model and returns its answer.
    /// - Parameters:
    ///   - payload: What `preprocess` produced.
    ///   - modelName: The model to call (the transformer's own model name, as KServe does).
    ///   - verb: `predict` or `explain`.
    ///   - context: The request context; forwardable headers are taken from it.
    func call(_ payload: Payload, modelName: String, verb: Verb, context: InferenceContext) async throws -> Payload

    /// Whether the remote server is ready (`--enable_predictor_health_check`).
    func isServerReady() async throws -> Bool

    /// Whether the named model on the remote server is ready; any failure counts as not ready.
    func isModelReady(_ modelName: String) async -> Bool
}
