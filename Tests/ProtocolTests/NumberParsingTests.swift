import Testing

@testable import InferenceProtocol

/// The JSON decoder's numbers against the standard library's correctly rounded parser, bit for bit: random
/// decimal texts of every shape, exact halfway cases, and the edges of the binary64 range.
@Suite struct NumberParsingTests {
    /// SplitMix64: a fixed seed, so that a failure reproduces.
    struct Generator: RandomNumberGenerator {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
    }

    static let edgeCases = [
        "0", "-0", "0.0", "-0.0", "0e0", "0E+0", "0.0e-999", "-0e400", "1", "-1", "9007199254740991", "9007199254740992",
        "9007199254740993", "9007199254740994", "9007199254740995", "9007199254740993.0000000000000000001",
        "9007199254740992.9999999999999999999", "18446744073709551615", "18446744073709551616", "18446744073709551617",
        "99999999999999999999999", "123456789012345678901234567890", "0.1", "0.30000000000000004", "1e23",
        "8.98846567431158e307", "1.7976931348623157e308", "1.7976931348623158e308", "1.7976931348623159e308",
        "1e308", "1e309", "1e400", "-1e400", "1e-400", "-1e-400", "1e99999999", "1e-99999999",
        "2.2250738585072011e-308", "2.2250738585072012e-308", "2.2250738585072014e-308", "2.225073858507201e-308",
        "4.9406564584124654e-324", "4.9406564584124654e-325", "2.4703282292062327e-324", "2.4703282292062328e-324",
        "7.4109846876186982e-324", "1e-323", "5e-324", "3e-324", "2e-324", "1.4012984643248171e-45",
        "3.4028234663852886e38", "3.4028235677973366e38", "0.000000000000000000000000000000000000001",
        "100000000000000000000000000000000000000000000000000000000000000000000e-60", "7.2057594037927933e16",
        "1.0000000000000002", "1.00000000000000011102230246251565404236316680908203125",
        "1.00000000000000011102230246251565404236316680908203124", "1.00000000000000011102230246251565404236316680908203126",
        "4503599627370496.5", "4503599627370497.5", "2251799813685248.25", "2251799813685248.75",
        "0.0000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000001",
    ]

    /// A random decimal text: 1–25 significant digits, a decimal exponent in −330…+310, written plainly, with a
    /// fraction, with an exponent (`e`/`E`, with or without `+`), or with leading zeros.
    static func randomText(_ random: inout Generator) -> String {
        let digitCount = Int.random(in: 1...25, using: &random)
        var digits = ""
        for index in 0..<digitCount {
            digits.append(Character(Unicode.Scalar(UInt8(ascii: "0") + UInt8.random(in: (index == 0 ? 1 : 0)...9, using: &random))))
        }
        let sign = Bool.random(using: &random) ? "-" : ""
        // Scientific exponent of the first digit.
        let exponent = Int.random(in: -330...310, using: &random)
        switch Int.random(in: 0..<5, using: &random) {
        case 0:  // d.ddde±x
            let fraction = digitCount > 1 ? "." + digits.dropFirst() : ""
            let marker = Bool.random(using: &random) ? "e" : "E"
            let plus = exponent >= 0 && Bool.random(using: &random) ? "+" : ""
            return "\(sign)\(digits.prefix(1))\(fraction)\(marker)\(plus)\(exponent)"
        case 1:  // integer digits with an exponent
            return "\(sign)\(digits)e\(exponent - digitCount + 1)"
        case 2:  // plain, the point somewhere in the digits or after them (small magnitudes)
            let point = Int.random(in: 1...digitCount, using: &random)
            let integer = digits.prefix(point)
            let fraction = digits.dropFirst(point)
            return "\(sign)\(integer)\(fraction.isEmpty ? "" : "." + fraction)"
        case 3:  // 0.000ddd
            return "\(sign)0.\(String(repeating: "0", count: Int.random(in: 0...30, using: &random)))\(digits)"
        default:  // a fraction with an exponent
            let point = Int.random(in: 1...digitCount, using: &random)
            let fraction = digits.dropFirst(point)
            return "\(sign)\(digits.prefix(point))\(fraction.isEmpty ? "" : "." + fraction)e\(exponent - point + 1)"
        }
    }

