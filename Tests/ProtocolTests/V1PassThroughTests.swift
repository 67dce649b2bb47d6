import Testing

@testable import InferenceProtocol

/// Large arrays of numbers in a v1 payload that a model passes on untouched are written out as the text they were
/// read from (``JSONSourceText``); an array that was changed, or that holds anything but finite numbers, is printed
/// anew, with exactly the values and the encoding of the plain writer.
struct V1PassThroughTests {
    /// 300 numbers spelt as the writer would never print them (trailing zeros, spaces, exponents, `-0`).
    static func numbersText(_ seed: Int, count: Int = 300) -> String {
        let spellings = ["0.500000", "1.250000", "-0", "7E-2", "3e+1", "12345678901234567890", "-2.0", "1"]
        return "[" + (0..<count).map { spellings[($0 + seed) % spellings.count] }.joined(separator: ", ") + "]"
    }

    static let first = numbersText(0)
    static let second = numbersText(3)
    static let body = #"{"instances": ["# + first + ", " + second + #"], "tag": "t"}"#

    func decode(_ text: String = body) throws -> V1Request {
        try V1Request(body: Array(text.utf8), headers: ["content-type": "application/json"])
    }

    func instances(_ request: V1Request) throws -> [JSONValue] {
        guard case .json(let value) = request.payload else { throw InferenceError.invalidInput("not JSON") }
        return try #require(value["instances"]?.arrayValue)
    }

    /// The plain writer's text for `value`, and the text written with the request's source.
    func written(_ value: JSONValue, _ request: V1Request) throws -> (plain: String, reusing: String) {
        let source = try #require(request.sourceText)
        return (V1Response(.json(value)).body.text, V1Response(.json(value), reusingTextOf: [source]).body.text)
    }

    @Test func untouchedArraysAreWrittenAsTheirText() throws {
        let request = try decode()
        let answer: JSONValue = ["predictions": .array(try instances(request))]
        let (plain, reusing) = try written(answer, request)
        // The outer array holds only number arrays, so it is one span of text, separators and all.
        #expect(reusing == #"{"predictions":["# + Self.first + ", " + Self.second + "]}")
        #expect(plain != reusing)
        #expect(try V1Request.parseJSON(Array(reusing.utf8)) == answer)
    }

    @Test func aChangedElementIsPrintedAnewAndItsNeighbourKeepsItsText() throws {
        let request = try decode()
        var rows = try instances(request)
        guard case .array(var row) = rows[0] else { throw InferenceError.invalidInput("not an array") }
        row[3] = .double(9.75)
        rows[0] = .array(row)
        let answer: JSONValue = ["predictions": .array(rows)]
        let (plain, reusing) = try written(answer, request)
        let printedRow = V1Response(.json(.array(row))).body.text
        #expect(reusing == #"{"predictions":["# + printedRow + "," + Self.second + "]}")
        #expect(try V1Request.parseJSON(Array(reusing.utf8)) == answer)
        #expect(try V1Request.parseJSON(Array(plain.utf8)) == answer)
    }

    @Test(arguments: ["append", "remove", "rebuild", "replace"])
    func everyKindOfChangeIsPrintedAnew(_ change: String) throws {
        let request = try decode()
        guard case .array(var row) = try instances(request)[1] else { throw InferenceError.invalidInput("not an array") }
        switch change {
        case "append": row.append(.int(4))
        case "remove": row.removeLast()
        case "rebuild": row = row.map { $0 }  // equal values in storage of its own
        default: row = [.double(0.25)] + row.dropFirst()
        }
        let (plain, reusing) = try written(.array(row), request)
        #expect(reusing == plain)
        #expect(!reusing.contains("0.500000"))
    }

    @Test func arraysCopiedIntoANewValueKeepTheirText() throws {
        let request = try decode()
        let rows = try instances(request)
        let answer: JSONValue = ["outputs": [["data": rows[1]], ["data": rows[0]]]]
        let (_, reusing) = try written(answer, request)
        #expect(reusing == #"{"outputs":[{"data":"# + Self.second + #"},{"data":"# + Self.first + "}]}")
    }

