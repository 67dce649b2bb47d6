/// Eight bytes at a time in a 64-bit word (SIMD within a register): ASCII digits and the bytes that end a plain
/// string. The first byte of the text is in the low bits (a little-endian load).
enum SWAR {
    /// The word at `pointer`, first byte in the low bits. The caller guarantees eight readable bytes.
    @inline(__always)
    static func load(_ pointer: UnsafePointer<UInt8>) -> UInt64 {
        UInt64(littleEndian: UnsafeRawPointer(pointer).loadUnaligned(as: UInt64.self))
    }

    /// The number of leading bytes of `word` (0...8) that are ASCII digits.
    @inline(__always)
    static func digitCount(_ word: UInt64) -> Int {
        // XOR '0' maps the digits to 0...9 and every other byte to 10...255; a byte is >= 10 exactly when it has
        // its top bit set or adding 0x76 sets it. Carries of the addition run only towards later bytes, so the
        // first non-digit byte is found correctly whatever follows it.
        let values = word ^ 0x3030_3030_3030_3030
        let nonDigits = (values &+ 0x7676_7676_7676_7676 | values) & 0x8080_8080_8080_8080
        return nonDigits.trailingZeroBitCount >> 3
    }

    /// The top bit of the first byte of `word` that is `"`, `\\` or a control character (below 0x20) is set, and
    /// no bit of an earlier byte; zero when there is no such byte. (Later bytes may be flagged spuriously: the
    /// subtractions borrow only towards them.)
    @inline(__always)
    static func stringDelimiterMask(_ word: UInt64) -> UInt64 {
        let ones: UInt64 = 0x0101_0101_0101_0101
        let quotes = word ^ (ones &* 0x22)
        let backslashes = word ^ (ones &* 0x5C)
        let isQuote = (quotes &- ones) & ~quotes
        let isBackslash = (backslashes &- ones) & ~backslashes
        let isControl = (word &- ones &* 0x20) & ~word
        return (isQuote | isBackslash | isControl) & 0x8080_8080_8080_8080
    }

    /// The value of the first `count` (0...8) bytes of `word`, which must be ASCII digits (0 when `count` is 0).
    @inline(__always)
    static func value(_ word: UInt64, count: Int) -> UInt64 {
        // Shift the digits to the top bytes, so that the bytes before them are zeros (leading zero digits); in
        // two halves, so that a count of 0 shifts everything out (a shift by 64 would be a shift by 0).
        let half = UInt64(truncatingIfNeeded: 32 &- 4 &* count)
        let digits = ((word ^ 0x3030_3030_3030_3030) &<< half) &<< half
        return eightDigitValue(digits)
    }

    /// The value of eight digit values (0...9, one per byte, the most significant first): three multiplications
    /// combine them pairwise (fast_float's `parse_eight_digits_unrolled`).
    @inline(__always)
    static func eightDigitValue(_ digits: UInt64) -> UInt64 {
        let pairs = digits &* 10 &+ (digits >> 8)  // each even byte: 10 × byte + next byte
        let mask: UInt64 = 0x0000_00FF_0000_00FF
        let multiplier1: UInt64 = 100 + (1_000_000 << 32)
        let multiplier2: UInt64 = 1 + (10_000 << 32)
        return ((pairs & mask) &* multiplier1 &+ ((pairs >> 16) & mask) &* multiplier2) >> 32
    }

    /// `10^0 ... 10^19`, the powers of ten below 2^64. A literal, so it is statically initialised.
    static let powersOfTen: [UInt64] = [
        1, 10, 100, 1000, 10000, 100_000, 1_000_000, 10_000_000, 100_000_000, 1_000_000_000, 10_000_000_000,
        100_000_000_000, 1_000_000_000_000, 10_000_000_000_000, 100_000_000_000_000, 1_000_000_000_000_000,
        10_000_000_000_000_000, 100_000_000_000_000_000, 1_000_000_000_000_000_000, 10_000_000_000_000_000_000,
    ]
}
