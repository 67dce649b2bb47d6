import Foundation
import Testing

@testable import InferenceProtocol

/// Replays the cases of Fixtures/kserve-golden.json: inputs and the exact outputs the real KServe Python SDK
/// produced for them (scripts/golden/gen_golden.py; most mirror a test of KServe's own suite).
@Suite struct KServeGoldenTests {
    /// Cases where swift-kserve deliberately differs from KServe, with the reason. Each is covered by its own test.
    static let deviations: [String: String] = [
        "extra_response_requested_output_without_flag_ignores_binary_data_output":
            "a requested output without binary_data follows binary_data_output (OIP rule), see BinaryExtensionTests",
        "test_infer_response_to_rest_missing_data_field": "a tensor without data cannot be constructed in Swift",
        "test_infer_request_to_rest_missing_data_field": "a tensor without data cannot be constructed in Swift",
        "test_to_rest_with_fp16_not_as_binary_data": "FP16 inputs are sent binary instead of failing the request",
        "extra_request_from_bytes_nan_literal": "NaN/Infinity literals are accepted in every JSON body, not only on the JSON route",
        "extra_float_and_string_formatting_binary_path":
            "the fixture's UINT64 max does not fit JSONValue.int (JSONValue reads integers beyond Int as doubles); float and string formatting are covered by JSONWriterTests",
        "extra_float_and_string_formatting_dict_path": "as extra_float_and_string_formatting_binary_path",
        "test_infer_request_from_bytes_invalid_json":
            "a header length past the end of the body is refused as such (400), not parsed as the whole body",
    ]

    static let cases: [JSONValue] = (try? Fixtures.json("kserve-golden"))?["cases"]?.arrayValue ?? []

    static func names(_ kinds: String...) -> [String] {
        cases.filter { kinds.contains($0["kind"]?.stringValue ?? "") }.compactMap { $0["name"]?.stringValue }
            .filter { deviations[$0] == nil }
    }

