public import NIOCore

extension ByteBuffer {
    /// Calls `body` with the readable bytes, keeping its typed error (NIO's `withUnsafeReadableBytes` rethrows
    /// as `any Error`). The pointer is valid only during the call. Inlinable, so that each caller gets its own
    /// specialisation instead of runtime generic-metadata look-ups.
    @inlinable
    package func withReadableBytes<R, E: Error>(_ body: (UnsafeRawBufferPointer) throws(E) -> R) throws(E) -> R {
        try withUnsafeReadableBytes { bytes in Result { () throws(E) -> R in try body(bytes) } }.get()
    }
}
