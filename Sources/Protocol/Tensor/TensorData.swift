/// How a tensor's elements are stored. Internal so that storage can change without touching the public API.
enum TensorData: Sendable, Equatable {
    /// Fixed-width elements, little-endian, `elementSize` bytes each.
    case fixed(TensorBuffer)
    /// BYTES elements, one byte string each.
    case bytes([[UInt8]])
    /// FP32 or FP64 elements still in the JSON text they arrived in: decoded on first access, written back to JSON
    /// verbatim (see ``JSONTensorText``).
    case jsonText(JSONTensorText)

    /// Number of elements, given the datatype's element size.
    func elementCount(elementSize: Int?) -> Int {
        switch self {
        case .fixed(let buffer): buffer.count / max(elementSize ?? 1, 1)
        case .bytes(let elements): elements.count
        case .jsonText(let text): text.count
        }
    }

    /// The same elements as ``fixed(_:)`` or ``bytes(_:)``: JSON text is decoded (once; the result is cached).
    var resolved: TensorData {
        guard case .jsonText(let text) = self else { return self }
        return .fixed(text.decoded)
    }

    /// Equal when the elements are: JSON text compares by its decoded values, not its spelling.
    static func == (lhs: TensorData, rhs: TensorData) -> Bool {
        switch (lhs.resolved, rhs.resolved) {
        case (.fixed(let left), .fixed(let right)): left == right
        case (.bytes(let left), .bytes(let right)): left == right
        default: false
        }
    }
}
