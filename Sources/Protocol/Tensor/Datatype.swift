/// A tensor element type of the Open Inference Protocol (KServe v2), named as on the wire.
public enum Datatype: String, Sendable, Hashable, CaseIterable, CustomStringConvertible {
    /// Boolean, one byte (0 or 1) in binary form.
    case bool = "BOOL"
    /// Unsigned 8-bit integer.
    case uint8 = "UINT8"
    /// Unsigned 16-bit integer.
    case uint16 = "UINT16"
    /// Unsigned 32-bit integer.
    case uint32 = "UINT32"
    /// Unsigned 64-bit integer.
    case uint64 = "UINT64"
    /// Signed 8-bit integer.
    case int8 = "INT8"
    /// Signed 16-bit integer.
    case int16 = "INT16"
    /// Signed 32-bit integer.
    case int32 = "INT32"
    /// Signed 64-bit integer.
    case int64 = "INT64"
    /// IEEE-754 half precision; never carried in JSON, only in binary or raw form.
    case fp16 = "FP16"
    /// IEEE-754 single precision.
    case fp32 = "FP32"
    /// IEEE-754 double precision.
    case fp64 = "FP64"
    /// A byte string per element (often UTF-8 text); 4-byte little-endian length prefix in binary form.
    case bytes = "BYTES"

    /// Parses a wire name, case-insensitively as KServe upper-cases datatypes on construction.
    /// - Parameter name: The datatype as sent, e.g. `"FP32"` or `"fp32"`.
    /// - Throws: ``InferenceError/Code/invalidInput`` naming the unknown datatype.
    public init(name: String) throws(InferenceError) {
        if let known = Datatype(wireName: name) ?? Datatype(rawValue: name.uppercased()) {
            self = known
        } else {
            throw .invalidInput("invalid datatype \(name) in the input")
        }
    }

    /// The datatype whose wire name is exactly `name` (case-sensitive, as ``init(rawValue:)``), found by comparing the
    /// name's bytes packed into one integer with each case's instead of through the string `switch` that
    /// `init(rawValue:)` runs (about a thousand instructions per tensor).
    init?(wireName name: String) {
        var name = name
        guard let packed = name.withUTF8({ Self.packed($0) }) else { return nil }
        guard let index = Self.packedNames.firstIndex(of: packed) else { return nil }
        self = Self.allCases[index]
    }

    /// Up to seven bytes and their count as one integer: the first byte in the low bits, the count in the top byte
    /// (so that a name and the same name followed by NUL bytes differ); `nil` for a longer or empty name.
    private static func packed(_ bytes: UnsafeBufferPointer<UInt8>) -> UInt64? {
        guard !bytes.isEmpty, bytes.count <= 7 else { return nil }
        var value = UInt64(bytes.count) << 56
        for (offset, byte) in bytes.enumerated() { value |= UInt64(byte) << (8 * offset) }
        return value
    }

    /// Each case's wire name packed as ``packed(_:)`` does, in the order of `allCases`.
    private static let packedNames: [UInt64] = allCases.map { datatype in
        var name = datatype.rawValue
        return name.withUTF8 { packed($0) } ?? 0
    }

    /// The byte width of one element in binary form, or `nil` for ``bytes`` (variable length).
    public var elementSize: Int? {
        switch self {
        case .bool, .uint8, .int8: 1
        case .uint16, .int16, .fp16: 2
        case .uint32, .int32, .fp32: 4
        case .uint64, .int64, .fp64: 8
        case .bytes: nil
        }
    }

    /// The wire name, e.g. `FP32`.
    public var description: String { rawValue }
}
