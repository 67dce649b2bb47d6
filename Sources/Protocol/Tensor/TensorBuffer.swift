#if canImport(Glibc)
internal import Glibc
#elseif canImport(Darwin)
internal import Darwin
#endif

/// The bytes of a fixed-width tensor: contiguous, little-endian, aligned for any element type (malloc's 16 bytes).
///
/// A class so that copies of a tensor share one buffer. `@unchecked Sendable` because the memory is written only
/// before an initializer returns and is never mutated afterwards.
final class TensorBuffer: @unchecked Sendable {
    /// Start of the bytes; never null (a zero-length buffer still owns a 1-byte allocation).
    let base: UnsafeMutableRawPointer
    /// Number of bytes.
    let count: Int

    /// Takes ownership of memory from `malloc`/`realloc`.
    fileprivate init(owning base: UnsafeMutableRawPointer, count: Int) {
        self.base = base
        self.count = count
    }

    deinit { free(base) }

    /// Allocates `count` bytes (uninitialised) and lets `initialize` write every one of them.
    static func make<E: Error>(
        count: Int,
        initializingWith initialize: (UnsafeMutableRawBufferPointer) throws(E) -> Void
    ) throws(E) -> TensorBuffer {
        guard let memory = malloc(max(count, 1)) else { fatalError("out of memory allocating \(count) bytes for a tensor") }
        let buffer = TensorBuffer(owning: memory, count: count)
        try initialize(UnsafeMutableRawBufferPointer(start: memory, count: count))
        return buffer
    }

    /// A buffer holding a copy of `bytes` (one `memcpy`).
    static func copying(_ bytes: UnsafeRawBufferPointer) -> TensorBuffer {
        make(count: bytes.count) { destination in
            if let source = bytes.baseAddress, bytes.count > 0 { destination.baseAddress!.copyMemory(from: source, byteCount: bytes.count) }
        }
    }

    /// The bytes, valid while this buffer is alive.
    var bytes: UnsafeRawBufferPointer { UnsafeRawBufferPointer(start: base, count: count) }
}

extension TensorBuffer: Equatable {
    static func == (lhs: TensorBuffer, rhs: TensorBuffer) -> Bool {
        lhs === rhs || (lhs.count == rhs.count && memcmp(lhs.base, rhs.base, lhs.count) == 0)
    }
}

/// Appends fixed-width elements to growing malloc'd memory, then hands it to a ``TensorBuffer`` without a copy.
/// Used by the JSON decoder, which learns the element count only while parsing. A class so that the element
/// closures of the decoder can append to it; frees its memory if it is dropped before ``finish()``.
final class TensorBufferBuilder {
    private var base: UnsafeMutableRawPointer?
    private var capacity: Int
    private(set) var count = 0

    init(reservingBytes: Int) {
        capacity = max(reservingBytes, 16)
        guard let memory = malloc(capacity) else { fatalError("out of memory reserving \(reservingBytes) bytes for a tensor") }
        base = memory
    }

    deinit { free(base) }

    @inline(__always)
    func append<T: BitwiseCopyable>(_ value: T) {
        let size = MemoryLayout<T>.size
        if count + size > capacity { grow(minimum: count + size) }
        base.unsafelyUnwrapped.storeBytes(of: value, toByteOffset: count, as: T.self)
        count += size
    }

    private func grow(minimum: Int) {
        let newCapacity = max(minimum, capacity * 2)
        guard let memory = realloc(base, newCapacity) else { fatalError("out of memory growing a tensor to \(newCapacity) bytes") }
        base = memory
        capacity = newCapacity
    }

    /// Hands the bytes over; the builder must not be used afterwards.
    func finish() -> TensorBuffer {
        let buffer = TensorBuffer(owning: base.unsafelyUnwrapped, count: count)
        base = nil
        return buffer
    }
}
