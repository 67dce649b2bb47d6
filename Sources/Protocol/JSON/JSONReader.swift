/// A forward-only JSON scanner over bytes, used by every decoder in this module.
///
/// It validates as it goes (RFC 8259 grammar, UTF-8 in strings) and reports errors as
/// ``InferenceError/Code/invalidRequestBody`` with the byte offset; callers re-code them where KServe answers
/// differently (v1 and the binary framing answer 400 `Unrecognized request format: ...`).
/// Python's `NaN`, `Infinity` and `-Infinity` literals are accepted as numbers, as Python's `json` emits them.
struct JSONReader {
    let base: UnsafePointer<UInt8>
    let end: Int
    var position: Int
    /// Keeps the bytes alive when tensors kept as text may share them instead of copying; `nil`: copy.
    var owner: (any AnyObject & Sendable)?
    /// Nesting limit for arrays and objects, so that hostile input cannot exhaust the stack.
    static let maximumDepth = 512

    /// Reads `bytes`, which must stay alive as long as the reader is used.
    init(_ bytes: UnsafeRawBufferPointer) {
        // A zero-length buffer may have no base address; point at a static byte instead.
        base = bytes.baseAddress.map { $0.assumingMemoryBound(to: UInt8.self) } ?? JSONReader.emptyBase
        end = bytes.count
        position = 0
    }

    /// Immutable one-byte allocation that never changes: safe to share.
    nonisolated(unsafe) private static let emptyBase: UnsafePointer<UInt8> = {
        let pointer = UnsafeMutablePointer<UInt8>.allocate(capacity: 1)
        pointer.initialize(to: 0)
        return UnsafePointer(pointer)
    }()

    // MARK: Errors

    func error(_ message: String) -> InferenceError {
        .invalidRequestBody("\(message) at byte \(position)")
    }

    func unexpected(_ expectation: String) -> InferenceError {
        guard position < end else { return error("unexpected end of JSON, expected \(expectation)") }
        let byte = base[position]
        let shown = byte >= 0x20 && byte < 0x7F ? "'\(Character(Unicode.Scalar(byte)))'" : "byte 0x\(String(byte, radix: 16))"
        return error("unexpected \(shown), expected \(expectation)")
    }

    // MARK: Structure

    @inline(__always)
    mutating func skipWhitespace() {
        while position < end {
            let byte = base[position]
            guard byte == 0x20 || byte == 0x0A || byte == 0x0D || byte == 0x09 else { return }
            position += 1
        }
    }

    /// The next non-whitespace byte without consuming it, or `nil` at the end.
    @inline(__always)
    mutating func peek() -> UInt8? {
        skipWhitespace()
        return position < end ? base[position] : nil
    }

    /// Consumes `byte` (after whitespace) or throws.
    @inline(__always)
    mutating func expect(_ byte: UInt8, _ description: String) throws(InferenceError) {
        skipWhitespace()
        guard position < end, base[position] == byte else { throw unexpected(description) }
        position += 1
    }

    /// Consumes `byte` if it comes next.
    @inline(__always)
    mutating func consumeIf(_ byte: UInt8) -> Bool {
        skipWhitespace()
        guard position < end, base[position] == byte else { return false }
        position += 1
        return true
    }

    /// Throws unless only whitespace is left.
    mutating func expectEnd() throws(InferenceError) {
        skipWhitespace()
        guard position == end else { throw error("unexpected data after the JSON value") }
    }

    /// Reads an object, calling `member` with each key; `member` must consume the value.
    mutating func readObject(_ member: (inout JSONReader, String) throws(InferenceError) -> Void) throws(InferenceError) {
        try expect(UInt8(ascii: "{"), "'{'")
        if consumeIf(UInt8(ascii: "}")) { return }
        repeat {
            let key = try readString()
            try expect(UInt8(ascii: ":"), "':'")
            try member(&self, key)
        } while try nextElement(closing: UInt8(ascii: "}"))
    }

