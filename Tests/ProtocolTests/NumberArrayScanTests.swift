import Testing

@testable import InferenceProtocol

/// `JSONReader.scanNumberArrayText`, the check that lets a float tensor travel as its JSON text, against a plain
/// reference of the same grammar: random byte soups of number characters, separators and brackets, with the array
/// ending right at the buffer's end or followed by more bytes (the scan reads eight bytes at a time where eight
/// remain, byte by byte near the end).
@Suite struct NumberArrayScanTests {
    /// The reference: `[`, then one or more JSON numbers separated by commas with optional whitespace, then `]`.
    /// Returns the element count and the length of the array text, or `nil`.
    static func reference(_ bytes: [UInt8]) -> (count: Int, length: Int)? {
        var index = 0
        func peek() -> UInt8? { index < bytes.count ? bytes[index] : nil }
        func isDigit(_ byte: UInt8?) -> Bool { byte.map { (0x30...0x39).contains($0) } ?? false }
        func skipWhitespace() { while let byte = peek(), [0x20, 0x0A, 0x0D, 0x09].contains(byte) { index += 1 } }
        func digits() -> Bool {
            let start = index
            while isDigit(peek()) { index += 1 }
            return index > start
        }
        func number() -> Bool {
            if peek() == UInt8(ascii: "-") { index += 1 }
            if peek() == UInt8(ascii: "0") {
                index += 1
            } else if let byte = peek(), (0x31...0x39).contains(byte) {
                _ = digits()
            } else {
                return false
            }
            if peek() == UInt8(ascii: ".") {
                index += 1
                guard digits() else { return false }
            }
            if peek() == UInt8(ascii: "e") || peek() == UInt8(ascii: "E") {
                index += 1
                if peek() == UInt8(ascii: "+") || peek() == UInt8(ascii: "-") { index += 1 }
                guard digits() else { return false }
            }
            return true
        }
        skipWhitespace()
        let start = index
        guard peek() == UInt8(ascii: "[") else { return nil }
        index += 1
        var count = 0
        while true {
            skipWhitespace()
            guard number() else { return nil }
            count += 1
            skipWhitespace()
            switch peek() {
            case UInt8(ascii: ","): index += 1
            case UInt8(ascii: "]"): return (count, index + 1 - start)
            default: return nil
            }
        }
    }

    static func scan(_ bytes: [UInt8]) -> (count: Int, length: Int, position: Int)? {
        bytes.withUnsafeBytes { raw in
            var reader = JSONReader(raw)
            let before = reader.position
            guard let text = reader.scanNumberArrayText(datatype: .fp64) else {
                #expect(reader.position == before, "a refused scan must not move the reader")
                return nil
            }
            return (text.count, text.text.count, reader.position)
        }
    }

    @Test func agreesWithTheReferenceOnRandomInput() {
        let alphabet = Array("0123456789-+.eE, ]\n[".utf8) + Array("00000111115555599999,,,,...".utf8)
        let pieces = ["0.245803", "-1e-7", "12345678901234567890", "0", "-0.0", "1.", "01", "1e", "2E+10", ",", " ", "]"]
        var generator = NumberParsingTests.Generator(state: 0x5CA1_AB1E)
        var accepted = 0
        for round in 0..<20_000 {
            var bytes: [UInt8] = [UInt8(ascii: "[")]
            let length = Int.random(in: 0..<40, using: &generator)
            for _ in 0..<length {
                if round % 2 == 0 {
                    bytes.append(alphabet.randomElement(using: &generator)!)
                } else {
                    bytes += Array(pieces.randomElement(using: &generator)!.utf8)
                    if Bool.random(using: &generator) { bytes.append(UInt8(ascii: ",")) }
                }
            }
            if Int.random(in: 0..<4, using: &generator) > 0 { bytes.append(UInt8(ascii: "]")) }
            if Bool.random(using: &generator) { bytes += Array("}]}".utf8) }
            let expected = Self.reference(bytes)
            let actual = Self.scan(bytes)
            #expect(actual?.count == expected?.count && actual?.length == expected?.length, "\(String(decoding: bytes, as: UTF8.self))")
            if let actual { #expect(actual.position == actual.length) }
            if expected != nil { accepted += 1 }
        }
        #expect(accepted > 1_000, "the generator should produce enough valid arrays to mean something")
    }

    @Test(arguments: 1..<20)
    func digitRunsOfEveryLengthEndWhereTheyShould(_ digits: Int) {
        let run = String(repeating: "7", count: digits)
        for text in ["[\(run)]", "[1.\(run)]", "[-\(run)e\(run)]", "[\(run),\(run) , \(run)]", "[\(run)x]", "[1.\(run)"] {
            let bytes = Array(text.utf8)
            #expect(Self.scan(bytes)?.count == Self.reference(bytes)?.count, "\(text)")
            #expect(Self.scan(bytes)?.length == Self.reference(bytes)?.length, "\(text)")
        }
    }

    @Test func bytesAboveASCIIAreNotDigits() {
        // A byte ≥ 0x8A carries into the next byte of the eight-byte test; the digit after it must not hide it.
        for high in [0x8A, 0x99, 0xC3, 0xFF] as [UInt8] {
            let bytes: [UInt8] = Array("[12345".utf8) + [high] + Array("9999999]".utf8)
            #expect(Self.scan(bytes) == nil)
        }
    }
}
