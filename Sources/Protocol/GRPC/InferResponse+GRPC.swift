package import Foundation

extension InferResponse {
    /// The gRPC `ModelInferResponse` (§6.3). Outputs are raw when ``useBinaryOutputs`` (the request was raw) or
    /// when any output is FP16, and then every output is raw and carries `binary_data_size`; otherwise typed
    /// `contents`. When ``requestedOutputs`` is non-empty only those outputs are sent, in that order.
    /// - Throws: `invalidInput` for a requested output the model did not produce or a double parameter.
    package func grpcMessage() throws(InferenceError) -> Inference_ModelInferResponse {
        let selected =
            try requestedOutputs.isEmpty
            ? outputs
            : requestedOutputs.map { (requested) throws(InferenceError) in
                guard let tensor = output(named: requested.name) else {
                    throw .invalidInput("Unexpected inference output '\(requested.name)' for model '\(modelName)'")
                }
                return tensor
            }
        let raw = useBinaryOutputs || selected.contains { $0.datatype == .fp16 }
        var message = Inference_ModelInferResponse()
        message.modelName = modelName
        message.modelVersion = modelVersion ?? ""
        message.id = id
        message.parameters = try parameters.grpcMap()
        for output in selected {
            var tensor = Inference_ModelInferResponse.InferOutputTensor()
            tensor.name = output.name
            tensor.datatype = output.datatype.rawValue
            tensor.shape = output.shape.map(Int64.init)
            var parameters = output.parameters
            if raw {
                parameters["binary_data_size"] = .int64(Int64(output.binaryByteCount))
                message.rawOutputContents.append(output.rawData)
            } else {
                tensor.contents = output.typedContents
            }
            tensor.parameters = try parameters.grpcMap()
            message.outputs.append(tensor)
        }
        return message
    }

    /// A response from a gRPC `ModelInferResponse` (what a gRPC predictor answers). `binary_data_size` is removed
    /// from the output parameters, as it belongs to the wire format.
    /// - Throws: `invalidInput` if the raw contents do not match the outputs or a tensor does not fit its shape.
    package init(grpc message: Inference_ModelInferResponse) throws(InferenceError) {
        let raw = message.rawOutputContents
        guard raw.isEmpty || raw.count == message.outputs.count else {
            throw .invalidInput(
                "the number of outputs (\(message.outputs.count)) does not match the number of raw output contents (\(raw.count)) for model '\(message.modelName)'"
            )
        }
        var outputs: [InferOutput] = []
        for (index, output) in message.outputs.enumerated() {
            var parameters = InferParameters(grpc: output.parameters)
            parameters.removeValue(forKey: "binary_data_size")
            outputs.append(
                try InferTensor(
                    name: output.name, datatypeName: output.datatype, shape: output.shape, parameters: parameters,
                    contents: output.contents, raw: raw.isEmpty ? nil : raw[index]))
        }
        self.init(
            id: message.id, modelName: message.modelName, modelVersion: message.modelVersion.isEmpty ? nil : message.modelVersion,
            outputs: outputs, parameters: InferParameters(grpc: message.parameters), useBinaryOutputs: !raw.isEmpty)
    }
}
