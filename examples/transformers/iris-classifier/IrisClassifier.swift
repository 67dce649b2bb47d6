import Foundation
import InferenceProtocol
import Pipeline

/// A real model: multinomial logistic regression on the iris data set, with weights trained by
/// `train_weights.py` (scikit-learn) and shipped in `weights.json`.
///
/// - v2 / gRPC: input `input-0`, FP32 `[N, 4]` (sepal length, sepal width, petal length, petal width in cm) →
///   outputs `probabilities` FP32 `[N, 3]` and `label` BYTES `[N]`.
/// - v1: `{"instances": [[5.1, 3.5, 1.4, 0.2], ...]}` → `{"predictions": [0, ...]}` (class indices, as KServe's
///   sklearn server answers).
struct IrisClassifier: Model {
    struct Weights: Decodable, Sendable {
        /// `[3][4]` coefficients, one row per class.
        var coefficients: [[Float]]
        /// `[3]` intercepts.
        var intercepts: [Float]
        /// Class names.
        var labels: [String]
    }

    let name: String
    let weights: Weights

    /// Loads the weights shipped with the example.
    init(name: String) throws {
        self.name = name
        guard let url = Bundle.module.url(forResource: "weights", withExtension: "json") else {
            throw InferenceError(code: .internalError, message: "weights.json is missing from the bundle")
        }
        weights = try JSONDecoder().decode(Weights.self, from: Data(contentsOf: url))
    }

    var inputs: [TensorMetadata] { [TensorMetadata(name: "input-0", datatype: .fp32, shape: [-1, 4])] }
    var outputs: [TensorMetadata] {
        [TensorMetadata(name: "probabilities", datatype: .fp32, shape: [-1, 3]), TensorMetadata(name: "label", datatype: .bytes, shape: [-1])]
    }
    var platform: String { "swift-kserve" }

    func predict(_ payload: Payload, context: InferenceContext) async throws -> Payload {
        switch payload {
        case .inferRequest(let request):
            guard let input = request.inputs.first else { throw InferenceError.invalidInput("the request has no input") }
            guard input.shape.count == 2, input.shape[1] == 4 else {
                throw InferenceError.invalidInput("input '\(input.name)' must have shape [N, 4], not \(input.shape)")
            }
            let features = try input.values(as: Float.self)
            let probabilities = classify(features)
            let classes = stride(from: 0, to: probabilities.count, by: 3).map { argmax(probabilities[$0..<$0 + 3]) }
            return .inferResponse(
                InferResponse(
                    answering: request,
                    outputs: [
                        try InferOutput(name: "probabilities", shape: [input.shape[0], 3], values: probabilities),
                        try InferOutput(name: "label", shape: [input.shape[0]], strings: classes.map { weights.labels[$0] }),
                    ]))
        case .v1(.json(let body)):
            guard let rows = body["instances"]?.arrayValue else { throw InferenceError.invalidInput("Expected \"instances\" to be a list") }
            var features: [Float] = []
            for row in rows {
                guard let numbers = row.arrayValue?.compactMap(\.doubleValue), numbers.count == 4, row.arrayValue?.count == 4
                else {
                    throw InferenceError.invalidInput("each instance must be a list of 4 numbers")
                }
                features += numbers.map { Float($0) }
            }
            let probabilities = classify(features)
            let classes = stride(from: 0, to: probabilities.count, by: 3).map { argmax(probabilities[$0..<$0 + 3]) }
            return .json(["predictions": .array(classes.map { .int($0) })])
        default:
            throw InferenceError.invalidInput("the iris classifier takes a v1 JSON body or a v2 request")
        }
    }

    /// Softmax probabilities, 3 per row of 4 features.
    func classify(_ features: [Float]) -> [Float] {
        var result: [Float] = []
        result.reserveCapacity(features.count / 4 * 3)
        for row in stride(from: 0, to: features.count, by: 4) {
            let logits = (0..<3).map { k in
                weights.intercepts[k] + (0..<4).reduce(Float(0)) { $0 + weights.coefficients[k][$1] * features[row + $1] }
            }
            let top = logits.max() ?? 0
            let exps = logits.map { Float(Foundation.exp(Double($0 - top))) }
            let total = exps.reduce(0, +)
            result += exps.map { $0 / total }
        }
        return result
    }

    private func argmax(_ values: ArraySlice<Float>) -> Int {
        values.indices.max { values[$0] < values[$1] }.map { $0 - values.startIndex } ?? 0
    }
}
