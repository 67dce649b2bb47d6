/// How a tensor's elements are stored. Internal so that storage can change (e.g. keeping JSON text unparsed)
/// without touching the public API.
enum TensorData: Sendable, Equatable {
    /// Fixed-width elements, little-endian, `elementSize` bytes each.
    case fixed(TensorBuffer)
    /// BYTES elements, one byte string each.
    case bytes([[UInt8]])

    /// Number of elements, given the datatype's element size.
    func elementCount(elementSize: Int?) -> Int {
        switch self {
        case .fixed(let buffer): buffer.count / max(elementSize ?? 1, 1)
        case .bytes(let elements): elements.count
        }
    }
}
