import Foundation
import Testing

@testable import InferenceProtocol

/// Test fixtures under `Fixtures/`, parsed with the module's own JSON reader.
enum Fixtures {
    static func json(_ name: String) throws -> JSONValue {
        let url = try #require(Bundle.module.url(forResource: name, withExtension: "json", subdirectory: "Fixtures"))
        let bytes = Array(try Data(contentsOf: url))
        return try withBytes(of: bytes) { (buffer) throws(InferenceError) in
            var reader = JSONReader(buffer)
            return try reader.readValue()
        }
    }
}

extension Array where Element == UInt8 {
    /// Lower-case hex, as the fixtures write bytes.
    var hex: String { map { String(format: "%02x", $0) }.joined() }

    /// Bytes from hex text.
    init(hex: String) {
        var bytes: [UInt8] = []
        var index = hex.startIndex
        while index < hex.endIndex {
            let next = hex.index(index, offsetBy: 2)
            bytes.append(UInt8(hex[index..<next], radix: 16)!)
            index = next
        }
        self = bytes
    }

    /// The bytes as text (for readable failure messages).
    var text: String { String(decoding: self, as: UTF8.self) }
}

/// Runs `body` and returns the InferenceError it throws (or records a failure if it does not throw one).
func expectInferenceError(_ body: () throws -> Void) -> InferenceError? {
    do {
        try body()
    } catch let error as InferenceError {
        return error
    } catch {
        return nil
    }
    return nil
}