    /// Reads an array, calling `element` for each element; `element` must consume it.
    mutating func readArray(_ element: (inout JSONReader) throws(InferenceError) -> Void) throws(InferenceError) {
        try expect(UInt8(ascii: "["), "'['")
        if consumeIf(UInt8(ascii: "]")) { return }
        repeat {
            try element(&self)
        } while try nextElement(closing: UInt8(ascii: "]"))
    }

    /// After an element: `true` on `,` (another follows), `false` on the closing bracket.
    @inline(__always)
    private mutating func nextElement(closing: UInt8) throws(InferenceError) -> Bool {
        skipWhitespace()
        guard position < end else { throw unexpected("',' or '\(Character(Unicode.Scalar(closing)))'") }
        let byte = base[position]
        position += 1
        if byte == UInt8(ascii: ",") { return true }
        if byte == closing { return false }
        position -= 1
        throw unexpected("',' or '\(Character(Unicode.Scalar(closing)))'")
    }

    /// Whether the next value is `null`; consumes it if so.
    mutating func consumeNull() throws(InferenceError) -> Bool {
        guard peek() == UInt8(ascii: "n") else { return false }
        try expectLiteral("null")
        return true
    }

    private mutating func expectLiteral(_ literal: StaticString) throws(InferenceError) {
        let length = literal.utf8CodeUnitCount
        guard end - position >= length, memcmpEqual(base + position, literal.utf8Start, length) else {
            throw unexpected("'\(literal)'")
        }
        position += length
    }

    private func memcmpEqual(_ lhs: UnsafePointer<UInt8>, _ rhs: UnsafePointer<UInt8>, _ count: Int) -> Bool {
        for index in 0..<count where lhs[index] != rhs[index] { return false }
        return true
    }

    // MARK: Scalars

    /// Reads `true` or `false`.
    mutating func readBool() throws(InferenceError) -> Bool {
        switch peek() {
        case UInt8(ascii: "t"): try expectLiteral("true"); return true
        case UInt8(ascii: "f"): try expectLiteral("false"); return false
        default: throw unexpected("true or false")
        }
    }

    /// Reads a string as Swift text.
    mutating func readString() throws(InferenceError) -> String {
        skipWhitespace()
        let start = position
        if let length = try scanPlainString() {
            let bytes = UnsafeBufferPointer(start: base + start + 1, count: length)
            if let known = JSONKnownStrings.string(matching: bytes) { return known }
            // ASCII is valid UTF-8: the non-validating initializer is much cheaper on short keys and names.
            if JSONReader.isASCII(bytes) { return String(decoding: bytes, as: UTF8.self) }
            guard let string = String(validating: bytes, as: UTF8.self) else {
                position = start
                throw error("invalid UTF-8 in a string")
            }
            return string
        }
        position = start
        let bytes = try readStringBytes()
        return String(decoding: bytes, as: UTF8.self)  // readStringBytes validated the UTF-8
    }

    /// Reads a string as its UTF-8 bytes (escapes resolved, UTF-8 validated).
    mutating func readStringBytes() throws(InferenceError) -> [UInt8] {
        skipWhitespace()
        let start = position
        if let length = try scanPlainString() {
            let bytes = UnsafeBufferPointer(start: base + start + 1, count: length)
            guard JSONReader.isASCII(bytes) || String(validating: bytes, as: UTF8.self) != nil else {
                position = start
                throw error("invalid UTF-8 in a string")
            }
            return Array(bytes)
        }
        position = start
        return try readEscapedString()
    }

    /// Whether every byte is below 0x80, eight bytes at a time.
    @inline(__always)
    private static func isASCII(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        guard let start = bytes.baseAddress else { return true }
        var index = 0
        var bits: UInt64 = 0
        while bytes.count - index >= 8 {
            bits |= SWAR.load(start + index)
            index += 8
        }
        while index < bytes.count {
            bits |= UInt64(start[index])
            index += 1
        }
        return bits & 0x8080_8080_8080_8080 == 0
    }

