import InferenceProtocol
import Pipeline

/// The `echo` fixture the tests and benchmarks use: v1 `{"instances": X}` → `{"predictions": X}`; v2 and gRPC
/// input *i* → output `output-<i>` with the same datatype, shape and data (binary or raw when the request asks).
struct EchoModel: Model {
    let name: String

    func predict(_ payload: Payload, context: InferenceContext) async throws -> Payload {
        switch payload {
        case .v1(.json(let body)):
            guard let instances = body["instances"] else { return payload }
            return .json(["predictions": instances])
        case .inferRequest(let request):
            let outputs = try request.inputs.enumerated().map { index, input in
                try input.renamed("output-\(index)")
            }
            return .inferResponse(InferResponse(answering: request, outputs: outputs))
        case .v1(.raw), .inferResponse:
            return payload
        }
    }
}

extension InferTensor {
    /// The same tensor under another name, without its parameters.
    func renamed(_ newName: String) throws -> InferTensor {
        var copy = self
        copy.name = newName
        copy.parameters = [:]
        return copy
    }
}
