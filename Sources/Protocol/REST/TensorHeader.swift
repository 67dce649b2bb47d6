/// A tensor entry of a v2 JSON document as read, before its data is resolved: the data may come later in the
/// object than the datatype, or from the binary section after the JSON (`binary_data_size`).
struct TensorHeader {
    var name: String?
    var datatype: Datatype?
    var shape: [Int]?
    var parameters = InferParameters()
    /// The parsed `data`: once ``read(from:index:role:fp16Verb:)`` returns, whenever a `data` value other than `null` was given.
    var data: TensorData?
    /// Where the last `data` value starts, unless it was `null`.
    private var dataOffset: Int?
    /// The datatype ``data`` was read as; `nil` while it is unread: `data` came before `datatype` or `shape`, or did
    /// not read as the datatype known then. Unless it is the final `datatype` (JSON keeps the last of a repeated
    /// key), `data` is read at the end.
    private var dataReadAs: Datatype?
    /// Whether `data` was present but `null`.
    var dataIsNull = false
    /// Whether `parameters.binary_data_size` was present but `null` (KServe names that case in its message).
    var binaryDataSizeIsNull = false

    /// Reads one tensor object (`name`, `shape`, `datatype`, `parameters`, `data`; other keys are ignored).
    static func read(from reader: inout JSONReader, index: Int, role: String, fp16Verb: String = "Sending") throws(InferenceError) -> TensorHeader {
        var header = TensorHeader()
        try reader.readObject { (reader, key) throws(InferenceError) in
            switch key {
            case "name": header.name = try reader.readString()
            case "datatype": header.datatype = try Datatype(name: reader.readString())
            case "shape": header.shape = try readShape(from: &reader)
            case "parameters":
                var nullKeys: [String]? = []
                header.parameters = try InferParameters.read(from: &reader, nullKeys: &nullKeys)
                header.binaryDataSizeIsNull = nullKeys?.contains("binary_data_size") ?? false
                if let other = nullKeys?.first(where: { $0 != "binary_data_size" }) {
                    throw reader.error("parameter '\(other)' must be a string, a number or a bool")
                }
            case "data":
                // A repeated key replaces what came before it, as in Python's `json`.
                (header.data, header.dataIsNull, header.dataOffset, header.dataReadAs) = (nil, false, nil, nil)
                if try reader.consumeNull() {
                    header.dataIsNull = true
                    return
                }
                let offset = reader.position
                header.dataOffset = offset
                if let datatype = header.datatype, let shape = header.shape {
                    let count = try? Shape.elementCount(shape, tensor: header.name ?? "")
                    do throws(InferenceError) {
                        header.data = try reader.readTensorData(
                            datatype: datatype, expectedCount: count, tensor: header.name ?? "\(index)", role: role, fp16Verb: fp16Verb)
                        header.dataReadAs = datatype
                        return
                    } catch let dataError {
                        // Not JSON at all: that error stands. Otherwise it is read again at the end, as the final
                        // datatype, whose error, if any, is the one to report.
                        reader.position = offset
                        guard (try? reader.skipValue()) != nil else { throw dataError }
                        return
                    }
                }
                try reader.skipValue()
            default: try reader.skipValue()
            }
        }
        guard header.name != nil else { throw reader.error("\(role) \(index) has no 'name'") }
        guard header.shape != nil else { throw reader.error("\(role) '\(header.name!)' has no 'shape'") }
        guard header.datatype != nil else { throw reader.error("\(role) '\(header.name!)' has no 'datatype'") }
        if let offset = header.dataOffset, header.dataReadAs != header.datatype {
            let resume = reader.position
            reader.position = offset
            let count = try? Shape.elementCount(header.shape!, tensor: header.name!)
            header.data = try reader.readTensorData(
                datatype: header.datatype!, expectedCount: count, tensor: header.name!, role: role, fp16Verb: fp16Verb)
            reader.position = resume
        }
        return header
    }

    private static func readShape(from reader: inout JSONReader) throws(InferenceError) -> [Int] {
        var shape: [Int] = []
        try reader.readArray { (reader) throws(InferenceError) in
            let number = try reader.readNumber()
            if number.isIntegerLiteral, !number.mantissaOverflow, number.mantissa <= UInt64(Int.max) {
                shape.append(number.negative ? -Int(number.mantissa) : Int(number.mantissa))
                return
            }
            let value = reader.doubleValue(of: number)
            guard value.rounded(.towardZero) == value, let dimension = Int(exactly: value) else {
                throw reader.error("shape dimension \(reader.text(of: number)) is not an integer")
            }
            shape.append(dimension)
        }
        return shape
    }
}

extension OrderedMap where Value == InferParameter {
    /// Reads a `parameters` object (or `null`, read as empty): values must be strings, numbers or bools.
    static func read(from reader: inout JSONReader) throws(InferenceError) -> InferParameters {
        var ignored: [String]?
        return try read(from: &reader, nullKeys: &ignored)
    }

    /// Reads a `parameters` object, collecting keys whose value is `null` into `nullKeys` instead of failing
    /// (when `nullKeys` is non-nil): the binary framing reports a null `binary_data_size` in KServe's words.
    static func read(from reader: inout JSONReader, nullKeys: inout [String]?) throws(InferenceError) -> InferParameters {
        var parameters = InferParameters()
        if try reader.consumeNull() { return parameters }
        try reader.readObject { (reader, key) throws(InferenceError) in
            if nullKeys != nil, try reader.consumeNull() {
                nullKeys?.append(key)
                return
            }
            switch reader.peek() ?? 0 {
            case UInt8(ascii: "\""): parameters[key] = .string(try reader.readString())
            case UInt8(ascii: "t"), UInt8(ascii: "f"): parameters[key] = .bool(try reader.readBool())
            case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"):
                let number = try reader.readNumber()
                if number.isIntegerLiteral, !number.mantissaOverflow, number.mantissa <= UInt64(Int64.max) {
                    parameters[key] = .int64(number.negative ? -Int64(number.mantissa) : Int64(number.mantissa))
                } else {
                    // JSON has no spelling for an infinity or NaN (orjson writes `null`, which no reader takes back):
                    // refused, as orjson refuses `1e400` on KServe's binary route.
                    let value = reader.doubleValue(of: number)
                    guard value.isFinite else { throw reader.error("parameter '\(key)' must be a finite number") }
                    parameters[key] = .double(value)
                }
            default: throw reader.error("parameter '\(key)' must be a string, a number or a bool")
            }
        }
        return parameters
    }
}
