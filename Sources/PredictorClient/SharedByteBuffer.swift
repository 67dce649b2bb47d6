package import NIOCore

/// A body that decoded tensors share instead of copying: they keep this box, and with it the buffer's storage,
/// alive. Nothing writes to the buffer after the body is complete (a `ByteBuffer` copies its storage before any
/// write while another value shares it), so the bytes the tensors point at never move or change. Used for the
/// bodies the server receives and for the predictor's responses.
package final class SharedByteBuffer: Sendable {
    /// The body.
    package let buffer: ByteBuffer

    /// Boxes `buffer` (no copy: the storage is shared).
    package init(_ buffer: ByteBuffer) {
        self.buffer = buffer
    }

    /// The readable bytes that `bytes` covers, as a slice that shares the storage (no copy); `nil` unless all of
    /// `bytes` lies within the buffer's readable bytes.
    package func slice(of bytes: UnsafeRawBufferPointer) -> ByteBuffer? {
        guard let start = bytes.baseAddress else { return nil }
        let offset: Int? = buffer.withUnsafeReadableBytes { readable in
            guard let base = readable.baseAddress, start >= base, start + bytes.count <= base + readable.count else { return nil }
            return start - base
        }
        guard let offset else { return nil }
        return buffer.getSlice(at: buffer.readerIndex + offset, length: bytes.count)
    }
}
