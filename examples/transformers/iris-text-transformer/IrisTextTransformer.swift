import Foundation
import InferenceProtocol
import Pipeline

/// A transformer in front of the `iris-classifier` predictor (REST v2 or gRPC v2).
///
/// - preprocess: raw text measurements, `"5.1,3.5,1.4,0.2"` (v1 `{"instances": ["5.1,3.5,1.4,0.2", ...]}` or a v2
///   BYTES input), become the FP32 `[N, 4]` tensor `input-0` the predictor takes.
/// - postprocess: the predictor's `probabilities` become labels: v1 `{"predictions": ["setosa", ...]}`, or for a v2
///   request a BYTES output `label` and an FP32 output `confidence`.
struct IrisTextTransformer: Model {
    let name: String
    static let labels = ["setosa", "versicolor", "virginica"]

    func preprocess(_ payload: Payload, context: InferenceContext) async throws -> Payload {
        let rows: [String]
        switch payload {
        case .v1(.json(let body)):
            guard let instances = body["instances"]?.arrayValue else { throw InferenceError.invalidInput("Expected \"instances\" to be a list") }
            rows = try instances.map { instance in
                guard let text = instance.stringValue else {
                    throw InferenceError.invalidInput("each instance must be a string like \"5.1,3.5,1.4,0.2\"")
                }
                return text
            }
        case .inferRequest(let request):
            guard let input = request.inputs.first, input.datatype == .bytes else {
                throw InferenceError.invalidInput("expected one BYTES input of measurements like \"5.1,3.5,1.4,0.2\"")
            }
            rows = try input.strings()
        default:
            throw InferenceError.invalidInput("expected v1 JSON or a v2 request")
        }
        var features: [Float] = []
        for row in rows {
            let values = row.split(separator: ",").compactMap { Float($0.trimmingCharacters(in: .whitespaces)) }
            guard values.count == 4 else { throw InferenceError.invalidInput("'\(row)' does not hold 4 numbers") }
            features += values
        }
        let tensor = try InferInput(name: "input-0", shape: [rows.count, 4], values: features)
        let original = payload.inferRequest
        return .inferRequest(InferRequest(id: original?.id, modelName: name, inputs: [tensor]))
    }

    func postprocess(_ payload: Payload, context: InferenceContext) async throws -> Payload {
        let response = try payload.requireInferResponse()
        guard let probabilities = response.output(named: "probabilities") else {
            throw InferenceError.inferenceFailed("the predictor's answer has no 'probabilities' output")
        }
        let scores = try probabilities.values(as: Float.self)
        var labels: [String] = []
        var confidence: [Float] = []
        for row in stride(from: 0, to: scores.count, by: 3) {
            let slice = scores[row..<row + 3]
            let best = slice.indices.max { slice[$0] < slice[$1] }!
            labels.append(Self.labels[best - row])
            confidence.append(slice[best])
        }
        if context.inbound == .restV1 {
            return .json(["predictions": .array(labels.map { .string($0) })])
        }
        return .inferResponse(
            InferResponse(
                id: response.id, modelName: name,
                outputs: [
                    try InferOutput(name: "label", shape: [labels.count], strings: labels),
                    try InferOutput(name: "confidence", shape: [confidence.count], values: confidence),
                ]))
    }
}

extension Payload {
    /// The v2 response, or a 500 naming what arrived instead.
    func requireInferResponse() throws -> InferResponse {
        guard case .inferResponse(let response) = self else { throw InferenceError.inferenceFailed("expected a v2 response from the predictor") }
        return response
    }
}
