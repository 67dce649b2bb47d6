package import Foundation

extension InferRequest {
    /// A request from a gRPC `ModelInferRequest` (§6.3): typed `contents` or `raw_input_contents`, never both.
    /// Using raw inputs asks for raw outputs (``useBinaryOutputs``).
    /// - Throws: `invalidInput` with KServe's messages for a raw-content count mismatch or mixed contents, and for
    ///   any tensor whose data does not fit its shape or datatype.
    package init(grpc message: Inference_ModelInferRequest) throws(InferenceError) {
        let raw = message.rawInputContents
        if !raw.isEmpty {
            guard raw.count == message.inputs.count else {
                throw .invalidInput(
                    "the number of inputs (\(message.inputs.count)) does not match the expected number of raw input contents (\(raw.count)) for model '\(message.modelName)'."
                )
            }
            if let mixed = message.inputs.first(where: \.hasContents) {
                throw .invalidInput(
                    "contents field must not be specified when using raw_input_contents for input '\(mixed.name)' for model '\(message.modelName)'"
                )
            }
        }
        var inputs: [InferInput] = []
        inputs.reserveCapacity(message.inputs.count)
        for (index, input) in message.inputs.enumerated() {
            inputs.append(
                try InferTensor(
                    name: input.name, datatypeName: input.datatype, shape: input.shape, parameters: InferParameters(grpc: input.parameters),
                    contents: input.contents, raw: raw.isEmpty ? nil : raw[index]))
        }
        self.init(
            id: message.id.isEmpty ? nil : message.id, modelName: message.modelName,
            modelVersion: message.modelVersion.isEmpty ? nil : message.modelVersion, inputs: inputs,
            parameters: InferParameters(grpc: message.parameters),
            requestedOutputs: message.outputs.map { RequestedOutput(name: $0.name, parameters: InferParameters(grpc: $0.parameters)) })
        useBinaryOutputs = !raw.isEmpty
    }

    /// The gRPC `ModelInferRequest` a transformer sends to a gRPC predictor.
    /// - Parameter rawContents: Send tensors as `raw_input_contents` (one copy of the bytes; the default) rather
    ///   than typed `contents`. FP16 forces raw, as it has no typed field.
    /// - Throws: `invalidInput` for a double parameter, which KServe's proto cannot carry.
    package func grpcMessage(rawContents: Bool = true) throws(InferenceError) -> Inference_ModelInferRequest {
        var message = Inference_ModelInferRequest()
        message.modelName = modelName
        message.modelVersion = modelVersion ?? ""
        message.id = id ?? InferResponse.newID()
        message.parameters = try parameters.grpcMap()
        let raw = rawContents || inputs.contains { $0.datatype == .fp16 }
        for input in inputs {
            var tensor = Inference_ModelInferRequest.InferInputTensor()
            tensor.name = input.name
            tensor.datatype = input.datatype.rawValue
            tensor.shape = input.shape.map(Int64.init)
            tensor.parameters = try input.parameters.grpcMap()
            if raw {
                message.rawInputContents.append(input.rawData)
            } else {
                tensor.contents = input.typedContents
            }
            message.inputs.append(tensor)
        }
        for output in requestedOutputs {
            var requested = Inference_ModelInferRequest.InferRequestedOutputTensor()
            requested.name = output.name
            requested.parameters = try output.parameters.grpcMap()
            message.outputs.append(requested)
        }
        return message
    }
}
