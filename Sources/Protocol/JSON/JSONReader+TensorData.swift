extension JSONReader {
    /// Reads a tensor's `data` value as elements of `datatype`: a flat or nested array (flattened row-major), or
    /// a bare scalar. Values are range-checked for their datatype; an integer tensor refuses `1.5`.
    /// - Parameters:
    ///   - datatype: The tensor's datatype.
    ///   - expectedCount: The element count from the shape, if known, to reserve memory once.
    ///   - name: The tensor's name, for messages.
    ///   - role: `input` or `output`, for messages.
    ///   - fp16Verb: `Sending` or `Receiving`: KServe words the FP16-in-JSON refusal differently for JSON bodies
    ///     and for the JSON part of binary bodies.
    ///   - allowsText: Whether a flat FP32/FP64 array of plain numbers may be kept as its text
    ///     (``JSONTensorText``) instead of being decoded now.
    mutating func readTensorData(
        datatype: Datatype, expectedCount: Int?, tensor name: String, role: String,
        fp16Verb: String = "Sending", allowsText: Bool = true
    ) throws(InferenceError) -> TensorData {
        let reserve = min(expectedCount ?? 16, 1 << 24)
        switch datatype {
        case .bool: return .fixed(try readElements(Bool.self, reserve) { (reader) throws(InferenceError) in try reader.readBool() })
        case .uint8: return .fixed(try readIntegers(UInt8.self, reserve, datatype, name))
        case .uint16: return .fixed(try readIntegers(UInt16.self, reserve, datatype, name))
        case .uint32: return .fixed(try readIntegers(UInt32.self, reserve, datatype, name))
        case .uint64: return .fixed(try readIntegers(UInt64.self, reserve, datatype, name))
        case .int8: return .fixed(try readIntegers(Int8.self, reserve, datatype, name))
        case .int16: return .fixed(try readIntegers(Int16.self, reserve, datatype, name))
        case .int32: return .fixed(try readIntegers(Int32.self, reserve, datatype, name))
        case .int64: return .fixed(try readIntegers(Int64.self, reserve, datatype, name))
        case .fp32, .fp64:
            if allowsText, let text = scanNumberArrayText(datatype: datatype) { return .jsonText(text) }
            return .fixed(datatype == .fp32 ? try readFloats(Float.self, reserve) : try readFloats(Double.self, reserve))
        case .fp16:
            let start = position
            let empty = try readElements(UInt8.self, 0) { (reader) throws(InferenceError) in
                reader.position = start
                throw InferenceError.invalidInput(
                    "\(fp16Verb) FP16 data via JSON is not supported. Please use the binary data format for \(role) \(name)"
                )
            }
            return .fixed(empty)
        case .bytes:
            var elements: [[UInt8]] = []
            elements.reserveCapacity(reserve)
            try readNested { (reader) throws(InferenceError) in elements.append(try reader.readStringBytes()) }
            return .bytes(elements)
        }
    }

    /// Reads the elements of a fixed-width tensor: a flat array through ``readFlatArray(into:_:)``, anything else
    /// (a bare scalar, nested or empty arrays, errors between elements) through ``readNested(_:)``.
    private mutating func readElements<T: BitwiseCopyable>(
        _ type: T.Type, _ reserve: Int, _ element: (inout JSONReader) throws(InferenceError) -> T
    ) throws(InferenceError) -> TensorBuffer {
        var builder = TensorBufferBuilder<T>(reservingCapacity: reserve)
        let start = position
        if try readFlatArray(into: &builder, element) { return builder.finish() }
        position = start
        builder.count = 0
        try readNested { (reader) throws(InferenceError) in builder.append(try element(&reader)) }
        return builder.finish()
    }

    /// The fast path of ``readElements(_:_:_:)``: a flat, non-empty array, its elements written straight into
    /// `builder`'s memory from locals. Returns `false` (position and `builder.count` unspecified) at the first
    /// thing that is not `[`, an element, `,` or the closing `]`, for the general walk to redo from the start
    /// (it also words any syntax error). Errors of an element itself are thrown: the general walk would throw the
    /// same at the same element.
    @inline(__always)
    private mutating func readFlatArray<T: BitwiseCopyable>(
        into builder: inout TensorBufferBuilder<T>, _ element: (inout JSONReader) throws(InferenceError) -> T
    ) throws(InferenceError) -> Bool {
        skipWhitespace()
        guard position < end, base[position] == UInt8(ascii: "[") else { return false }
        position += 1
        var pointer = builder.base
        var capacity = builder.capacity
        var count = 0
        while true {
            skipWhitespace()
            guard position < end, base[position] != UInt8(ascii: "["), base[position] != UInt8(ascii: "]") else { return false }
            let value = try element(&self)
            if count == capacity {
                builder.count = count
                builder.grow()
                pointer = builder.base
                capacity = builder.capacity
            }
            (pointer + count).initialize(to: value)
            count += 1
            skipWhitespace()
            guard position < end else { return false }
            let byte = base[position]
            position += 1
            if byte == UInt8(ascii: "]") {
                builder.count = count
                return true
            }
            guard byte == UInt8(ascii: ",") else { return false }
        }
    }

    /// Reads the elements of a float tensor: a flat array through ``readFlatFloats(into:)``, anything else through
    /// ``readNested(_:)``.
    private mutating func readFloats<T: JSONFloatElement>(_ type: T.Type, _ reserve: Int) throws(InferenceError) -> TensorBuffer {
        var builder = TensorBufferBuilder<T>(reservingCapacity: reserve)
        let start = position
        if try readFlatFloats(into: &builder) { return builder.finish() }
        position = start
        builder.count = 0
        try readNested { (reader) throws(InferenceError) in builder.append(T(jsonDouble: try reader.readFloatElement())) }
        return builder.finish()
    }

    /// ``readFlatArray(into:_:)`` for floats, with the scan position and the write pointer in locals. An inner
    /// loop without calls takes runs of the usual element (``scanShortDecimal(at:)``, where enough bytes remain)
    /// and `,`; anything else goes through ``readFloatElement(from:)`` and the general separator check. Same
    /// contract: `false` (position unspecified) for the general walk to redo; element errors are thrown.
    @inline(__always)
    private mutating func readFlatFloats<T: JSONFloatElement>(into builder: inout TensorBufferBuilder<T>) throws(InferenceError) -> Bool {
        var index = skippingWhitespace(from: position)
        guard index < end, base[index] == UInt8(ascii: "[") else { return false }
        index += 1
        let fastLimit = end - JSONReader.shortDecimalReach
        var next = builder.base
        var limit = builder.base + builder.capacity
        while true {
            index = skippingWhitespace(from: index)
            var afterElement = false
            while index <= fastLimit, next != limit, let value = scanShortDecimal(at: &index) {
                next.initialize(to: T(jsonDouble: value))
                next += 1
                // In bounds: the scan stopped at least 6 bytes before `end`.
                guard base[index] == UInt8(ascii: ",") else {
                    afterElement = true
                    break
                }
                index = skippingWhitespace(from: index &+ 1)
            }
            if !afterElement {
                guard index < end, base[index] != UInt8(ascii: "["), base[index] != UInt8(ascii: "]") else { return false }
                let (value, after) = try readFloatElement(from: index)
                index = after
                if next == limit {
                    builder.count = next - builder.base
                    builder.grow()
                    next = builder.base + builder.count
                    limit = builder.base + builder.capacity
                }
                next.initialize(to: T(jsonDouble: value))
                next += 1
            }
            index = skippingWhitespace(from: index)
            guard index < end else { return false }
            let byte = base[index]
            index += 1
            if byte == UInt8(ascii: ",") { continue }
            guard byte == UInt8(ascii: "]") else { return false }
            position = index
            builder.count = next - builder.base
            return true
        }
    }

    /// ``readFloatElement()`` at `index`, and the index after it; out of line, so that the fast loop keeps its
    /// registers.
    @inline(never)
    private mutating func readFloatElement(from index: Int) throws(InferenceError) -> (Double, Int) {
        position = index
        let value = try readFloatElement()
        return (value, position)
    }

    /// The first index from `index` on that is not JSON whitespace (or `end`).
    @inline(__always)
    func skippingWhitespace(from index: Int) -> Int {
        var index = index
        while index < end {
            let byte = base[index]
            guard byte == 0x20 || byte == 0x0A || byte == 0x0D || byte == 0x09 else { break }
            index += 1
        }
        return index
    }

    private mutating func readIntegers<T: FixedWidthInteger & BitwiseCopyable>(
        _ type: T.Type, _ reserve: Int, _ datatype: Datatype, _ name: String
    ) throws(InferenceError) -> TensorBuffer {
        try readElements(T.self, reserve) { (reader) throws(InferenceError) in try reader.readInteger(T.self, datatype, name) }
    }

    /// A float element: a number, Python's `NaN`/`Infinity`, or `null` (how non-finite values are written).
    @inline(__always)
    private mutating func readFloatElement() throws(InferenceError) -> Double {
        if position < end, base[position] == UInt8(ascii: "n") {
            _ = try consumeNull()
            return .nan
        }
        return doubleValue(of: try readNumber())
    }

    @inline(__always)
    private mutating func readInteger<T: FixedWidthInteger>(_ type: T.Type, _ datatype: Datatype, _ name: String) throws(InferenceError) -> T {
        let number = try readNumber()
        if number.isIntegerLiteral && !number.mantissaOverflow {
            if !number.negative {
                if let value = T(exactly: number.mantissa) { return value }
            } else if T.isSigned, number.mantissa <= UInt64(T.max) + 1 {
                return T(truncatingIfNeeded: 0 &- number.mantissa)
            } else if number.mantissa == 0 {
                return 0
            }
            throw integerError(number, datatype, name, "is out of range for")
        }
        let value = doubleValue(of: number)
        guard value.isFinite, value.rounded(.towardZero) == value else {
            throw integerError(number, datatype, name, "is not an integer, as required by")
        }
        guard let exact = T(exactly: value) else { throw integerError(number, datatype, name, "is out of range for") }
        return exact
    }

    private func integerError(_ number: Number, _ datatype: Datatype, _ name: String, _ problem: String) -> InferenceError {
        .invalidInput("value \(text(of: number)) \(problem) the \(datatype) tensor '\(name)'")
    }

    /// Walks a flat or nested array (or a bare scalar), calling `element` for each leaf value.
    @inline(__always)
    mutating func readNested(_ element: (inout JSONReader) throws(InferenceError) -> Void) throws(InferenceError) {
        skipWhitespace()
        guard position < end, base[position] == UInt8(ascii: "[") else {
            try element(&self)
            return
        }
        position += 1
        var depth = 1
        var expectingValue = true  // just after '[' or ','
        var justOpened = true  // just after '[' (a ']' may follow)
        while true {
            skipWhitespace()
            guard position < end else { throw unexpected("']'") }
            let byte = base[position]
            if expectingValue {
                if byte == UInt8(ascii: "[") {
                    guard depth < JSONReader.maximumDepth else { throw error("JSON nested too deeply") }
                    position += 1
                    depth += 1
                    justOpened = true
                    continue
                }
                if byte == UInt8(ascii: "]") && justOpened {
                    position += 1
                    depth -= 1
                    if depth == 0 { return }
                    expectingValue = false
                    continue
                }
                try element(&self)
                expectingValue = false
                justOpened = false
            } else if byte == UInt8(ascii: ",") {
                position += 1
                expectingValue = true
                justOpened = false
            } else if byte == UInt8(ascii: "]") {
                position += 1
                depth -= 1
                if depth == 0 { return }
            } else {
                throw unexpected("',' or ']'")
            }
        }
    }
}

/// A float datatype's element, made from the `Double` that the decoder reads (FP32 rounds it, as numpy does).
protocol JSONFloatElement: BitwiseCopyable {
    init(jsonDouble: Double)
}

extension Float: JSONFloatElement {
    @inline(__always)
    init(jsonDouble value: Double) { self.init(value) }
}

extension Double: JSONFloatElement {
    @inline(__always)
    init(jsonDouble value: Double) { self = value }
}
