internal import Synchronization

#if canImport(Glibc)
internal import Glibc
#elseif canImport(Darwin)
internal import Darwin
#endif

/// The bytes of a fixed-width tensor: contiguous, little-endian.
///
/// Either memory of its own (from `malloc`, aligned for any element type) or a slice of a body that a decoder
/// shares instead of copying (``borrowing(_:keepingAlive:)``): a binary-extension tensor travels through a
/// transformer as the bytes it arrived in. A shared slice may sit at any address, so typed access goes through
/// ``aligned(to:)``, which hands out an aligned copy (made once) when the slice is not aligned for the element.
///
/// A class so that copies of a tensor share one buffer. `@unchecked Sendable` because the memory is written only
/// before an initializer returns (or belongs to an owner that never mutates it) and is never mutated afterwards.
final class TensorBuffer: @unchecked Sendable {
    /// Start of the bytes; never null (a zero-length buffer still owns a 1-byte allocation).
    let base: UnsafeMutableRawPointer
    /// Number of bytes.
    let count: Int
    /// What keeps shared memory alive; `nil` when the buffer owns `base` and frees it.
    let owner: (any AnyObject & Sendable)?
    /// The aligned copy of a misaligned shared slice, once typed access asked for it.
    private let alignedCopy = Mutex<TensorBuffer?>(nil)

    /// Takes ownership of memory from `malloc`/`realloc`.
    fileprivate init(owning base: UnsafeMutableRawPointer, count: Int) {
        self.base = base
        self.count = count
        self.owner = nil
    }

    private init(sharing bytes: UnsafeRawBufferPointer, owner: any AnyObject & Sendable) {
        self.base = UnsafeMutableRawPointer(mutating: bytes.baseAddress!)
        self.count = bytes.count
        self.owner = owner
    }

    deinit {
        if owner == nil { free(base) }
    }

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

    /// A buffer over `bytes` without copying them: `owner` must keep that memory alive and unchanged for as long
    /// as it lives (the buffer holds it). An empty slice is copied (it may have no address).
    static func borrowing(_ bytes: UnsafeRawBufferPointer, keepingAlive owner: any AnyObject & Sendable) -> TensorBuffer {
        guard bytes.baseAddress != nil, bytes.count > 0 else { return copying(bytes) }
        return TensorBuffer(sharing: bytes, owner: owner)
    }

    /// Whether the bytes are shared with a body rather than owned.
    var isShared: Bool { owner != nil }

    /// This buffer when its start is a multiple of `alignment`; else an aligned copy of it, made on the first call
    /// and kept. Typed views (`assumingMemoryBound`) must go through this.
    func aligned(to alignment: Int) -> TensorBuffer {
        guard Int(bitPattern: base) % alignment != 0 else { return self }
        return alignedCopy.withLock { copy in
            if let copy { return copy }
            let made = TensorBuffer.copying(bytes)
            copy = made
            return made
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
/// Used by the JSON decoder, which learns the element count only while parsing (the shape, when known, gives the
/// reservation). Non-copyable, so that the memory has one owner: it is freed if the builder is dropped before
/// ``finish()``. Hot loops may write through ``base`` directly, below ``capacity``, and set ``count`` when done.
struct TensorBufferBuilder<Element: BitwiseCopyable>: ~Copyable {
    /// Start of the elements, valid for ``capacity`` of them.
    private(set) var base: UnsafeMutablePointer<Element>
    /// Elements the memory holds.
    private(set) var capacity: Int
    /// Elements written so far (the prefix of the memory that ``finish()`` hands over).
    var count = 0

    init(reservingCapacity: Int) {
        capacity = max(reservingCapacity, 1)
        let bytes = capacity * MemoryLayout<Element>.stride
        guard let memory = malloc(bytes) else { fatalError("out of memory reserving \(bytes) bytes for a tensor") }
        base = memory.bindMemory(to: Element.self, capacity: capacity)
    }

    deinit { free(base) }

    @inline(__always)
    mutating func append(_ value: Element) {
        if count == capacity { grow() }
        (base + count).initialize(to: value)
        count += 1
    }

    /// Doubles the capacity (the elements move with `realloc`).
    mutating func grow() {
        let newCapacity = capacity * 2
        let bytes = newCapacity * MemoryLayout<Element>.stride
        guard let memory = realloc(base, bytes) else { fatalError("out of memory growing a tensor to \(bytes) bytes") }
        base = memory.bindMemory(to: Element.self, capacity: newCapacity)
        capacity = newCapacity
    }

    /// Hands the first ``count`` elements over.
    consuming func finish() -> TensorBuffer {
        let buffer = TensorBuffer(owning: UnsafeMutableRawPointer(base), count: count * MemoryLayout<Element>.stride)
        discard self
        return buffer
    }
}