    @Test(arguments: [
        ("NaN", "null"), ("Infinity", "null"), ("1e400", "null"), (#""x""#, #""x""#), ("null", "null"),
    ])
    func arraysWithAnythingButFiniteNumbersArePrintedAnew(_ odd: String, _ printed: String) throws {
        let text = "[" + Array(repeating: "1.50", count: 100).joined(separator: ",") + "," + odd + "]"
        let request = try V1Request(body: Array(#"{"instances":"#.utf8) + Array(text.utf8) + [UInt8(ascii: "}")], headers: [:])
        #expect(request.sourceText == nil)
        let value = try instances(request)
        let written = V1Response(.json(.array(value)), reusingTextOf: []).body.text
        #expect(written == "[" + Array(repeating: "1.5", count: 100).joined(separator: ",") + "," + printed + "]")
    }

    @Test func shortArraysAreNotRecorded() throws {
        let request = try decode(#"{"instances": [[1.50, 2.50], [3.0]]}"#)
        #expect(request.sourceText == nil)
        #expect(V1Response(request.payload).body.text == #"{"instances":[[1.5,2.5],[3.0]]}"#)
    }

    @Test func copiedTextOutlivesTheBody() throws {
        var bytes = Array(Self.body.utf8)
        let request = try V1Request(body: bytes, headers: [:])
        for index in bytes.indices where bytes[index] == UInt8(ascii: "5") { bytes[index] = UInt8(ascii: "6") }
        bytes = []
        let (_, reusing) = try written(["p": .array(try instances(request))], request)
        #expect(reusing == #"{"p":["# + Self.first + ", " + Self.second + "]}")
    }

    @Test func equalityIgnoresTheSourceText() throws {
        let long = try decode()
        #expect(long.sourceText != nil)
        var plain = long
        plain.sourceText = nil
        #expect(long == plain)
    }

    /// The reader's fast path for short decimals gives what the general number reader gives: integers as `int`
    /// (also `-0`), anything with a fraction as `double`, long or exponent forms through the general path.
    @Test func numbersReadInLongArraysKeepTheirKinds() throws {
        let texts = ["5", "-0", "5.0", "-0.0", "1234567", "12345678", "0.1", "-3.25", "9007199254740993", "1e2", "-7", "0.000001"]
        let expected: [JSONValue] = [5, 0, 5.0, -0.0, 1_234_567, 12_345_678, 0.1, -3.25, 9_007_199_254_740_993, 100.0, -7, 0.000001]
        // Padding after each number keeps 32 bytes ahead of it, where the fast path applies.
        let padding = String(repeating: " ", count: 40)
        let text = "[" + texts.joined(separator: "," + padding) + padding + "]"
        let value = try V1Request.parseJSON(Array(text.utf8))
        #expect(value == .array(expected))
        guard case .array(let elements) = value else { return }
        for (element, want) in zip(elements, expected) {
            switch (element, want) {
            case (.double(let a), .double(let b)): #expect(a.bitPattern == b.bitPattern)
            case (.int(let a), .int(let b)): #expect(a == b)
            default: Issue.record("\(element) is not \(want)")
            }
        }
    }
}

extension V1Request {
    /// One complete JSON document from an array.
    static func parseJSON(_ bytes: [UInt8]) throws -> JSONValue {
        try withBytes(of: bytes) { (buffer) throws(InferenceError) in try parseJSON(buffer) }
    }
}

extension V1PassThroughTests {
    /// The public answering initializer (an echo model's path) reuses the request's own text.
    @Test func answeringARequestReusesItsText() throws {
        let request = try decode()
        let answer = V1Response(
            .json(["predictions": .array(try instances(request))]), answering: request, modelName: "m",
            cloudEventSettings: CloudEventSettings())
        #expect(answer.body.text == #"{"predictions":["# + Self.first + ", " + Self.second + "]}")
    }
}

extension V1PassThroughTests {
    /// An array that a repeated key drops while the document is read stays recorded, and alive: its storage is not
    /// handed to a later array of the same size, whose text would then be taken for the dropped one's.
    @Test func arraysDroppedByARepeatedKeyKeepTheirStorage() throws {
        let dropped = "[" + Array(repeating: "0.500000", count: 100).joined(separator: ",") + "]"
        let kept = "[" + Array(repeating: "1", count: 100).joined(separator: ",") + "]"
        let request = try decode(#"{"a":"# + dropped + #","a":0,"b":"# + kept + "}")
        let plain = V1Response(request.payload).body.text
        #expect(plain == #"{"a":0,"b":"# + kept + "}")
        let answer = V1Response(request.payload, answering: request, modelName: "m", cloudEventSettings: CloudEventSettings())
        #expect(answer.body.text == plain)
        // Arrays made after the read, of the dropped one's size, are printed too.
        let made: [JSONValue] = (0..<100).map { _ in .int(1) }
        #expect(V1Response(.json(.array(made)), answering: request, modelName: "m", cloudEventSettings: CloudEventSettings()).body.text == kept)
    }

    /// The nesting limit holds for numbers read by the array loop's fast path too.
    @Test func numbersAtTheNestingLimitAreRefused() throws {
        func nested(_ depth: Int) -> [UInt8] {
            Array((String(repeating: "[", count: depth) + "1" + String(repeating: " ", count: 40) + String(repeating: "]", count: depth)).utf8)
        }
        #expect(throws: InferenceError.self) { try V1Request(body: nested(512), headers: [:]) }
        let accepted = try V1Request(body: nested(511), headers: [:])
        guard case .json(var value) = accepted.payload else { throw InferenceError.invalidInput("not JSON") }
        for _ in 0..<511 { value = try #require(value.arrayValue?.first) }
        #expect(value == 1)
    }
}
