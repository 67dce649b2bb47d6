package import Foundation

extension InferTensor {
    /// A tensor from gRPC typed `contents` (§4.3 table); narrow integer types are range-checked.
    init(
        name: String, datatypeName: String, shape: [Int64], parameters: InferParameters,
        contents: Inference_InferTensorContents
    ) throws(InferenceError) {
        let datatype = try Datatype(name: datatypeName)
        let dims = try InferTensor.dimensions(shape, tensor: name)
        func narrow<Source: BinaryInteger, Target: TensorElement & FixedWidthInteger>(
            _ values: [Source], _ type: Target.Type
        ) throws(InferenceError) -> TensorData {
            var converted: [Target] = []
            converted.reserveCapacity(values.count)
            for value in values {
                guard let exact = Target(exactly: value) else {
                    throw .invalidInput("value \(value) is out of range for the \(datatype) tensor '\(name)'")
                }
                converted.append(exact)
            }
            return .fixed(converted.withUnsafeBytes { TensorBuffer.copying($0) })
        }
        func same<T: TensorElement>(_ values: [T]) -> TensorData { .fixed(values.withUnsafeBytes { TensorBuffer.copying($0) }) }
        let data: TensorData
        switch datatype {
        case .bool: data = same(contents.boolContents)
        case .uint8: data = try narrow(contents.uintContents, UInt8.self)
        case .uint16: data = try narrow(contents.uintContents, UInt16.self)
        case .uint32: data = same(contents.uintContents)
        case .uint64: data = same(contents.uint64Contents)
        case .int8: data = try narrow(contents.intContents, Int8.self)
        case .int16: data = try narrow(contents.intContents, Int16.self)
        case .int32: data = same(contents.intContents)
        case .int64: data = same(contents.int64Contents)
        case .fp16: data = .fixed(TensorBuffer.copying(UnsafeRawBufferPointer(start: nil, count: 0)))  // FP16 travels raw only
        case .fp32: data = same(contents.fp32Contents)
        case .fp64: data = same(contents.fp64Contents)
        case .bytes: data = .bytes(contents.bytesContents.map { Array($0) })
        }
        try self.init(name: name, datatype: datatype, shape: dims, parameters: parameters, data: data)
    }

    /// A tensor from raw little-endian bytes (`raw_input_contents` / `raw_output_contents`), copied once.
    init(name: String, datatypeName: String, shape: [Int64], parameters: InferParameters, raw: Data) throws(InferenceError) {
        let datatype = try Datatype(name: datatypeName)
        let dims = try InferTensor.dimensions(shape, tensor: name)
        let result = raw.withUnsafeBytes { bytes in
            Result { () throws(InferenceError) -> TensorData in
                datatype == .bytes
                    ? .bytes(try BinarySectionReader.splitLengthPrefixed(bytes, tensor: name))
                    : .fixed(try TensorBuffer.checked(bytes, datatype: datatype, tensor: name))
            }
        }
        try self.init(name: name, datatype: datatype, shape: dims, parameters: parameters, data: result.get())
    }

    /// A tensor from a gRPC tensor entry: from its raw bytes when the message carries raw contents, else from its
    /// typed `contents`.
    init(
        name: String, datatypeName: String, shape: [Int64], parameters: InferParameters, contents: Inference_InferTensorContents,
        raw: Data?
    ) throws(InferenceError) {
        if let raw {
            try self.init(name: name, datatypeName: datatypeName, shape: shape, parameters: parameters, raw: raw)
        } else {
            try self.init(name: name, datatypeName: datatypeName, shape: shape, parameters: parameters, contents: contents)
        }
    }

    private static func dimensions(_ shape: [Int64], tensor name: String) throws(InferenceError) -> [Int] {
        try shape.map { (dimension) throws(InferenceError) in
            guard let value = Int(exactly: dimension) else { throw .invalidInput("invalid shape dimension \(dimension) for tensor '\(name)'") }
            return value
        }
    }

    /// The tensor's bytes in raw form (§5.1), for `raw_*_contents`.
    var rawData: Data {
        if case .fixed(let buffer) = data.resolved { return Data(buffer.bytes) }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(binaryByteCount)
        appendBinary(to: &bytes)
        return Data(bytes)
    }

    /// The tensor as gRPC typed `contents` (§4.3 table). FP16 has no typed field: callers send it raw.
    var typedContents: Inference_InferTensorContents {
        var contents = Inference_InferTensorContents()
        func widened<T: TensorElement, Wide>(_ type: T.Type, _ widen: (T) -> Wide) -> [Wide] {
            (try? withUnsafeBufferPointer(as: T.self) { $0.map(widen) }) ?? []
        }
        switch datatype {
        case .bool: contents.boolContents = (try? values(as: Bool.self)) ?? []
        case .uint8: contents.uintContents = widened(UInt8.self) { UInt32($0) }
        case .uint16: contents.uintContents = widened(UInt16.self) { UInt32($0) }
        case .uint32: contents.uintContents = (try? values(as: UInt32.self)) ?? []
        case .uint64: contents.uint64Contents = (try? values(as: UInt64.self)) ?? []
        case .int8: contents.intContents = widened(Int8.self) { Int32($0) }
        case .int16: contents.intContents = widened(Int16.self) { Int32($0) }
        case .int32: contents.intContents = (try? values(as: Int32.self)) ?? []
        case .int64: contents.int64Contents = (try? values(as: Int64.self)) ?? []
        case .fp16: break
        case .fp32: contents.fp32Contents = (try? values(as: Float.self)) ?? []
        case .fp64: contents.fp64Contents = (try? values(as: Double.self)) ?? []
        case .bytes: contents.bytesContents = ((try? byteElements()) ?? []).map { Data($0) }
        }
        return contents
    }
}