    /// Fast path: if the string at `position` has no escapes, consumes it and returns its byte length;
    /// returns `nil` (position unspecified) when it has escapes.
    @inline(__always)
    private mutating func scanPlainString() throws(InferenceError) -> Int? {
        guard position < end, base[position] == UInt8(ascii: "\"") else { throw unexpected("a string") }
        let contentStart = position + 1
        var index = contentStart
        while end - index >= 8 {
            let delimiters = SWAR.stringDelimiterMask(SWAR.load(base + index))
            if delimiters != 0 {
                index += delimiters.trailingZeroBitCount >> 3
                break
            }
            index += 8
        }
        while index < end {
            let byte = base[index]
            if byte == UInt8(ascii: "\"") {
                position = index + 1
                return index - contentStart
            }
            if byte == UInt8(ascii: "\\") { return nil }
            if byte < 0x20 {
                position = index
                throw error("control character in a string")
            }
            index += 1
        }
        position = end
        throw error("unterminated string")
    }

    private mutating func readEscapedString() throws(InferenceError) -> [UInt8] {
        position += 1  // opening quote
        var output: [UInt8] = []
        while position < end {
            let byte = base[position]
            switch byte {
            case UInt8(ascii: "\""):
                position += 1
                guard String(validating: output, as: UTF8.self) != nil else { throw error("invalid UTF-8 in a string") }
                return output
            case UInt8(ascii: "\\"):
                position += 1
                guard position < end else { throw error("unterminated escape") }
                let escape = base[position]
                position += 1
                switch escape {
                case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): output.append(escape)
                case UInt8(ascii: "b"): output.append(0x08)
                case UInt8(ascii: "f"): output.append(0x0C)
                case UInt8(ascii: "n"): output.append(0x0A)
                case UInt8(ascii: "r"): output.append(0x0D)
                case UInt8(ascii: "t"): output.append(0x09)
                case UInt8(ascii: "u"): try appendUnicodeEscape(to: &output)
                default:
                    position -= 1
                    throw error("invalid escape '\\\(Character(Unicode.Scalar(escape)))'")
                }
            case 0..<0x20:
                throw error("control character in a string")
            default:
                output.append(byte)
                position += 1
            }
        }
        throw error("unterminated string")
    }

    private mutating func readHex4() throws(InferenceError) -> UInt32 {
        guard end - position >= 4 else { throw error("truncated \\u escape") }
        var value: UInt32 = 0
        for _ in 0..<4 {
            let byte = base[position]
            let digit: UInt32
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = UInt32(byte - UInt8(ascii: "0"))
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = UInt32(byte - UInt8(ascii: "a") + 10)
            case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = UInt32(byte - UInt8(ascii: "A") + 10)
            default: throw error("invalid \\u escape")
            }
            value = value << 4 | digit
            position += 1
        }
        return value
    }

    private mutating func appendUnicodeEscape(to output: inout [UInt8]) throws(InferenceError) {
        var scalar = try readHex4()
        if (0xD800..<0xDC00).contains(scalar) {
            guard end - position >= 2, base[position] == UInt8(ascii: "\\"), base[position + 1] == UInt8(ascii: "u") else {
                throw error("unpaired surrogate in \\u escape")
            }
            position += 2
            let low = try readHex4()
            guard (0xDC00..<0xE000).contains(low) else { throw error("unpaired surrogate in \\u escape") }
            scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
        } else if (0xDC00..<0xE000).contains(scalar) {
            throw error("unpaired surrogate in \\u escape")
        }
        guard let unicode = Unicode.Scalar(scalar) else { throw error("invalid \\u escape") }
        output.append(contentsOf: UTF8.encode(unicode)!)
    }

    // MARK: Numbers

    /// A number as scanned: its digits as an integer mantissa and a decimal exponent, plus its text.
    struct Number {
        enum Special { case none, nan, infinity }
        var negative = false
        /// The significant digits as an integer, valid unless `mantissaOverflow`; when it overflows, the leading
        /// digits that fit, with `exponent` counting the dropped ones (so the value lies in
        /// `[mantissa, mantissa + 1) × 10^exponent`).
        var mantissa: UInt64 = 0
        var mantissaOverflow = false
        /// Value = mantissa × 10^exponent.
        var exponent = 0
        /// No fraction and no exponent in the text.
        var isIntegerLiteral = true
        var special = Special.none
        /// Byte range of the text, for the slow path and for messages.
        var start = 0
        var end = 0
    }

    /// Digits that can be accumulated into a `UInt64` without an overflow check (`10^19 - 1 < 2^64`).
    private static let uncheckedDigits = 19

    /// Scans a number token (JSON grammar, plus `NaN`, `Infinity`, `-Infinity`).
    ///
    /// Digits are read eight at a time (``SWAR``) wherever eight bytes remain, and the common shape of a
    /// float — a short integer part and up to 16 fraction digits — without a branch on the digit count or the
    /// sign, which vary randomly from one element of a tensor to the next.
    @inline(__always)
    mutating func readNumber() throws(InferenceError) -> Number {
        skipWhitespace()
        var number = Number()
        number.start = position
        guard position < end else { throw unexpected("a number") }
        let negative = base[position] == UInt8(ascii: "-")
        number.negative = negative
        position &+= negative ? 1 : 0
        guard position < end else { throw unexpected("a number") }
        let first = base[position]
        guard first &- UInt8(ascii: "0") <= 9 else { return try readSpecialNumber(number) }
        var budget = JSONReader.uncheckedDigits
        // Integer part: 0 | [1-9][0-9]*
        if end - position >= 8 {
            let word = SWAR.load(base + position)
            let count = first == UInt8(ascii: "0") ? 1 : SWAR.digitCount(word)  // a leading 0 stands alone
            number.mantissa = SWAR.value(word, count: count)
            position &+= count
            budget &-= count
            if count == 8 { readDigits(into: &number, budget: &budget, isFraction: false) }
        } else if first == UInt8(ascii: "0") {
            position += 1
        } else {
            readDigits(into: &number, budget: &budget, isFraction: false)
        }
        if position < end, base[position] == UInt8(ascii: ".") {
            number.isIntegerLiteral = false
            position += 1
            if end - position >= 16, budget >= 16 {
                // Up to 16 digits from two words; the second counts only if the first is all digits (a mask).
                let word1 = SWAR.load(base + position)
                let word2 = SWAR.load(base + position + 8)
                let count1 = SWAR.digitCount(word1)
                guard count1 > 0 else { throw unexpected("a digit after '.'") }
                let count2 = SWAR.digitCount(word2) & (0 &- (count1 >> 3))
                let count = count1 &+ count2
                number.mantissa =
                    number.mantissa &* SWAR.powersOfTen[count]
                    &+ SWAR.value(word1, count: count1) &* SWAR.powersOfTen[count2] &+ SWAR.value(word2, count: count2)
                position &+= count
                budget &-= count
                number.exponent &-= count
                if count == 16 { readDigits(into: &number, budget: &budget, isFraction: true) }
            } else {
                let digitsStart = position
                readDigits(into: &number, budget: &budget, isFraction: true)
                guard position > digitsStart else { throw unexpected("a digit after '.'") }
            }
        }
        if position < end, base[position] | 0x20 == UInt8(ascii: "e") {
            number.isIntegerLiteral = false
            position += 1
            var exponentNegative = false
            if position < end, base[position] == UInt8(ascii: "+") || base[position] == UInt8(ascii: "-") {
                exponentNegative = base[position] == UInt8(ascii: "-")
                position += 1
            }
            let digitsStart = position
            var exponent = 0
            while position < end {
                let digit = base[position] &- UInt8(ascii: "0")
                guard digit <= 9 else { break }
                if exponent < 100_000 { exponent = exponent * 10 + Int(digit) }
                position += 1
            }
            guard position > digitsStart else { throw unexpected("a digit in the exponent") }
            number.exponent += exponentNegative ? -exponent : exponent
        }
        number.end = position
        return number
    }

    /// Bytes that must follow the start of a number for ``scanShortDecimal(at:)``: it reads at most 26.
    static let shortDecimalReach = 32

    /// The fast path of ``readNumber()`` and ``doubleValue(of:)`` for the usual element of a float tensor:
    /// `-?(0|[1-9][0-9]{0,6})(\.[0-9]{1,16})?` with at most 19 digits, not followed by a digit, `e` or `E`.
    /// Returns the value that those two would return and moves `index` past the number, or returns `nil`
    /// without moving it for anything else (`NaN`, `null`, exponents, long numbers, errors) — the general path
    /// then reads it. No branch depends on the sign or on the count of fraction digits.
    /// - Parameter index: Where the number starts; at least ``shortDecimalReach`` bytes must follow it.
    @inline(__always)
    func scanShortDecimal(at index: inout Int) -> Double? {
        var isInteger = false
        return scanShortDecimal(at: &index, isInteger: &isInteger)
    }

    /// ``scanShortDecimal(at:)`` that also tells whether the number had no fraction (an integer below 10^7).
    @inline(__always)
    func scanShortDecimal(at index: inout Int, isInteger: inout Bool) -> Double? {
        var cursor = index
        let negative = base[cursor] == UInt8(ascii: "-")
        cursor &+= negative ? 1 : 0
        let sign: UInt64 = negative ? 1 << 63 : 0
        var mantissa: UInt64
        var digits = 1
        let first = base[cursor] &- UInt8(ascii: "0")
        if first <= 9, base[cursor &+ 1] == UInt8(ascii: ".") {
            // One integer digit, the shape of most floats: no word to parse.
            mantissa = UInt64(first)
            cursor &+= 1
        } else {
            let word = SWAR.load(base + cursor)
            digits = first == 0 ? 1 : SWAR.digitCount(word)  // a leading 0 stands alone
            guard digits > 0, digits < 8 else { return nil }
            mantissa = SWAR.value(word, count: digits)
            cursor &+= digits
            if base[cursor] != UInt8(ascii: ".") {
                // An integer below 10^7: exact as a Double.
                let next = base[cursor]
                guard next &- UInt8(ascii: "0") > 9, next | 0x20 != UInt8(ascii: "e") else { return nil }
                index = cursor
                isInteger = true
                return Double(bitPattern: Double(mantissa).bitPattern | sign)
            }
        }
        // The fraction, from two words: the second counts only if the first is all digits (a mask, no branch).
        let word1 = SWAR.load(base + (cursor &+ 1))
        let word2 = SWAR.load(base + (cursor &+ 9))
        let count1 = SWAR.digitCount(word1)
        let count2 = SWAR.digitCount(word2) & (0 &- (count1 >> 3))
        let fractionDigits = count1 &+ count2
        guard count1 > 0, digits &+ fractionDigits <= JSONReader.uncheckedDigits else { return nil }
        mantissa =
            mantissa &* SWAR.powersOfTen[fractionDigits]
            &+ SWAR.value(word1, count: count1) &* SWAR.powersOfTen[count2] &+ SWAR.value(word2, count: count2)
        cursor &+= 1 &+ fractionDigits
        let next = base[cursor]
        guard next &- UInt8(ascii: "0") > 9, next | 0x20 != UInt8(ascii: "e") else { return nil }
        let magnitude: Double
        if mantissa <= 1 << 53 {
            // Clinger: both operands exact, one correctly rounded division (10^16 is exact too).
            magnitude = Double(mantissa) / FastFloat.exactPowersOfTen[fractionDigits]
        } else {
            guard let value = FastFloat.eiselLemire(mantissa, -fractionDigits) else { return nil }
            magnitude = value
        }
        index = cursor
        return Double(bitPattern: magnitude.bitPattern | sign)
    }

    /// Reads a run of digits at `position` into `number`: while `budget` (digits that can still be added without
    /// overflow) lasts, eight at a time where eight bytes remain, then one at a time; past the budget with
    /// overflow tracking (``accumulate(_:digit:)``). Fraction digits lower the decimal exponent.
    private mutating func readDigits(into number: inout Number, budget: inout Int, isFraction: Bool) {
        let runStart = position
        while budget >= 8, end - position >= 8 {
            let word = SWAR.load(base + position)
            let count = SWAR.digitCount(word)
            guard count > 0 else { break }
            number.mantissa = number.mantissa &* SWAR.powersOfTen[count] &+ SWAR.value(word, count: count)
            position &+= count
            budget &-= count
            guard count == 8 else { break }
        }
        while position < end {
            let digit = base[position] &- UInt8(ascii: "0")
            guard digit <= 9 else { break }
            if budget > 0 {
                number.mantissa = number.mantissa &* 10 &+ UInt64(digit)
                budget -= 1
            } else {
                accumulate(&number, digit: digit)
            }
            position += 1
        }
        if isFraction { number.exponent -= position - runStart }
    }

    /// Adds one digit (0...9) to the mantissa, or, once it no longer fits, counts the digit in the exponent.
    private func accumulate(_ number: inout Number, digit: UInt8) {
        if number.mantissaOverflow {
            // Digits past UInt64's precision only move the decimal point (integer part) or are dropped (fraction).
            number.exponent += 1
            return
        }
        let (times10, overflow1) = number.mantissa.multipliedReportingOverflow(by: 10)
        let (sum, overflow2) = times10.addingReportingOverflow(UInt64(digit))
        if overflow1 || overflow2 {
            number.mantissaOverflow = true
            number.exponent += 1
        } else {
            number.mantissa = sum
        }
    }

    /// The rest of a number whose first byte after the sign is not a digit: `NaN`, `Infinity`, or an error.
    @inline(never)
    private mutating func readSpecialNumber(_ scanned: Number) throws(InferenceError) -> Number {
        var number = scanned
        let byte = base[position]
        guard byte == UInt8(ascii: "N") || byte == UInt8(ascii: "I") else { throw unexpected("a number") }
        if byte == UInt8(ascii: "N") && !number.negative {
            try expectLiteral("NaN")
            number.special = .nan
        } else {
            try expectLiteral("Infinity")
            number.special = .infinity
        }
        number.isIntegerLiteral = false
        number.end = position
        return number
    }

    /// The text of a scanned number, for messages and the slow path.
    func text(of number: Number) -> String {
        String(decoding: UnsafeBufferPointer(start: base + number.start, count: number.end - number.start), as: UTF8.self)
    }

    /// The correctly rounded `Double` of a scanned number (``FastFloat``: Clinger's fast path, then
    /// Eisel–Lemire), falling back to the standard library's parser in the rare cases these leave open.
    @inline(__always)
    func doubleValue(of number: Number) -> Double {
        switch number.special {
        case .nan: return .nan
        case .infinity: return number.negative ? -.infinity : .infinity
        case .none: break
        }
        let magnitude =
            number.mantissaOverflow
            ? FastFloat.double(truncatedSignificand: number.mantissa, exponent: number.exponent)
            : FastFloat.double(significand: number.mantissa, exponent: number.exponent)
        guard let magnitude else { return slowDoubleValue(of: number) }
        // Branch-free sign (the magnitude is never negative, so setting the sign bit negates it; -0 included).
        return Double(bitPattern: magnitude.bitPattern | (number.negative ? 1 << 63 : 0))
    }

    /// The standard library's parser on the number's text (which passed the JSON grammar, so it always parses).
    @inline(never)
    private func slowDoubleValue(of number: Number) -> Double {
        Double(text(of: number)) ?? .nan
    }

    // MARK: Generic values

    /// Skips any value.
    mutating func skipValue(depth: Int = 0) throws(InferenceError) {
        guard depth < JSONReader.maximumDepth else { throw error("JSON nested too deeply") }
        switch peek() {
        case UInt8(ascii: "{"): try readObject { (reader, _) throws(InferenceError) in try reader.skipValue(depth: depth + 1) }
        case UInt8(ascii: "["): try readArray { (reader) throws(InferenceError) in try reader.skipValue(depth: depth + 1) }
        case UInt8(ascii: "\""):
            let start = position
            if try scanPlainString() == nil {
                position = start
                _ = try readEscapedString()
            }
        case UInt8(ascii: "t"), UInt8(ascii: "f"): _ = try readBool()
        case UInt8(ascii: "n"): try expectLiteral("null")
        default: _ = try readNumber()
        }
    }

    /// Reads any value into a ``JSONValue``.
    mutating func readValue(depth: Int = 0) throws(InferenceError) -> JSONValue {
        var recorder: JSONSourceText.Recorder? = nil
        return try readValue(depth: depth, recording: &recorder).value
    }

    /// Reads any value into a ``JSONValue``, and with a `recorder`, records the text of each array of numbers of at
    /// least ``JSONSourceText/minimumLength`` bytes (``JSONSourceText``).
    /// - Returns: The value, and whether it is a finite number or a non-empty array of such values (an array that
    ///   may be recorded).
    mutating func readValue(
        depth: Int, recording recorder: inout JSONSourceText.Recorder?
    ) throws(InferenceError)
        -> (value: JSONValue, isNumeric: Bool)
    {
        guard depth < JSONReader.maximumDepth else { throw error("JSON nested too deeply") }
        switch peek() {
        case UInt8(ascii: "{"):
            var object = JSONObject()
            try readObject { (reader, key) throws(InferenceError) in
                object[key] = try reader.readValue(depth: depth + 1, recording: &recorder).value
            }
            return (.object(object), false)
        case UInt8(ascii: "["):
            let start = position
            var elements: [JSONValue] = []
            var numeric = true
            position += 1
            // Numbers read in the loop below are one level deeper, where the nesting limit applies too.
            let readsNumbersHere = depth + 1 < JSONReader.maximumDepth
            if !consumeIf(UInt8(ascii: "]")) {
                repeat {
                    skipWhitespace()
                    // The elements of a float tensor, read in this loop rather than one call each.
                    var index = position
                    var isInteger = false
                    if readsNumbersHere, end &- position >= JSONReader.shortDecimalReach,
                        let number = scanShortDecimal(at: &index, isInteger: &isInteger)
                    {
                        position = index
                        elements.append(isInteger ? .int(Int(number)) : .double(number))
                    } else {
                        let element = try readValue(depth: depth + 1, recording: &recorder)
                        elements.append(element.value)
                        numeric = numeric && element.isNumeric
                    }
                } while try nextElement(closing: UInt8(ascii: "]"))
            }
            numeric = numeric && !elements.isEmpty
            if numeric, position - start >= JSONSourceText.minimumLength {
                recorder?.record(elements, text: start..<position)
            }
            return (.array(elements), numeric)
        case UInt8(ascii: "\""): return (.string(try readString()), false)
        case UInt8(ascii: "t"), UInt8(ascii: "f"): return (.bool(try readBool()), false)
        case UInt8(ascii: "n"):
            try expectLiteral("null")
            return (.null, false)
        default:
            if end &- position >= JSONReader.shortDecimalReach {
                // The common element of a float tensor, without the general scanner.
                var index = position
                var isInteger = false
                if let value = scanShortDecimal(at: &index, isInteger: &isInteger) {
                    position = index
                    return (isInteger ? .int(Int(value)) : .double(value), true)
                }
            }
            let number = try readNumber()
            if number.isIntegerLiteral && !number.mantissaOverflow {
                if number.negative, number.mantissa <= UInt64(Int.max) + 1 {
                    return (.int(number.mantissa == UInt64(Int.max) + 1 ? Int.min : -Int(number.mantissa)), true)
                }
                if !number.negative, number.mantissa <= UInt64(Int.max) { return (.int(Int(number.mantissa)), true) }
            }
            let value = doubleValue(of: number)
            return (.double(value), value.isFinite)
        }
    }
}
