package import Foundation

extension OrderedMap where Value == InferParameter {
    /// Parameters from a gRPC map (§6.4): bool, int64 and string as they are; Triton's `double_param` and
    /// `uint64_param` are accepted too; an unset oneof is dropped. Keys are sorted, as protobuf maps have no order.
    package init(grpc map: [String: Inference_InferParameter]) {
        self.init()
        for key in map.keys.sorted() {
            switch map[key]!.parameterChoice {
            case .boolParam(let value): self[key] = .bool(value)
            case .int64Param(let value): self[key] = .int64(value)
            case .stringParam(let value): self[key] = .string(value)
            case .doubleParam(let value): self[key] = .double(value)
            case .uint64Param(let value): self[key] = Int64(exactly: value).map(InferParameter.int64) ?? .double(Double(value))
            case nil: break
            }
        }
    }

    /// The gRPC map (§6.4). KServe's proto has no double, so a double is refused as KServe refuses it.
    /// - Throws: `invalidInput` `to_grpc: invalid parameter value: <v>` for a double.
    package func grpcMap() throws(InferenceError) -> [String: Inference_InferParameter] {
        var map: [String: Inference_InferParameter] = [:]
        for entry in self {
            var parameter = Inference_InferParameter()
            switch entry.value {
            case .bool(let value): parameter.boolParam = value
            case .int64(let value): parameter.int64Param = value
            case .string(let value): parameter.stringParam = value
            case .double(let value): throw .invalidInput("to_grpc: invalid parameter value: \(value)")
            }
            map[entry.key] = parameter
        }
        return map
    }
}
