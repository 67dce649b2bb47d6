import Testing

@testable import InferenceProtocol

/// `asciiLowercased` and `init(asciiLowercasing:)`: the header-name lowering the HTTP paths use instead of
/// `lowercased()`.
@Suite struct HeaderNameTests {
    @Test(arguments: ["Content-Type", "content-type", "X-B3-TraceId", "", "ALLCAPS", "a1-B2_c3", "Ünïcode-Name", "@[`{"])
    func lowersASCIILettersOnly(_ name: String) {
        let expected = String(decoding: name.utf8.map { (0x41...0x5A).contains($0) ? $0 + 0x20 : $0 }, as: UTF8.self)
        #expect(name.asciiLowercased == expected)
        let decoded = Array(name.utf8).withUnsafeBytes { String(asciiLowercasing: $0) }
        #expect(decoded == expected)
    }

    @Test func leavesNonASCIILettersUntouched() {
        #expect("ÄB".asciiLowercased == "Äb")
    }

    @Test func repairsInvalidUTF8AsDecodingDoes() {
        let bytes: [UInt8] = [0x41, 0xFF, 0x42, 0xC3]
        let decoded = bytes.withUnsafeBytes { String(asciiLowercasing: $0) }
        let reference = String(decoding: [0x61, 0xFF, 0x62, 0xC3] as [UInt8], as: UTF8.self)
        #expect(decoded == reference)
        #expect(decoded.utf8.count == reference.utf8.count)
    }
}
