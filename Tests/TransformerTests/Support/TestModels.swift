import Foundation
import InferenceProtocol
import Pipeline

/// Input *i* → output `output-<i>`; v1 `{"instances": X}` → `{"predictions": X}` (KServe's test DummyModel).
struct EchoTestModel: Model {
    var name = "TestModel"

    func predict(_ payload: Payload, context: InferenceContext) async throws -> Payload {
        switch payload {
        case .v1(.json(let body)):
            return .json(["predictions": body["instances"] ?? .null])
        case .inferRequest(let request):
            let outputs = request.inputs.enumerated().map { index, input -> InferTensor in
                var output = input
                output.name = "output-\(index)"
                return output
            }
            return .inferResponse(InferResponse(answering: request, outputs: outputs))
        default:
            return payload
        }
    }

    func explain(_ payload: Payload, context: InferenceContext) async throws -> Payload {
        try await predict(payload, context: context)
    }
}

/// Returns an FP16 and an FP32 output of the same values (KServe's FP16OutputModel).
struct FP16OutputModel: Model {
    var name = "FP16OutputModel"

    func predict(_ payload: Payload, context: InferenceContext) async throws -> Payload {
        let request = try payload.requireInferRequest()
        let values: [Float] = [6.8, 2.8, 4.8, 1.4, 6.0, 3.4, 4.5, 1.6]
        return .inferResponse(
            InferResponse(
                answering: request,
                outputs: [
                    try InferOutput(name: "fp16_output", shape: [8], values: values.map { Float16($0) }),
                    try InferOutput(name: "fp32_output", shape: [8], values: values),
                ]))
    }
}

/// Fails to load, or loads and then is not healthy.
struct FailingLoadModel: Model {
    var name = "broken"
    var loadError: String? = "weights missing"
    var isHealthy = true

    struct LoadFailure: Error, CustomStringConvertible {
        var description: String
    }

    func load() async throws {
        if let loadError { throw LoadFailure(description: loadError) }
    }

    func healthy() async -> Bool { isHealthy }
}

/// Throws a plain Swift error from predict (not an InferenceError).
struct PlainErrorModel: Model {
    var name = "throwing"

    struct Boom: Error, CustomStringConvertible {
        var description: String { "boom" }
    }

    func predict(_ payload: Payload, context: InferenceContext) async throws -> Payload { throw Boom() }
}

/// Answers with a response header and echoes selected request headers in the body.
struct ResponseHeaderModel: Model {
    var name = "headers"

    func predict(_ payload: Payload, context: InferenceContext) async throws -> Payload {
        context.addResponseHeader("x-model-header", "yes")
        context.addResponseHeader("content-length", "999")
        return .json(["seen": .string(context.headers["x-request-id"] ?? "none")])
    }
}

/// A model with input/output metadata.
struct MetadataModel: Model {
    var name = "meta"
    var inputs: [TensorMetadata] { [TensorMetadata(name: "input-0", datatype: .fp32, shape: [-1, 4])] }
    var outputs: [TensorMetadata] { [TensorMetadata(name: "output-0", datatype: .int64, shape: [-1])] }
}