    static func testCase(_ name: String) throws -> (input: JSONValue, expected: JSONValue) {
        let found = try #require(cases.first { $0["name"]?.stringValue == name })
        return (try #require(found["input"]), try #require(found["expected"]))
    }

    @Test func fixtureIsLoaded() {
        #expect(Self.cases.count >= 60)
    }

    // MARK: Building tensors from the fixture's descriptions

    static func bytes(_ value: JSONValue?) -> [UInt8] {
        guard let value else { return [] }
        if let hex = value.stringValue { return [UInt8](hex: hex) }
        return []
    }

    static func parameters(_ value: JSONValue?) throws -> InferParameters {
        guard let value, value != .null else { return [:] }
        var writer = JSONWriter()
        writer.write(value)
        return try withBytes(of: writer.bytes) { (buffer) throws(InferenceError) in
            var reader = JSONReader(buffer)
            return try InferParameters.read(from: &reader)
        }
    }

    /// A tensor from a description: raw little-endian bytes when given, else its JSON data list.
    static func tensor(_ description: JSONValue) throws -> (tensor: InferTensor, binary: Bool) {
        let name = try #require(description["name"]?.stringValue)
        let datatype = try Datatype(name: try #require(description["datatype"]?.stringValue))
        let numpy = description["set_data_from_numpy"] ?? description["data_numpy"] ?? description["numpy"]
        let values = description["data"] ?? description["values"]
        let shapeValue = description["shape"] ?? numpy?["shape"]
        let shape =
            try shapeValue.map {
                try #require($0.arrayValue).map { value -> Int in
                    if case .int(let dimension) = value { return dimension }
                    return Int(value.stringValue ?? "") ?? -1
                }
            } ?? [values?.arrayValue?.count ?? 0]
        let parameters = try parameters(description["parameters"])
        let binary = numpy?["binary_data"] == .bool(true) || description["binary_data"] == .bool(true)
        if datatype == .bytes, let list = values?.arrayValue, list.contains(where: { $0["bytes_hex"] != nil }) {
            let elements = list.map { $0["bytes_hex"].map { bytes($0) } ?? Array(($0.stringValue ?? "").utf8) }
            return (try InferTensor(name: name, shape: shape, byteElements: elements, parameters: parameters), binary)
        }
        if datatype == .fp16, numpy?["raw_hex"] == nil, description["raw_hex"] == nil {
            let halves = (values?.arrayValue ?? []).map { Float16($0.doubleValue ?? .nan) }
            return (try InferTensor(name: name, shape: shape, values: halves, parameters: parameters), binary)
        }
        if let hex = numpy?["raw_hex"] ?? description["raw_hex"] {
            let raw = bytes(hex)
            if datatype == .bytes {
                let elements = try raw.withUnsafeBytes { try BinarySectionReader.splitLengthPrefixed($0, tensor: name) }
                return (try InferTensor(name: name, shape: shape, byteElements: elements, parameters: parameters), binary)
            }
            return (
                try raw.withUnsafeBytes {
                    try InferTensor(name: name, datatype: datatype, shape: shape, littleEndianBytes: $0, parameters: parameters)
                }, binary
            )
        }
        // A JSON list: decode it through the request decoder (strings "NaN"/"Infinity" stand for the literals).
        let list = (values?.arrayValue ?? []).map { value -> JSONValue in
            guard datatype == .fp32 || datatype == .fp64, let text = value.stringValue else { return value }
            return .double(Double(text.replacingOccurrences(of: "Infinity", with: "inf")) ?? .nan)
        }
        var writer = JSONWriter()
        writer.write([
            "inputs": [
                [
                    "name": .string(name), "shape": .array(shape.map { .int($0) }), "datatype": .string(datatype.rawValue),
                    "data": .array(list),
                ]
            ]
        ])
        var tensor = try InferRequest(json: writer.bytes, modelName: "m").inputs[0]
        tensor.parameters = parameters
        return (tensor, binary)
    }

    static func requestedOutputs(_ value: JSONValue?) throws -> [RequestedOutput] {
        try (value?.arrayValue ?? []).map {
            RequestedOutput(name: try #require($0["name"]?.stringValue), parameters: try parameters($0["parameters"]))
        }
    }

    /// Compares a body with the expected `json_text`, `json_length` and `binary_hex`.
    static func expectBody(_ body: RESTBody, _ expected: JSONValue, _ name: String) {
        let jsonLength = body.jsonLength ?? body.bytes.count
        #expect(Array(body.bytes[..<jsonLength]).text == expected["json_text"]?.stringValue, "\(name)")
        #expect(Array(body.bytes[jsonLength...]).hex == (expected["binary_hex"]?.stringValue ?? ""), "\(name)")
        if case .int(let length)? = expected["json_length"] { #expect(body.jsonLength == length, "\(name)") }
    }

    static func expectError(_ error: InferenceError?, _ expected: JSONValue, _ name: String) {
        #expect(error?.code.httpStatus == 400, "\(name): \(String(describing: error))")
        let message = expected["error"]?.stringValue ?? ""
        if message.hasPrefix("Unrecognized request format: ") {
            #expect(error?.message.hasPrefix("Unrecognized request format: ") == true, "\(name): \(String(describing: error))")
        } else {
            #expect(error?.message == message, "\(name)")
        }
    }

    /// Compares decoded tensors with the fixture's `decoded.outputs` / `decoded.inputs` descriptions.
    static func expectTensors(_ actual: [InferTensor], _ expected: JSONValue?, _ name: String) throws {
        let descriptions = try #require(expected?.arrayValue)
        #expect(actual.count == descriptions.count, "\(name)")
        for (tensor, description) in zip(actual, descriptions) {
            var stripped = description
            if case .object(var object) = description {
                object["raw_hex"] = nil
                stripped = .object(object)
            }
            let expectedTensor = try Self.tensor(stripped).tensor
            #expect(
                tensor.name == expectedTensor.name && tensor.datatype == expectedTensor.datatype && tensor.shape == expectedTensor.shape, "\(name)")
            if tensor.datatype == .bytes {
                #expect(try tensor.byteElements() == expectedTensor.byteElements(), "\(name)")
            } else {
                #expect(try tensor.withUnsafeRawBytes { [UInt8]($0) } == expectedTensor.withUnsafeRawBytes { [UInt8]($0) }, "\(name)")
            }
            #expect(tensor.parameters == expectedTensor.parameters, "\(name)")
        }
    }

    // MARK: The cases

    @Test(arguments: names("response_to_rest"))
    func responseToREST(_ name: String) throws {
        let (input, expected) = try Self.testCase(name)
        let described = try (input["outputs"]?.arrayValue ?? []).map(Self.tensor)
        var requested = try Self.requestedOutputs(input["requested_outputs"])
        if input["requested_outputs"]?.stringValue != nil {
            requested = described.map { RequestedOutput(name: $0.tensor.name, parameters: ["binary_data": .bool($0.binary)]) }
        }
        let response = InferResponse(
            id: input["id"]?.stringValue ?? "", modelName: input["model_name"]?.stringValue ?? "",
            outputs: described.map(\.tensor), useBinaryOutputs: input["use_binary_outputs"] == .bool(true),
            requestedOutputs: requested)
        if expected["error"] != nil {
            Self.expectError(expectInferenceError { _ = try response.restBody() }, expected, name)
            return
        }
        let body = try response.restBody()
        if expected["result_type"]?.stringValue == "dict" {
            // KServe returns a dict here that the server then writes in schema form: compare the content.
            let ours = try InferResponse(body: body.bytes, jsonLength: body.jsonLength)
            let theirs = try InferResponse(body: Array(try #require(expected["json_text"]?.stringValue).utf8), jsonLength: nil)
            #expect(ours.outputs == theirs.outputs && ours.id == theirs.id && ours.modelName == theirs.modelName, "\(name)")
        } else {
            Self.expectBody(body, expected, name)
        }
    }

    @Test(arguments: names("request_to_rest", "request_roundtrip_bytes"))
    func requestToREST(_ name: String) throws {
        let (input, expected) = try Self.testCase(name)
        let described = try (input["inputs"]?.arrayValue ?? []).map(Self.tensor)
        let id = input["id"]?.stringValue
        let request = InferRequest(
            id: (id?.isEmpty ?? true) ? nil : id, modelName: input["model_name"]?.stringValue ?? "",
            inputs: described.map(\.tensor), parameters: try Self.parameters(input["parameters"]),
            requestedOutputs: try Self.requestedOutputs(input["outputs"]))
        let binaryNames = Set(described.filter(\.binary).map(\.tensor.name))
        let toREST = expected["to_rest"] ?? expected
        if toREST["error"] != nil {
            Self.expectError(expectInferenceError { _ = try request.restBody { binaryNames.contains($0.name) } }, toREST, name)
            return
        }
        var body = try request.restBody { binaryNames.contains($0.name) }
        if request.id == nil, let generated = input["id_generated_as"]?.stringValue ?? Optional("00000000-0000-4000-8000-000000000000") {
            // Pin the generated uuid4 as the fixture does.
            let text = body.bytes.text
            if let range = text.range(of: #"(?<="id":")[0-9a-f-]{36}"#, options: .regularExpression) {
                body.bytes = Array(text.replacingCharacters(in: range, with: generated).utf8)
            }
        }
        if toREST["result_type"]?.stringValue == "dict" {
            let theirs = try InferRequest(json: Array(try #require(toREST["json_text"]?.stringValue).utf8), modelName: request.modelName)
            let ours = try InferRequest(json: body.bytes, modelName: request.modelName)
            #expect(ours == theirs, "\(name): \(body.bytes.text)")
        } else {
            Self.expectBody(body, toREST, name)
        }
        if let decoded = expected["from_bytes"] {
            let back = try InferRequest(body: body.bytes, jsonLength: body.jsonLength ?? body.bytes.count, modelName: request.modelName)
            try Self.expectTensors(back.inputs, decoded["inputs"], name)
        }
    }

    static func body(_ input: JSONValue) -> [UInt8] {
        if let text = input["body_text"]?.stringValue { return Array(text.utf8) }
        if let hex = input["body_hex"]?.stringValue { return [UInt8](hex: hex) }
        return Array((input["json_text"]?.stringValue ?? "").utf8) + bytes(input["binary_hex"])
    }

    @Test(arguments: names("request_from_bytes"))
    func requestFromBytes(_ name: String) throws {
        let (input, expected) = try Self.testCase(name)
        guard case .int(let length)? = input["json_length"] else { Issue.record("\(name): no json_length"); return }
        let model = input["model_name"]?.stringValue ?? ""
        if expected["error"] != nil {
            Self.expectError(
                expectInferenceError { _ = try InferRequest(body: Self.body(input), jsonLength: length, modelName: model) }, expected, name)
        } else {
            let request = try InferRequest(body: Self.body(input), jsonLength: length, modelName: model)
            try Self.expectTensors(request.inputs, expected["from_bytes"]?["inputs"] ?? expected["decoded"]?["inputs"], name)
        }
    }

    @Test(arguments: names("response_from_bytes"))
    func responseFromBytes(_ name: String) throws {
        let (input, expected) = try Self.testCase(name)
        guard case .int(let length)? = input["json_length"] else { Issue.record("\(name): no json_length"); return }
        let body = Self.body(input)
        if expected["error"] != nil {
            Self.expectError(expectInferenceError { _ = try InferResponse(body: body, jsonLength: min(length, body.count)) }, expected, name)
        } else {
            let response = try InferResponse(body: body, jsonLength: min(length, body.count))
            #expect(response.id == expected["decoded"]?["id"]?.stringValue, "\(name)")
            try Self.expectTensors(response.outputs, expected["decoded"]?["outputs"], name)
        }
    }

    @Test(arguments: names("request_from_json"))
    func requestFromJSON(_ name: String) throws {
        let (input, expected) = try Self.testCase(name)
        var writer = JSONWriter()
        writer.write(try #require(input["json"]))
        let model = input["model_name"]?.stringValue ?? ""
        if expected["error"] != nil {
            Self.expectError(expectInferenceError { _ = try InferRequest(json: writer.bytes, modelName: model) }, expected, name)
        } else {
            let request = try InferRequest(json: writer.bytes, modelName: model)
            try Self.expectTensors(request.inputs, expected["decoded"]?["inputs"], name)
        }
    }
}
