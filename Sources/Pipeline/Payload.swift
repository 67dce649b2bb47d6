public import InferenceProtocol

/// What flows through a model's pre → predict → post chain.
///
/// A v1 route (`/v1/models/{m}:predict`) starts with ``v1(_:)``; a v2 route or gRPC `ModelInfer` starts with
/// ``inferRequest(_:)``. Each step may change the kind, e.g. a transformer's `preprocess` turns a v1 JSON body
/// into an ``inferRequest(_:)`` for a v2 predictor, and `postprocess` turns the predictor's
/// ``inferResponse(_:)`` back into v1 JSON.
public enum Payload: Sendable, Equatable {
    /// A REST v1 body: JSON (`{"instances": ...}`, `{"predictions": ...}`, anything) or raw bytes.
    case v1(V1Payload)
    /// A v2 inference request.
    case inferRequest(InferRequest)
    /// A v2 inference response.
    case inferResponse(InferResponse)

    /// A v1 JSON payload.
    public static func json(_ value: JSONValue) -> Payload { .v1(.json(value)) }

    /// The JSON value if this is a v1 JSON payload.
    public var jsonValue: JSONValue? { if case .v1(.json(let value)) = self { value } else { nil } }
    /// The request if this is a v2 request.
    public var inferRequest: InferRequest? { if case .inferRequest(let value) = self { value } else { nil } }
    /// The response if this is a v2 response.
    public var inferResponse: InferResponse? { if case .inferResponse(let value) = self { value } else { nil } }
}