    /// Exact ties between two doubles, which must round to even: `c·2^r × 10^q` (`c` odd with 54 significant
    /// bits times `5^q`, so one bit more than a double holds) and `c·5^q × 10^-q`.
    static func halfwayText(_ random: inout Generator) -> String {
        let q = Int.random(in: 0...22, using: &random)
        var power: UInt64 = 1
        for _ in 0..<q { power *= 5 }
        if Bool.random(using: &random), q <= 4 {
            // c × 2^-q = c·5^q × 10^-q, c odd in [2^53, 2^54).
            let c = UInt64.random(in: (1 << 53)..<(1 << 54), using: &random) | 1
            return "\(c * power)e-\(q)"
        }
        // N = c × 5^q in [2^53, 2^54) with c odd; N·2^r·… written as (c·2^r) × 10^q.
        let lower = ((1 << 53) + power - 1) / power
        let upper = ((1 << 54) - 1) / power
        guard lower <= upper else { return "\(power)e\(q)" }
        let c = UInt64.random(in: lower...upper, using: &random) | 1
        guard c * power < 1 << 54 else { return "\(c)e\(q)" }
        let shift = Int.random(in: 0...max(0, c.leadingZeroBitCount - 1), using: &random)
        return "\(c << shift)e\(q)"
    }

    /// Decodes `texts` as one FP64 tensor and compares every value with `Double(text)` bit for bit.
    func expectExact(_ texts: [String], separator: String = ",") throws {
        let body = #"{"inputs":[{"name":"x","shape":[\#(texts.count)],"datatype":"FP64","data":[\#(texts.joined(separator: separator))]}]}"#
        let request = try InferRequest(json: Array(body.utf8), modelName: "m")
        let values = try request.inputs[0].values(as: Double.self)
        try #require(values.count == texts.count)
        var failures = 0
        for (text, value) in zip(texts, values) {
            let expected = try #require(Double(text), "\(text)")
            if value.bitPattern != expected.bitPattern {
                failures += 1
                if failures <= 20 { Issue.record("\(text): decoded \(value) (\(value.bitPattern)), expected \(expected)") }
            }
        }
        #expect(failures == 0)
    }

    @Test func edgeCasesAreExact() throws {
        try expectExact(Self.edgeCases)
        // Also where fewer than 16 bytes follow each number (the one-byte-at-a-time tails).
        for text in Self.edgeCases { try expectExact([text]) }
    }

    @Test func randomDecimalTextsAreExact() throws {
        var random = Generator(state: 0x5EED_2024)
        var texts: [String] = []
        texts.reserveCapacity(200_000)
        for index in 0..<200_000 {
            texts.append(index % 10 == 0 ? Self.halfwayText(&random) : Self.randomText(&random))
        }
        try expectExact(texts)
        // Whitespace between elements, and single values at the end of the body.
        try expectExact(Array(texts.prefix(2_000)), separator: " ,\n\t")
        for text in texts.prefix(300) { try expectExact([text]) }
    }

    @Test func halfwayCasesRoundToEven() throws {
        var random = Generator(state: 7)
        try expectExact((0..<20_000).map { _ in Self.halfwayText(&random) })
    }

    @Test func fp32IsTheDoubleRoundedToFloat() throws {
        var random = Generator(state: 32)
        let texts = (0..<20_000).map { _ in Self.randomText(&random) } + Self.edgeCases
        let body = #"{"inputs":[{"name":"x","shape":[\#(texts.count)],"datatype":"FP32","data":[\#(texts.joined(separator: ", "))]}]}"#
        let values = try InferRequest(json: Array(body.utf8), modelName: "m").inputs[0].values(as: Float.self)
        #expect(values.map(\.bitPattern) == texts.map { Float(Double($0)!).bitPattern })
    }

