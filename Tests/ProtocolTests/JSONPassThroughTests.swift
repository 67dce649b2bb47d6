import Foundation
import Testing

@testable import InferenceProtocol

/// Large float tensors that nobody reads travel as the JSON text they arrived in; anything that reads or replaces
/// them gets exactly the values (and the encoding) the eager decoder gives.
@Suite struct JSONPassThroughTests {
    /// 2,000 numbers in every spelling the JSON grammar allows (about 19 KB of text).
    static let spellings = ["1", "-0", "0.5", "1.50", "-2.25e3", "7E-2", "3e+1", "0.1", "123456789.125", "-1.0e-7"]
    static let count = 2_000
    static let dataText = "[" + (0..<count).map { spellings[$0 % spellings.count] }.joined(separator: ", ") + "]"
    static let expectedDoubles = (0..<count).map { Double(spellings[$0 % spellings.count])! }

    func requestText(datatype: String = "FP32", data: String = dataText, shape: Int = count) -> String {
        #"{"id":"r","inputs":[{"name":"x","shape":[\#(shape)],"datatype":"\#(datatype)","data":\#(data)}]}"#
    }

    func decode(_ text: String) throws -> InferRequest { try InferRequest(json: Array(text.utf8), modelName: "m") }

    /// The `data` array of the first tensor in a JSON body, as text.
    func dataArray(of body: [UInt8]) throws -> String {
        let text = body.text
        let start = try #require(text.range(of: #""data":"#)).upperBound
        var depth = 0
        var end = start
        for index in text[start...].indices {
            if text[index] == "[" { depth += 1 }
            if text[index] == "]" { depth -= 1 }
            if depth == 0 {
                end = text.index(after: index)
                break
            }
        }
        return String(text[start..<end])
    }

    @Test func untouchedTensorIsForwardedVerbatim() throws {
        let request = try decode(requestText())
        #expect(request.inputs[0].isJSONText)
        #expect(request.inputs[0].elementCount == Self.count)
        let body = try request.restBody(binaryInputs: false)
        #expect(try dataArray(of: body.bytes) == Self.dataText)
    }

    @Test func largeTextInputsStayJSONEvenWhenBinaryIsAskedFor() throws {
        let request = try decode(requestText())
        let body = try request.restBody(binaryInputs: true)
        #expect(body.jsonLength == nil)
        #expect(try dataArray(of: body.bytes) == Self.dataText)
    }

    @Test(arguments: ["FP32", "FP64"])
    func readValuesEqualTheEagerDecoder(_ datatype: String) throws {
        let lazy = try decode(requestText(datatype: datatype))
        // A nested array is never kept as text: the eager decoder's result for the same numbers.
        let eager = try decode(requestText(datatype: datatype, data: "[\(Self.dataText)]"))
        #expect(lazy.inputs[0].isJSONText && !eager.inputs[0].isJSONText)
        if datatype == "FP32" {
            #expect(try lazy.inputs[0].values(as: Float.self) == Self.expectedDoubles.map { Float($0) })
        } else {
            #expect(try lazy.inputs[0].values(as: Double.self) == Self.expectedDoubles)
        }
        #expect(lazy.inputs[0] == eager.inputs[0])
        // Reading does not change what is written: the text still goes out verbatim.
        #expect(try dataArray(of: lazy.restBody(binaryInputs: false).bytes) == Self.dataText)
    }

    @Test func touchedTensorIsReencoded() throws {
        var request = try decode(requestText())
        let doubled = try request.inputs[0].values(as: Float.self).map { $0 * 2 }
        request.inputs[0] = try InferInput(name: "x", shape: [Self.count], values: doubled)
        let body = try request.restBody(binaryInputs: false)
        let written = try dataArray(of: body.bytes)
        #expect(written != Self.dataText)
        #expect(written.hasPrefix("[2.0,-0.0,1.0,3.0,-4500.0,0.14000000059604645,60.0,0.20000000298023224,"))
        let back = try InferRequest(json: body.bytes, modelName: "m")
        #expect(try back.inputs[0].values(as: Float.self) == doubled)
        // And in binary form, the new values' bytes.
        let binary = try request.restBody(binaryInputs: true)
        let jsonLength = try #require(binary.jsonLength)
        let fromBinary = try InferRequest(body: binary.bytes, jsonLength: jsonLength, modelName: "m")
        #expect(try fromBinary.inputs[0].values(as: Float.self) == doubled)
    }

    @Test func reshapedTensorKeepsTextAndNewShape() throws {
        var request = try decode(requestText())
        try request.inputs[0].reshape([40, 50])
        let body = try request.restBody(binaryInputs: false)
        #expect(body.bytes.text.contains(#""shape":[40,50]"#))
        #expect(try dataArray(of: body.bytes) == Self.dataText)
        let back = try InferRequest(json: body.bytes, modelName: "m")
        #expect(try back.inputs[0].values(as: Float.self) == Self.expectedDoubles.map { Float($0) })
    }

    @Test func responsePassesThroughAndConvertsToBinaryAndGRPC() throws {
        let responseText =
            #"{"model_name":"m","id":"r","outputs":[{"name":"y","shape":[\#(Self.count)],"datatype":"FP64","data":\#(Self.dataText)}]}"#
        let response = try InferResponse(body: Array(responseText.utf8), jsonLength: nil)
        #expect(response.outputs[0].isJSONText)
        #expect(try dataArray(of: response.restBody().bytes) == Self.dataText)

        var binaryResponse = response
        binaryResponse.useBinaryOutputs = true
        let binary = try binaryResponse.restBody()
        let jsonLength = try #require(binary.jsonLength)
        let back = try InferResponse(body: binary.bytes, jsonLength: jsonLength)
        #expect(try back.outputs[0].values(as: Double.self) == Self.expectedDoubles)
        #expect(binary.bytes.count - jsonLength == Self.count * 8)

        let message = try InferResponse(grpc: response.grpcMessage())
        #expect(try message.outputs[0].values(as: Double.self) == Self.expectedDoubles)
    }

