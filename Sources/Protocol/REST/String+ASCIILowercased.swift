extension String {
    /// The string with ASCII `A`–`Z` turned into `a`–`z` and every other byte kept: how HTTP compares header field
    /// names (RFC 9110 §5.1). It returns `self` unchanged, without allocating, when there is nothing to lower, which
    /// is the common case for names on the wire; unlike `lowercased()` it never consults Unicode case tables.
    package var asciiLowercased: String {
        guard utf8.contains(where: { $0 &- UInt8(ascii: "A") < 26 }) else { return self }
        var copy = self
        return copy.withUTF8 { String(asciiLowercasing: UnsafeRawBufferPointer($0)) }
    }

    /// Decodes `bytes` as UTF-8 (invalid sequences repaired as `String(decoding:as:)` does) with ASCII `A`–`Z`
    /// lowered to `a`–`z` in the same pass: a header field name as received, ready to compare.
    /// - Parameter bytes: The name's bytes.
    package init(asciiLowercasing bytes: UnsafeRawBufferPointer) {
        guard bytes.contains(where: { $0 &- UInt8(ascii: "A") < 26 }) else {
            self = String(decoding: bytes, as: UTF8.self)
            return
        }
        // Lowering only touches ASCII bytes, so the text is valid UTF-8 exactly when the input was; when it was not,
        // `String(unsafeUninitializedCapacity:initializingUTF8With:)` repairs it as `String(decoding:as:)` does.
        self = String(unsafeUninitializedCapacity: bytes.count) { buffer in
            for (index, byte) in bytes.enumerated() { buffer[index] = byte &- UInt8(ascii: "A") < 26 ? byte | 0x20 : byte }
            return bytes.count
        }
    }
}
