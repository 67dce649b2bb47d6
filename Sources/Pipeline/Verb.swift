/// Which middle step a model call runs: KServe's `InferenceVerb`.
public enum Verb: String, Sendable {
    /// `predict`, e.g. `POST /v1/models/{m}:predict`, `/v2/models/{m}/infer`, gRPC `ModelInfer`.
    case predict
    /// `explain`, e.g. `POST /v1/models/{m}:explain`.
    case explain
}