    @Test func floatArraysOfEveryLayoutDecodeAlike() throws {
        // The flat fast path, the nested walk, whitespace everywhere, and elements the fast path hands over.
        let flat = #"{"inputs":[{"name":"x","shape":[2,3],"datatype":"FP32","data":[1.5, -0.25,2e1 ,null, NaN,7]}]}"#
        let nested = #"{"inputs":[{"name":"x","shape":[2,3],"datatype":"FP32","data":[ [1.5,-0.25, 2e1], [null ,NaN, 7] ]}]}"#
        let a = try InferRequest(json: Array(flat.utf8), modelName: "m").inputs[0].values(as: Float.self)
        let b = try InferRequest(json: Array(nested.utf8), modelName: "m").inputs[0].values(as: Float.self)
        #expect(a.map(\.bitPattern) == b.map(\.bitPattern))
        #expect(Array(a[0..<3]) == [1.5, -0.25, 20] && a[3].isNaN && a[4].isNaN && a[5] == 7)
    }

    @Test func floatArraysLongerThanTheShapeStillDecode() {
        // More elements than the shape reserved: the buffer grows, then the count check answers.
        let data = (0..<1_000).map { "\(Float($0) / 7)" }.joined(separator: ", ")
        let body = #"{"inputs":[{"name":"x","shape":[2],"datatype":"FP32","data":[\#(data)]}]}"#
        let error = expectInferenceError { _ = try InferRequest(json: Array(body.utf8), modelName: "m") }
        #expect(error?.message == "tensor 'x' has shape [2], which holds 2 elements, but 1000 were given")
    }

    @Test func integersKeepTheirRangeChecks() throws {
        let body = #"{"inputs":[{"name":"x","shape":[6],"datatype":"UINT64","data":[0,1,12345678,123456789,18446744073709551615,1e19]}]}"#
        let values = try InferRequest(json: Array(body.utf8), modelName: "m").inputs[0].values(as: UInt64.self)
        #expect(values == [0, 1, 12_345_678, 123_456_789, .max, 10_000_000_000_000_000_000])
        let signed = #"{"inputs":[{"name":"x","shape":[4],"datatype":"INT64","data":[-9223372036854775808,9223372036854775807,-0,-12345678901]}]}"#
        let signedValues = try InferRequest(json: Array(signed.utf8), modelName: "m").inputs[0].values(as: Int64.self)
        #expect(signedValues == [.min, .max, 0, -12_345_678_901])
        for (datatype, text, problem) in [
            ("INT64", "9223372036854775808", "is out of range for"), ("INT64", "-9223372036854775809", "is out of range for"),
            ("UINT64", "184467440737095516150", "is out of range for"), ("INT16", "32768", "is out of range for"),
            ("INT32", "1.0000000001", "is not an integer, as required by"), ("UINT8", "2.5e0", "is not an integer, as required by"),
        ] {
            let request = #"{"inputs":[{"name":"x","shape":[1],"datatype":"\#(datatype)","data":[\#(text)]}]}"#
            let error = expectInferenceError { _ = try InferRequest(json: Array(request.utf8), modelName: "m") }
            #expect(error?.message == "value \(text) \(problem) the \(datatype) tensor 'x'")
        }
    }

    @Test func malformedNumbersAreRefusedWithTheirPosition() {
        for (data, message) in [
            ("[1.]", "unexpected ']', expected a digit after '.' at byte 63"),
            ("[1.e5]", "unexpected 'e', expected a digit after '.' at byte 63"),
            ("[1e]", "unexpected ']', expected a digit in the exponent at byte 63"),
            ("[-]", "unexpected ']', expected a number at byte 62"),
            ("[-NaN]", "unexpected 'N', expected 'Infinity' at byte 62"),
            ("[.5]", "unexpected '.', expected a number at byte 61"),
            ("[0.123456789012345678x]", "unexpected 'x', expected ',' or ']' at byte 81"),
        ] {
            let request = #"{"inputs":[{"name":"x","shape":[1],"datatype":"FP64","data":\#(data)}]}"#
            let error = expectInferenceError { _ = try InferRequest(json: Array(request.utf8), modelName: "m") }
            #expect(error?.code == .invalidRequestBody)
            #expect(error?.message == message, "\(data)")
        }
    }
}
