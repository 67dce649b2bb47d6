/// Writes JSON text into a byte array. Hand-written rather than `JSONEncoder` because tensor data dominates
/// the cost of a response (see ../shared/notes/measured-findings.md: 4× faster than Codable for 1M floats).
///
/// Numbers are printed as KServe prints them: the shortest text that reads back as the same `Double`, so an FP32
/// `6.8` widened to double prints `6.800000190734863`. The exponent form follows orjson (KServe's server
/// serializer) by default, or Python's `repr` in the ``Style/python`` style.
struct JSONWriter: TextOutputStream {
    /// How separators and non-ASCII text are written.
    struct Style: Sendable {
        /// `", "` and `": "` (Python's `json.dumps` default) instead of `","` and `":"`.
        var spacedSeparators = false
        /// Escape every non-ASCII character as `\uXXXX` (Python's `ensure_ascii=True`).
        var asciiOnly = false
        /// Print floats as Python's `repr` (`1e-05`) instead of orjson (`1e-5`, plain decimals from 1e-5 up).
        var reprFloats = false

        /// What KServe's server writes through orjson: compact, raw UTF-8, orjson floats.
        static let compact = Style()
        /// What Python's `json.dumps` writes with its defaults (the CloudEvents SDK).
        static let python = Style(spacedSeparators: true, asciiOnly: true, reprFloats: true)
    }

    private(set) var bytes: [UInt8]
    let style: Style
    /// Where arrays that were read from JSON and not changed since may be found as text, to copy instead of
    /// printing their numbers again (``JSONSourceText``).
    var sources: [JSONSourceText] = []

    init(reservingCapacity capacity: Int = 256, style: Style = .compact) {
        bytes = []
        bytes.reserveCapacity(capacity)
        self.style = style
    }

    // MARK: Raw text

    @inline(__always)
    mutating func append(_ byte: UInt8) { bytes.append(byte) }

    mutating func append(_ text: StaticString) {
        text.withUTF8Buffer { bytes.append(contentsOf: $0) }
    }

    mutating func append(bytesOf other: some Sequence<UInt8>) { bytes.append(contentsOf: other) }

    /// `,` or `, `.
    @inline(__always)
    mutating func comma() {
        bytes.append(UInt8(ascii: ","))
        if style.spacedSeparators { bytes.append(UInt8(ascii: " ")) }
    }

    /// `"key":` or `"key": `. The key is escaped.
    mutating func key(_ name: String) {
        writeString(name)
        bytes.append(UInt8(ascii: ":"))
        if style.spacedSeparators { bytes.append(UInt8(ascii: " ")) }
    }

    /// A key known to need no escaping, e.g. `model_name`.
    mutating func plainKey(_ name: StaticString) {
        bytes.append(UInt8(ascii: "\""))
        append(name)
        bytes.append(UInt8(ascii: "\""))
        bytes.append(UInt8(ascii: ":"))
        if style.spacedSeparators { bytes.append(UInt8(ascii: " ")) }
    }

    // MARK: TextOutputStream (lets Double.write(to:) print without creating a String)

    mutating func write(_ string: String) { bytes.append(contentsOf: string.utf8) }

    mutating func _writeASCII(_ buffer: UnsafeBufferPointer<UInt8>) { bytes.append(contentsOf: buffer) }

    // MARK: Values

    mutating func writeNull() { append("null") }

    mutating func writeBool(_ value: Bool) { value ? append("true") : append("false") }

    mutating func writeInt(_ value: Int64) {
        if value < 0 {
            bytes.append(UInt8(ascii: "-"))
            writeUInt(value.magnitude)
        } else {
            writeUInt(UInt64(value))
        }
    }

    mutating func writeUInt(_ value: UInt64) {
        if value < 10 {
            bytes.append(UInt8(ascii: "0") &+ UInt8(truncatingIfNeeded: value))
            return
        }
        var digits: (UInt64, UInt64, UInt64) = (0, 0, 0)  // 24 bytes of scratch; UInt64.max has 20 digits
        withUnsafeMutableBytes(of: &digits) { scratch in
            var index = scratch.count
            var rest = value
            while rest > 0 {
                index -= 1
                scratch[index] = UInt8(ascii: "0") &+ UInt8(truncatingIfNeeded: rest % 10)
                rest /= 10
            }
            bytes.append(contentsOf: UnsafeRawBufferPointer(rebasing: scratch[index...]))
        }
    }

    /// Shortest round-trip text; NaN and ±infinity, which JSON cannot carry, become `null`.
    @inline(__always)
    mutating func writeDouble(_ value: Double) {
        guard value.isFinite else { return writeNull() }
        let start = bytes.count
        value.write(to: &self)
        // The standard library prints the shortest digits, like Python's repr, but switches to an exponent below 1e-4
        // and from 2^53 up, where repr uses 1e16 and orjson uses 1e-5 and 1e16; orjson also never pads exponents.
        let magnitude = value.magnitude
        if magnitude < 1e-4 && magnitude != 0 || magnitude >= 0x1p53 { rewriteExponentForm(from: start) }
    }