    /// What the scan does not accept is decoded at once, so its errors and values are the eager decoder's: `NaN`
    /// and `null` are valid float elements (decoded eagerly), the others are grammar errors.
    @Test(arguments: [
        ("NaN", false), ("null", false), ("01", true), ("1.", true), ("+1", true), ("1e", true), (".5", true), (#""1""#, true),
    ])
    func otherSpellingsAreDecodedEagerly(_ bad: String, _ isError: Bool) throws {
        let data = "[" + (0..<Self.count).map { $0 == 1_000 ? bad : "0.5" }.joined(separator: ",") + "]"
        if isError {
            let error = expectInferenceError { _ = try decode(requestText(data: data)) }
            #expect(error?.code == .invalidRequestBody, "\(bad)")
        } else {
            let request = try decode(requestText(data: data))
            #expect(!request.inputs[0].isJSONText)
            #expect(try request.inputs[0].values(as: Float.self)[1_000].isNaN)
        }
    }

    @Test func shapeMismatchIsRefusedAsBefore() throws {
        let error = expectInferenceError { _ = try decode(requestText(shape: Self.count + 1)) }
        #expect(error?.code == .invalidInput)
        #expect(error?.message.contains("holds \(Self.count + 1) elements, but \(Self.count) were given") == true)
    }

    @Test func smallArraysTravelAsTextToo() throws {
        let request = try decode(requestText(data: "[1.5, 2.50]", shape: 2))
        #expect(request.inputs[0].isJSONText)
        let body = try request.restBody(binaryInputs: false)
        #expect(try dataArray(of: body.bytes) == "[1.5, 2.50]")
        #expect(try request.inputs[0].values(as: Float.self) == [1.5, 2.5])
        // Once replaced, the tensor is printed from its values.
        var replaced = request
        replaced.inputs[0] = try InferInput(name: "x", shape: [2], values: [Float(1.5), 2.5])
        #expect(try dataArray(of: replaced.restBody(binaryInputs: false).bytes) == "[1.5,2.5]")
    }

    @Test func singleNumberArrayIsKeptAndDecodes() throws {
        let request = try decode(requestText(data: "[7E-2]", shape: 1))
        #expect(request.inputs[0].isJSONText)
        #expect(try request.inputs[0].values(as: Float.self) == [Float(0.07)])
        #expect(try dataArray(of: request.restBody(binaryInputs: false).bytes) == "[7E-2]")
    }

    @Test func integerTensorsAreNeverKeptAsText() throws {
        let data = "[" + (0..<Self.count).map(String.init).joined(separator: ",") + "]"
        let request = try decode(requestText(datatype: "INT32", data: data))
        #expect(!request.inputs[0].isJSONText)
        #expect(try request.inputs[0].values(as: Int32.self) == (0..<Int32(Self.count)).map { $0 })
    }

    @Test func concurrentReadersSeeTheSameValues() async throws {
        let tensor = try decode(requestText()).inputs[0]
        let expected = Self.expectedDoubles.map { Float($0) }
        try await withThrowingTaskGroup(of: [Float].self) { group in
            for _ in 0..<8 { group.addTask { try tensor.values(as: Float.self) } }
            for try await values in group { #expect(values == expected) }
        }
    }

    /// Random arrays of valid and invalid number spellings: the text path accepts exactly what the eager decoder
    /// accepts, with the same values, and refuses the rest with the eager decoder's error.
    @Test func randomSpellingsAgreeWithTheEagerDecoder() throws {
        let tokens = [
            "0", "-0", "12", "-7", "0.25", "1e5", "1E-5", "2.5e+3", "-0.0", "9007199254740993", "1e400", "-1e-400", "4.9e-324",
            "01", "1.", ".5", "+1", "1e", "--1", "1e+", "0x10", "NaN", "Infinity", "-Infinity", "null", "true", "\"1\"", "[1]", "",
        ]
        var generator = NumberParsingTests.Generator(state: 0x7E57_0001)  // fixed seed: a failure reproduces
        for round in 0..<300 {
            let invalidChance = round % 3 == 0 ? 0 : 200
            let elements = (0..<700).map { _ in
                Int.random(in: 0..<1_000, using: &generator) < invalidChance
                    ? tokens.randomElement(using: &generator)! : tokens[Int.random(in: 0..<13, using: &generator)]
            }
            let data = "[" + elements.joined(separator: Bool.random(using: &generator) ? "," : " ,\n ") + "]"
            let lazy = Result { try decode(requestText(datatype: "FP64", data: data, shape: elements.count)) }
            let eager = Result { try decode(requestText(datatype: "FP64", data: "[\(data)]", shape: elements.count)) }
            switch (lazy, eager) {
            case (.success(let lazy), .success(let eager)):
                let lazyValues = try lazy.inputs[0].values(as: Double.self)
                let eagerValues = try eager.inputs[0].values(as: Double.self)
                #expect(lazyValues.map(\.bitPattern) == eagerValues.map(\.bitPattern))
            case (.failure(let lazyError as InferenceError), .failure(let eagerError as InferenceError)):
                #expect(lazyError.code == eagerError.code, "\(data.prefix(200))")
            default:
                Issue.record("text path and eager decoder disagree on \(data.prefix(200))")
            }
        }
    }
}
