extension JSONWriter {
    /// Writes a tensor's elements as a flat JSON array (row-major), as KServe always emits them.
    /// - Throws: `invalidInput` for FP16 (JSON cannot carry it) and for BYTES elements that are not UTF-8.
    /// Elements still in the JSON text they arrived in are copied back verbatim.
    mutating func writeTensorData(_ tensor: InferTensor, role: String) throws(InferenceError) {
        switch tensor.data {
        case .jsonText(let text):
            append(bytesOf: text.text.bytes)
        case .bytes(let elements):
            append(UInt8(ascii: "["))
            for (index, element) in elements.enumerated() {
                if index > 0 { comma() }
                guard String(validating: element, as: UTF8.self) != nil else {
                    throw .invalidInput(
                        "element \(index) of BYTES \(role) '\(tensor.name)' is not valid UTF-8, which JSON cannot carry; use the binary data format"
                    )
                }
                element.withUnsafeBytes { writeString(utf8: $0) }
            }
            append(UInt8(ascii: "]"))
        case .fixed(let stored):
            // Typed reads need an aligned start (a shared slice of a binary body may not have one).
            let buffer = stored.aligned(to: tensor.datatype.elementSize ?? 1)
            let raw = buffer.bytes
            switch tensor.datatype {
            case .bool: writeElements(raw, Bool.self) { $0.writeBool($1) }
            case .uint8: writeElements(raw, UInt8.self) { $0.writeUInt(UInt64($1)) }
            case .uint16: writeElements(raw, UInt16.self) { $0.writeUInt(UInt64($1)) }
            case .uint32: writeElements(raw, UInt32.self) { $0.writeUInt(UInt64($1)) }
            case .uint64: writeElements(raw, UInt64.self) { $0.writeUInt($1) }
            case .int8: writeElements(raw, Int8.self) { $0.writeInt(Int64($1)) }
            case .int16: writeElements(raw, Int16.self) { $0.writeInt(Int64($1)) }
            case .int32: writeElements(raw, Int32.self) { $0.writeInt(Int64($1)) }
            case .int64: writeElements(raw, Int64.self) { $0.writeInt($1) }
            case .fp32: writeElements(raw, Float.self) { $0.writeDouble(Double($1)) }
            case .fp64: writeElements(raw, Double.self) { $0.writeDouble($1) }
            case .fp16:
                throw .invalidInput(
                    "Sending FP16 data via JSON is not supported. Please use the binary data format for \(role) \(tensor.name)"
                )
            case .bytes: preconditionFailure("BYTES tensors are stored as byte strings")
            }
            withExtendedLifetime(buffer) {}
        }
    }

    @inline(__always)
    private mutating func writeElements<T: BitwiseCopyable>(
        _ raw: UnsafeRawBufferPointer, _ type: T.Type, _ write: (inout JSONWriter, T) -> Void
    ) {
        let elements = raw.assumingMemoryBound(to: T.self)
        append(UInt8(ascii: "["))
        for index in elements.indices {
            if index > 0 { comma() }
            write(&self, elements[index])
        }
        append(UInt8(ascii: "]"))
    }

    /// Writes a `parameters` object.
    mutating func writeParameters(_ parameters: InferParameters) {
        append(UInt8(ascii: "{"))
        for (index, entry) in parameters.enumerated() {
            if index > 0 { comma() }
            key(entry.key)
            switch entry.value {
            case .bool(let value): writeBool(value)
            case .int64(let value): writeInt(value)
            case .double(let value): writeDouble(value)
            case .string(let value): writeString(value)
            }
        }
        append(UInt8(ascii: "}"))
    }

    /// Writes `[2,3]`.
    mutating func writeShape(_ shape: [Int]) {
        append(UInt8(ascii: "["))
        for (index, dimension) in shape.enumerated() {
            if index > 0 { comma() }
            writeInt(Int64(dimension))
        }
        append(UInt8(ascii: "]"))
    }

    /// A JSON string, or `null` for `nil`.
    mutating func writeOptionalString(_ text: String?) {
        if let text { writeString(text) } else { writeNull() }
    }
}

extension InferTensor {
    /// The byte length of the tensor in binary form (§5.1): BYTES elements carry a 4-byte length prefix each.
    var binaryByteCount: Int {
        switch data {
        case .fixed(let buffer): buffer.count
        case .bytes(let elements): elements.reduce(0) { $0 + 4 + $1.count }
        case .jsonText(let text): text.count * (datatype.elementSize ?? 0)
        }
    }

    /// Appends the tensor in binary form (§5.1).
    func appendBinary(to bytes: inout [UInt8]) {
        switch data.resolved {
        case .fixed(let buffer): bytes.append(contentsOf: buffer.bytes)
        case .bytes(let elements):
            for element in elements {
                withUnsafeBytes(of: UInt32(element.count).littleEndian) { bytes.append(contentsOf: $0) }
                bytes.append(contentsOf: element)
            }
        case .jsonText: preconditionFailure("resolved data is never JSON text")
        }
    }

    /// A guess of the JSON size, to reserve the output buffer once.
    var estimatedJSONSize: Int {
        switch data {
        case .fixed: 64 + elementCount * (datatype == .fp32 || datatype == .fp64 ? 20 : 6)
        case .bytes(let elements): 64 + elements.reduce(0) { $0 + $1.count + 4 }
        case .jsonText(let text): 64 + text.text.count
        }
    }
}
