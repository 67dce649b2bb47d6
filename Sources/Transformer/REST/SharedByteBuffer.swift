internal import NIOCore

/// A request body that decoded tensors share instead of copying: they keep this box, and with it the buffer's
/// storage, alive. Nothing writes to the buffer after the request is collected (a `ByteBuffer` copies its storage
/// before any write while another value shares it), so the bytes the tensors point at never move or change.
final class SharedByteBuffer: Sendable {
    /// The body.
    let buffer: ByteBuffer

    /// Boxes `buffer` (no copy: the storage is shared).
    init(_ buffer: ByteBuffer) {
        self.buffer = buffer
    }
}
