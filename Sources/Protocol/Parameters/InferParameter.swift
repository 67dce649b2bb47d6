/// One parameter value of a request, response or tensor. JSON carries all four kinds; KServe's gRPC proto has no
/// double, so ``double(_:)`` is refused when emitting gRPC (`to_grpc: invalid parameter value`).
public enum InferParameter: Sendable, Hashable, CustomStringConvertible {
    /// A boolean, e.g. `binary_data`.
    case bool(Bool)
    /// An integer, e.g. `binary_data_size`.
    case int64(Int64)
    /// A floating-point number.
    case double(Double)
    /// A string.
    case string(String)

    /// The value if it is a bool.
    public var boolValue: Bool? { if case .bool(let value) = self { value } else { nil } }
    /// The value if it is an integer (a double with an integral value counts, as Python compares 8.0 == 8).
    public var int64Value: Int64? {
        switch self {
        case .int64(let value): value
        case .double(let value): Int64(exactly: value)
        default: nil
        }
    }
    /// The value if it is a string.
    public var stringValue: String? { if case .string(let value) = self { value } else { nil } }

    /// The value as JSON would print it.
    public var description: String {
        switch self {
        case .bool(let value): "\(value)"
        case .int64(let value): "\(value)"
        case .double(let value): "\(value)"
        case .string(let value): value
        }
    }
}

extension InferParameter: ExpressibleByBooleanLiteral, ExpressibleByIntegerLiteral, ExpressibleByFloatLiteral,
    ExpressibleByStringLiteral
{
    /// A bool parameter.
    public init(booleanLiteral value: Bool) { self = .bool(value) }
    /// An integer parameter.
    public init(integerLiteral value: Int64) { self = .int64(value) }
    /// A floating-point parameter.
    public init(floatLiteral value: Double) { self = .double(value) }
    /// A string parameter.
    public init(stringLiteral value: String) { self = .string(value) }
}
