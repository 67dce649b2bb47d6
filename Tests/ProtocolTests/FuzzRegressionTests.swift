import Foundation
import Testing

@testable import InferenceProtocol

/// Replays every input under Fixtures/fuzz-regressions/ through the decoders the fuzz targets exercise (see
/// scripts/fuzz): whatever a fuzzer ever found stays here. Each must be answered with a value or an
/// `InferenceError`, never a trap.
@Suite struct FuzzRegressionTests {
    static let files: [URL] = {
        guard let folder = Bundle.module.url(forResource: "fuzz-regressions", withExtension: nil, subdirectory: "Fixtures") else { return [] }
        return ((try? FileManager.default.contentsOfDirectory(at: folder, includingPropertiesForKeys: nil)) ?? []).sorted { $0.path < $1.path }
    }()

    @Test func thereAreRegressionInputs() {
        #expect(Self.files.count >= 4)
    }

    @Test(arguments: files)
    func replay(_ file: URL) throws {
        let bytes = Array(try Data(contentsOf: file))
        if file.lastPathComponent.hasPrefix("json-") {
            if let request = try? InferRequest(json: bytes, modelName: "m") {
                // Encoding may refuse (e.g. an unknown requested output), but what it writes must decode.
                if let body = try? InferResponse(answering: request, outputs: request.inputs).restBody() {
                    #expect(throws: Never.self) { try InferResponse(body: body.bytes, jsonLength: body.jsonLength) }
                }
                // The same request sent on with binary inputs (what a transformer does) must decode too.
                if let body = try? request.restBody(binaryInputs: true) {
                    #expect(throws: Never.self) {
                        try InferRequest(body: body.bytes, jsonLength: body.jsonLength ?? body.bytes.count, modelName: "m")
                    }
                }
            }
        } else if file.lastPathComponent.hasPrefix("v1-") {
            // What the v1 writer copies as text must read as what it prints anew (Fuzz/Sources/FuzzV1).
            let headers = ["content-type": "application/json"]
            guard let request = try? V1Request(body: bytes, headers: headers), case .json(let value) = request.payload else { return }
            let copied = V1Response(.json(value), reusingTextOf: request.sourceText.map { [$0] } ?? []).body
            let printed = V1Response(.json(value)).body
            #expect(try V1Request(body: copied, headers: headers).payload == V1Request(body: printed, headers: headers).payload)
        } else {
            guard bytes.count >= 2 else { return }
            let body = Array(bytes[2...])
            let jsonLength = (Int(bytes[0]) << 8 | Int(bytes[1])) % (body.count + 1)
            if let request = try? InferRequest(body: body, jsonLength: jsonLength, modelName: "m") {
                var response = InferResponse(answering: request, outputs: request.inputs)
                response.useBinaryOutputs = true
                if let encoded = try? response.restBody() {
                    #expect(throws: Never.self) { try InferResponse(body: encoded.bytes, jsonLength: encoded.jsonLength) }
                }
            }
            _ = try? InferResponse(body: body, jsonLength: jsonLength)
        }
    }
}
