import Synchronization

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// The elements of an FP32 or FP64 tensor kept as the JSON array text they arrived in.
///
/// A transformer that never looks at a tensor should not pay for parsing and re-printing its floats (a million of
/// them, or the 64 of a small request, where printing them was the largest single cost of the predictor's answer):
/// the reader keeps a flat array of plain JSON numbers as text (after checking its grammar and counting its
/// elements), the JSON writer copies the text back out, and the first access to the values decodes it (exactly as
/// the eager reader would have) and caches the result. Anything the scan does not accept (nested arrays, `NaN`,
/// `null`) is decoded at once as before.
final class JSONTensorText: Sendable {
    /// The array's text, from `[` to `]`.
    let text: TensorBuffer
    /// The number of elements.
    let count: Int
    /// `.fp32` or `.fp64`.
    let datatype: Datatype
    private let cache = Mutex<TensorBuffer?>(nil)

    /// Keeps `text`, which must be a flat, non-empty JSON array of `count` plain numbers: shared with `owner`
    /// when one is given (it keeps that memory alive), else copied.
    init(text: UnsafeRawBufferPointer, count: Int, datatype: Datatype, sharingWith owner: (any AnyObject & Sendable)? = nil) {
        self.text = owner.map { TensorBuffer.borrowing(text, keepingAlive: $0) } ?? TensorBuffer.copying(text)
        self.count = count
        self.datatype = datatype
    }

    /// The elements as little-endian values of ``datatype``, decoded on first use.
    var decoded: TensorBuffer {
        cache.withLock { cached in
            if let cached { return cached }
            let buffer = decode()
            cached = buffer
            return buffer
        }
    }

    private func decode() -> TensorBuffer {
        var reader = JSONReader(text.bytes)
        do {
            if case .fixed(let buffer) = try reader.readTensorData(
                datatype: datatype, expectedCount: count, tensor: "", role: "", allowsText: false)
            {
                return buffer
            }
        } catch {}
        // The scan that made this value accepted only the grammar that the float reader always accepts.
        preconditionFailure("JSON number array that passed the scan failed to decode")
    }
}

extension JSONReader {
    /// If a flat, non-empty array that holds only plain JSON numbers (RFC 8259 grammar: no `NaN`, `Infinity`, `null`
    /// or nested arrays) starts at the position, moves past it and returns it as text. Otherwise leaves the position
    /// as it was and returns `nil`.
    ///
    /// The first `]` after the `[` is the only one such an array can end at (no number holds one), so it is found
    /// first with `memchr`; every loop of the scan then stops at that `]` at the latest and needs no bound check,
    /// and runs of digits are skipped eight bytes at a time.
    mutating func scanNumberArrayText(datatype: Datatype) -> JSONTensorText? {
        let start = skippingWhitespace(from: position)
        guard start + 1 < end, base[start] == UInt8(ascii: "[") else { return nil }
        guard let found = memchr(base + start + 1, Int32(UInt8(ascii: "]")), end - start - 1) else { return nil }
        let close = UnsafePointer(found.assumingMemoryBound(to: UInt8.self))
        let limit = base + end
        var cursor = base + start + 1
        var count = 0
        while true {
            cursor = Self.skippingWhitespace(from: cursor)
            guard let after = Self.numberEnd(at: cursor, limit: limit) else { return nil }
            count += 1
            cursor = after.pointee == UInt8(ascii: ",") ? after : Self.skippingWhitespace(from: after)
            if cursor.pointee == UInt8(ascii: ",") {
                cursor += 1
                continue
            }
            guard cursor == close else { return nil }
            break
        }
        position = close - base + 1
        return JSONTensorText(
            text: UnsafeRawBufferPointer(start: base + start, count: position - start), count: count, datatype: datatype,
            sharingWith: owner)
    }

    /// The end of a JSON number (`-? (0 | [1-9][0-9]*) (. [0-9]+)? ([eE] [+-]? [0-9]+)?`) at `cursor`, or `nil`.
    /// Reads no further than the first byte that cannot continue the number, which the caller guarantees exists.
    @inline(__always)
    private static func numberEnd(at cursor: UnsafePointer<UInt8>, limit: UnsafePointer<UInt8>) -> UnsafePointer<UInt8>? {
        var cursor = cursor
        if cursor.pointee == UInt8(ascii: "-") { cursor += 1 }
        let first = cursor.pointee
        if first == UInt8(ascii: "0") {
            cursor += 1
        } else if first &- UInt8(ascii: "1") < 9 {
            cursor = skippingDigits(from: cursor + 1, limit: limit)
        } else {
            return nil
        }
        if cursor.pointee == UInt8(ascii: ".") {
            let digits = cursor + 1
            cursor = skippingDigits(from: digits, limit: limit)
            guard cursor > digits else { return nil }
        }
        if cursor.pointee | 0x20 == UInt8(ascii: "e") {
            cursor += 1
            if cursor.pointee == UInt8(ascii: "+") || cursor.pointee == UInt8(ascii: "-") { cursor += 1 }
            let digits = cursor
            cursor = skippingDigits(from: digits, limit: limit)
            guard cursor > digits else { return nil }
        }
        return cursor
    }

    /// The first byte from `cursor` on that is not an ASCII digit (one exists before `limit`, the buffer's end).
    /// Eight bytes at a time while eight remain: with `x` = byte XOR `0x30`, a digit is `x` ≤ 9, and
    /// `(x + 0x76) | x` has its high bit set exactly for the other bytes. A carry out of a byte ≥ `0x8A` can only
    /// mark bytes after it, and that byte is itself a non-digit, so the lowest marked byte is the first non-digit.
    @inline(__always)
    private static func skippingDigits(from cursor: UnsafePointer<UInt8>, limit: UnsafePointer<UInt8>) -> UnsafePointer<UInt8> {
        var cursor = cursor
        while limit - cursor >= 8 {
            let x = UnsafeRawPointer(cursor).loadUnaligned(as: UInt64.self).littleEndian ^ 0x3030_3030_3030_3030
            let nonDigits = ((x &+ 0x7676_7676_7676_7676) | x) & 0x8080_8080_8080_8080
            if nonDigits != 0 { return cursor + nonDigits.trailingZeroBitCount / 8 }
            cursor += 8
        }
        while cursor.pointee &- UInt8(ascii: "0") < 10 { cursor += 1 }
        return cursor
    }

    /// The first byte from `cursor` on that is not JSON whitespace (one exists). A byte above the space, the usual
    /// case, is decided by one comparison; the rest by a bit mask of the four whitespace bytes.
    @inline(__always)
    private static func skippingWhitespace(from cursor: UnsafePointer<UInt8>) -> UnsafePointer<UInt8> {
        let whitespace: UInt64 = 1 << 0x20 | 1 << 0x0A | 1 << 0x0D | 1 << 0x09
        var cursor = cursor
        while true {
            let byte = cursor.pointee
            guard byte <= 0x20, whitespace & (1 << UInt64(byte)) != 0 else { return cursor }
            cursor += 1
        }
    }
}
