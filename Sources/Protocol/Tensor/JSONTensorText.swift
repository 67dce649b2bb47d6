import Synchronization

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
    mutating func scanNumberArrayText(datatype: Datatype) -> JSONTensorText? {
        let start = skippingWhitespace(from: position)
        guard start < end, base[start] == UInt8(ascii: "[") else { return nil }
        var index = start + 1
        var count = 0
        while true {
            index = skippingWhitespace(from: index)
            guard let after = scanNumberGrammar(at: index) else { return nil }
            count += 1
            index = skippingWhitespace(from: after)
            guard index < end else { return nil }
            let byte = base[index]
            index += 1
            if byte == UInt8(ascii: ",") { continue }
            guard byte == UInt8(ascii: "]") else { return nil }
            break
        }
        position = index
        return JSONTensorText(
            text: UnsafeRawBufferPointer(start: base + start, count: index - start), count: count, datatype: datatype, sharingWith: owner)
    }

    /// The index after a JSON number (`-? (0 | [1-9][0-9]*) (. [0-9]+)? ([eE] [+-]? [0-9]+)?`) at `index`, or `nil`.
    @inline(__always)
    private func scanNumberGrammar(at index: Int) -> Int? {
        var index = index
        if index < end, base[index] == UInt8(ascii: "-") { index += 1 }
        guard index < end else { return nil }
        let first = base[index]
        if first == UInt8(ascii: "0") {
            index += 1
        } else if first &- UInt8(ascii: "1") < 9 {
            index = skippingDigits(from: index + 1)
        } else {
            return nil
        }
        if index < end, base[index] == UInt8(ascii: ".") {
            let digits = index + 1
            index = skippingDigits(from: digits)
            guard index > digits else { return nil }
        }
        if index < end, base[index] | 0x20 == UInt8(ascii: "e") {
            index += 1
            if index < end, base[index] == UInt8(ascii: "+") || base[index] == UInt8(ascii: "-") { index += 1 }
            let digits = index
            index = skippingDigits(from: digits)
            guard index > digits else { return nil }
        }
        return index
    }

    @inline(__always)
    private func skippingDigits(from index: Int) -> Int {
        var index = index
        while index < end, base[index] &- UInt8(ascii: "0") < 10 { index += 1 }
        return index
    }
}