    /// Rewrites the exponent form the standard library printed from `start` into Python's or orjson's form.
    private mutating func rewriteExponentForm(from start: Int) {
        guard let e = bytes[start...].firstIndex(of: UInt8(ascii: "e")) else { return }
        let negative = bytes[start] == UInt8(ascii: "-")
        let exponentNegative = bytes[e + 1] == UInt8(ascii: "-")
        var exponent = 0
        for digit in bytes[(e + 2)...] { exponent = exponent * 10 + Int(digit - UInt8(ascii: "0")) }
        if exponentNegative { exponent = -exponent }
        let lowestPlain = style.reprFloats ? -4 : -5
        guard exponent >= lowestPlain && exponent < 16 else {
            if !style.reprFloats && exponent > -10 && exponentNegative {
                bytes.remove(at: e + 2)  // orjson: 1e-7, not 1e-07
            }
            return
        }
        // Plain decimal: the significant digits with the point moved by the exponent.
        let digits = bytes[(negative ? start + 1 : start)..<e].filter { $0 != UInt8(ascii: ".") }
        bytes.removeSubrange(start...)
        if negative { bytes.append(UInt8(ascii: "-")) }
        let pointPosition = exponent + 1
        if pointPosition <= 0 {
            append("0.")
            bytes.append(contentsOf: repeatElement(UInt8(ascii: "0"), count: -pointPosition))
            bytes.append(contentsOf: digits)
        } else if pointPosition >= digits.count {
            bytes.append(contentsOf: digits)
            bytes.append(contentsOf: repeatElement(UInt8(ascii: "0"), count: pointPosition - digits.count))
            append(".0")
        } else {
            bytes.append(contentsOf: digits.prefix(pointPosition))
            bytes.append(UInt8(ascii: "."))
            bytes.append(contentsOf: digits.dropFirst(pointPosition))
        }
    }

    /// A JSON string from Swift text, escaped as Python's `json.dumps` escapes it.
    mutating func writeString(_ text: String) {
        var text = text
        text.withUTF8 { writeString(utf8: UnsafeRawBufferPointer($0)) }
    }

    /// A JSON string from bytes that must already be valid UTF-8.
    mutating func writeString(utf8: UnsafeRawBufferPointer) {
        bytes.append(UInt8(ascii: "\""))
        var runStart = 0
        var index = 0
        while index < utf8.count {
            let byte = utf8[index]
            if byte >= 0x20 && byte != UInt8(ascii: "\"") && byte != UInt8(ascii: "\\") && (byte < 0x80 || !style.asciiOnly) {
                index += 1
                continue
            }
            bytes.append(contentsOf: UnsafeRawBufferPointer(rebasing: utf8[runStart..<index]))
            if byte >= 0x80 {
                index = writeEscapedScalar(utf8, at: index)
            } else {
                writeEscapedASCII(byte)
                index += 1
            }
            runStart = index
        }
        bytes.append(contentsOf: UnsafeRawBufferPointer(rebasing: utf8[runStart..<utf8.count]))
        bytes.append(UInt8(ascii: "\""))
    }

    private mutating func writeEscapedASCII(_ byte: UInt8) {
        guard [UInt8(ascii: "\""), UInt8(ascii: "\\"), 0x0A, 0x0D, 0x09, 0x08, 0x0C].contains(byte) else {
            return writeUnicodeEscape(UInt16(byte))
        }
        bytes.append(UInt8(ascii: "\\"))
        switch byte {
        case UInt8(ascii: "\""): bytes.append(UInt8(ascii: "\""))
        case UInt8(ascii: "\\"): bytes.append(UInt8(ascii: "\\"))
        case 0x0A: bytes.append(UInt8(ascii: "n"))
        case 0x0D: bytes.append(UInt8(ascii: "r"))
        case 0x09: bytes.append(UInt8(ascii: "t"))
        case 0x08: bytes.append(UInt8(ascii: "b"))
        case 0x0C: bytes.append(UInt8(ascii: "f"))
        default: break
        }
    }

    /// Escapes the UTF-8 scalar at `index` as `\uXXXX` (a surrogate pair above U+FFFF); returns the next index.
    private mutating func writeEscapedScalar(_ utf8: UnsafeRawBufferPointer, at index: Int) -> Int {
        let lead = utf8[index]
        let length = lead >= 0xF0 ? 4 : lead >= 0xE0 ? 3 : 2
        var scalar = UInt32(lead) & (length == 4 ? 0x07 : length == 3 ? 0x0F : 0x1F)
        for offset in 1..<length where index + offset < utf8.count {
            scalar = (scalar << 6) | (UInt32(utf8[index + offset]) & 0x3F)
        }
        if scalar > 0xFFFF {
            let value = scalar - 0x10000
            writeUnicodeEscape(UInt16(0xD800 + (value >> 10)))
            writeUnicodeEscape(UInt16(0xDC00 + (value & 0x3FF)))
        } else {
            writeUnicodeEscape(UInt16(scalar))
        }
        return index + length
    }

    private mutating func writeUnicodeEscape(_ unit: UInt16) {
        let hex: StaticString = "0123456789abcdef"
        bytes.append(UInt8(ascii: "\\"))
        bytes.append(UInt8(ascii: "u"))
        hex.withUTF8Buffer { digits in
            for shift in stride(from: 12, through: 0, by: -4) { bytes.append(digits[Int((unit >> UInt16(shift)) & 0xF)]) }
        }
    }

    /// Any ``JSONValue``.
    mutating func write(_ value: JSONValue) {
        switch value {
        case .null: writeNull()
        case .bool(let flag): writeBool(flag)
        case .int(let number): writeInt(Int64(number))
        case .double(let number): writeDouble(number)
        case .string(let text): writeString(text)
        case .array(let elements):
            for source in sources {
                if let text = source.text(of: elements) { return bytes.append(contentsOf: text) }
            }
            append(UInt8(ascii: "["))
            for (index, element) in elements.enumerated() {
                if index > 0 { comma() }
                write(element)
            }
            append(UInt8(ascii: "]"))
        case .object(let object):
            append(UInt8(ascii: "{"))
            for (index, entry) in object.enumerated() {
                if index > 0 { comma() }
                key(entry.key)
                write(entry.value)
            }
            append(UInt8(ascii: "}"))
        }
    }
}
