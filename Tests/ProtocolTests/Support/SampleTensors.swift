@testable import InferenceProtocol

/// One tensor per datatype holding its edge values, for round-trip tests.
enum SampleTensors {
    static func tensor(_ datatype: Datatype, name: String = "t", shape: [Int]? = nil) throws -> InferTensor {
        switch datatype {
        case .bool: return try InferTensor(name: name, shape: shape ?? [2, 2], values: [true, false, false, true])
        case .uint8: return try InferTensor(name: name, shape: shape ?? [3], values: [0, 1, UInt8.max])
        case .uint16: return try InferTensor(name: name, shape: shape ?? [3], values: [0, 1, UInt16.max])
        case .uint32: return try InferTensor(name: name, shape: shape ?? [3], values: [0, 1, UInt32.max])
        case .uint64: return try InferTensor(name: name, shape: shape ?? [3], values: [0, 1, UInt64.max])
        case .int8: return try InferTensor(name: name, shape: shape ?? [3], values: [Int8.min, -1, Int8.max])
        case .int16: return try InferTensor(name: name, shape: shape ?? [3], values: [Int16.min, -1, Int16.max])
        case .int32: return try InferTensor(name: name, shape: shape ?? [3], values: [Int32.min, -1, Int32.max])
        case .int64: return try InferTensor(name: name, shape: shape ?? [3], values: [Int64.min, -1, Int64.max])
        case .fp16: return try InferTensor(name: name, shape: shape ?? [3], values: [1.5, -0.0, Float16.greatestFiniteMagnitude] as [Float16])
        case .fp32:
            return try InferTensor(
                name: name, shape: shape ?? [2, 3],
                values: [6.8, -0.0, 1e-7, Float.greatestFiniteMagnitude, Float.leastNonzeroMagnitude, 3.4028235e38])
        case .fp64: return try InferTensor(name: name, shape: shape ?? [4], values: [0.1, -2.5e-300, 1e16, Double.greatestFiniteMagnitude])
        case .bytes: return try InferTensor(name: name, shape: shape ?? [3], strings: ["cat", "", "ünï\"\\\n"])
        }
    }

    /// Datatypes JSON can carry (all but FP16).
    static let jsonDatatypes = Datatype.allCases.filter { $0 != .fp16 }
}
