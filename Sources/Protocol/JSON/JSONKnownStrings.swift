/// The words of the inference protocols' JSON (keys such as `name` and `datatype`, datatype names), returned as
/// string literals when a document spells them: a literal costs nothing to make, where building a `String` from
/// bytes validates and copies them. Only exact byte matches are replaced, so the result is the same string.
enum JSONKnownStrings {
    /// The literal equal to `bytes`, if `bytes` spell one of the known words.
    @inline(__always)
    static func string(matching bytes: UnsafeBufferPointer<UInt8>) -> String? {
        guard let start = bytes.baseAddress else { return nil }
        switch bytes.count {
        case 2: if equal(start, "id") { return "id" }
        case 4:
            if equal(start, "name") { return "name" }
            if equal(start, "data") { return "data" }
            if equal(start, "FP32") { return "FP32" }
            if equal(start, "FP64") { return "FP64" }
            if equal(start, "BOOL") { return "BOOL" }
            if equal(start, "INT8") { return "INT8" }
            if equal(start, "FP16") { return "FP16" }
        case 5:
            if equal(start, "shape") { return "shape" }
            if equal(start, "INT32") { return "INT32" }
            if equal(start, "INT64") { return "INT64" }
            if equal(start, "BYTES") { return "BYTES" }
            if equal(start, "UINT8") { return "UINT8" }
            if equal(start, "INT16") { return "INT16" }
        case 6:
            if equal(start, "inputs") { return "inputs" }
            if equal(start, "UINT16") { return "UINT16" }
            if equal(start, "UINT32") { return "UINT32" }
            if equal(start, "UINT64") { return "UINT64" }
        case 7: if equal(start, "outputs") { return "outputs" }
        case 8: if equal(start, "datatype") { return "datatype" }
        case 9: if equal(start, "instances") { return "instances" }
        case 10:
            if equal(start, "parameters") { return "parameters" }
            if equal(start, "model_name") { return "model_name" }
        case 11:
            if equal(start, "binary_data") { return "binary_data" }
            if equal(start, "predictions") { return "predictions" }
        case 12: if equal(start, "content_type") { return "content_type" }
        case 13: if equal(start, "model_version") { return "model_version" }
        case 16: if equal(start, "binary_data_size") { return "binary_data_size" }
        case 18: if equal(start, "binary_data_output") { return "binary_data_output" }
        default: break
        }
        return nil
    }

    /// Whether the `literal.utf8CodeUnitCount` bytes at `bytes` are those of `literal` (compared 8 and 4 bytes at
    /// a time; the loads from the literal fold to constants).
    @inline(__always)
    private static func equal(_ bytes: UnsafePointer<UInt8>, _ literal: StaticString) -> Bool {
        let count = literal.utf8CodeUnitCount
        let expected = UnsafeRawPointer(literal.utf8Start)
        let actual = UnsafeRawPointer(bytes)
        var index = 0
        while count - index >= 8 {
            guard actual.loadUnaligned(fromByteOffset: index, as: UInt64.self) == expected.loadUnaligned(fromByteOffset: index, as: UInt64.self)
            else { return false }
            index += 8
        }
        if count - index >= 4 {
            guard actual.loadUnaligned(fromByteOffset: index, as: UInt32.self) == expected.loadUnaligned(fromByteOffset: index, as: UInt32.self)
            else { return false }
            index += 4
        }
        while index < count {
            guard actual.load(fromByteOffset: index, as: UInt8.self) == expected.load(fromByteOffset: index, as: UInt8.self) else { return false }
            index += 1
        }
        return true
    }
}
