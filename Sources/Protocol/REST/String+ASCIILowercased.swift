extension String {
    /// The string with ASCII `A`–`Z` turned into `a`–`z` and every other byte kept: how HTTP compares header field
    /// names (RFC 9110 §5.1). It returns `self` unchanged, without allocating, when there is nothing to lower, which
    /// is the common case for names on the wire; unlike `lowercased()` it never consults Unicode case tables.
    package var asciiLowercased: String {
        var copy = self
        let lowered = copy.withUTF8 { bytes -> String? in
            guard let base = bytes.baseAddress, Self.containsUppercase(base, count: bytes.count) else { return nil }
            return Self.lowering(UnsafeRawBufferPointer(bytes))
        }
        return lowered ?? self
    }

    /// Decodes `bytes` as UTF-8 (invalid sequences repaired as `String(decoding:as:)` does) with ASCII `A`–`Z`
    /// lowered to `a`–`z` in the same pass: a header field name as received, ready to compare.
    /// - Parameter bytes: The name's bytes.
    package init(asciiLowercasing bytes: UnsafeRawBufferPointer) {
        guard let base = bytes.baseAddress?.assumingMemoryBound(to: UInt8.self), Self.containsUppercase(base, count: bytes.count)
        else {
            self = String(decoding: bytes, as: UTF8.self)
            return
        }
        self = Self.lowering(bytes)
    }

    /// Whether any of the `count` bytes at `base` is an ASCII capital letter.
    @inline(__always)
    private static func containsUppercase(_ base: UnsafePointer<UInt8>, count: Int) -> Bool {
        var index = 0
        while index < count {
            if base[index] &- UInt8(ascii: "A") < 26 { return true }
            index &+= 1
        }
        return false
    }

    /// `bytes` with ASCII capitals lowered. Lowering only touches ASCII bytes, so the text is valid UTF-8 exactly when
    /// the input was; when it was not, `String(unsafeUninitializedCapacity:initializingUTF8With:)` repairs it as
    /// `String(decoding:as:)` does.
    private static func lowering(_ bytes: UnsafeRawBufferPointer) -> String {
        String(unsafeUninitializedCapacity: bytes.count) { buffer in
            guard let source = bytes.baseAddress?.assumingMemoryBound(to: UInt8.self), let target = buffer.baseAddress else { return 0 }
            var index = 0
            while index < bytes.count {
                let byte = source[index]
                target[index] = byte &- UInt8(ascii: "A") < 26 ? byte | 0x20 : byte
                index &+= 1
            }
            return bytes.count
        }
    }
}
