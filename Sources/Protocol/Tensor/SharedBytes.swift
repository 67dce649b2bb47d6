/// A body's bytes held in an array that decoded tensors share instead of copying: the tensors keep this box, and
/// with it the array's storage, alive. The array is never mutated, so its elements never move.
package final class SharedBytes: Sendable {
    /// The bytes.
    package let bytes: [UInt8]

    /// Boxes `bytes` (no copy: the array's storage is shared).
    package init(_ bytes: [UInt8]) {
        self.bytes = bytes
    }
}
