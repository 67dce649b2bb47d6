import Testing

@testable import InferenceProtocol

@Suite struct DatatypeTests {
    @Test(arguments: Datatype.allCases)
    func parsesItsOwnNameInAnyCase(_ datatype: Datatype) throws {
        #expect(try Datatype(name: datatype.rawValue) == datatype)
        #expect(try Datatype(name: datatype.rawValue.lowercased()) == datatype)
    }

    @Test func elementSizes() {
        let sizes: [Datatype: Int?] = [
            .bool: 1, .uint8: 1, .int8: 1, .uint16: 2, .int16: 2, .fp16: 2, .uint32: 4, .int32: 4, .fp32: 4,
            .uint64: 8, .int64: 8, .fp64: 8, .bytes: nil,
        ]
        for (datatype, size) in sizes { #expect(datatype.elementSize == size, "\(datatype)") }
    }

    @Test func unknownNameIsAClearInvalidInput() {
        // Also prefixes and extensions of real names, a NUL after one, and names longer than eight bytes.
        for name in ["BF16", "FLOAT", "", "fp 32", "FP3", "FP322", "FP32\u{0}", "INT", "UINT64XY", "BYTESBYTES", "\u{0}"] {
            let error = expectInferenceError { _ = try Datatype(name: name) }
            #expect(error?.code == .invalidInput)
            #expect(error?.message == "invalid datatype \(name) in the input")
        }
    }

    @Test func swiftElementTypesMapToDatatypes() {
        #expect(Bool.datatype == .bool)
        #expect(UInt8.datatype == .uint8 && UInt16.datatype == .uint16 && UInt32.datatype == .uint32 && UInt64.datatype == .uint64)
        #expect(Int8.datatype == .int8 && Int16.datatype == .int16 && Int32.datatype == .int32 && Int64.datatype == .int64)
        #expect(Float16.datatype == .fp16 && Float.datatype == .fp32 && Double.datatype == .fp64)
    }
}
