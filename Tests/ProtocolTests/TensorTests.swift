import Testing

@testable import InferenceProtocol

@Suite struct TensorTests {
    @Test func typedConstructionAndZeroCopyAccess() throws {
        let tensor = try InferInput(name: "x", shape: [2, 2], values: [1, 2, 3, 4] as [Float])
        #expect(tensor.datatype == .fp32)
        #expect(tensor.elementCount == 4)
        #expect(try tensor.withUnsafeBufferPointer(as: Float.self) { $0.reduce(0, +) } == 10)
        #expect(try tensor.withUnsafeRawBytes { [UInt8]($0) } == [0, 0, 0x80, 0x3f, 0, 0, 0, 0x40, 0, 0, 0x40, 0x40, 0, 0, 0x80, 0x40])
    }

    @Test func wrongElementTypeIsRefused() throws {
        let tensor = try InferInput(name: "x", shape: [1], values: [1] as [Int32])
        let error = expectInferenceError { _ = try tensor.values(as: Int64.self) }
        #expect(error?.message == "tensor 'x' has datatype INT32, not INT64")
    }

    @Test func elementCountMustMatchShape() {
        let error = expectInferenceError { _ = try InferInput(name: "x", shape: [2, 2], values: [1, 2, 3] as [Float]) }
        #expect(error?.code == .invalidInput)
        #expect(error?.message == "tensor 'x' has shape [2, 2], which holds 4 elements, but 3 were given")
    }

    @Test func negativeAndOverflowingShapesAreInvalidInput() {
        #expect(expectInferenceError { _ = try InferInput(name: "x", shape: [-1], values: [] as [Float]) }?.code == .invalidInput)
        let huge = expectInferenceError { _ = try InferInput(name: "x", shape: [Int.max, 4], values: [] as [Float]) }
        #expect(huge?.message.contains("overflows") == true)
    }

    @Test func scalarAndEmptyTensors() throws {
        let scalar = try InferInput(name: "s", shape: [], values: [7] as [Int64])
        #expect(scalar.elementCount == 1)
        let empty = try InferInput(name: "e", shape: [0, 3], values: [] as [Float])
        #expect(empty.elementCount == 0)
        #expect(try empty.values(as: Float.self).isEmpty)
    }

    @Test func boolBytesAreNormalised() throws {
        let bytes: [UInt8] = [0, 1, 2, 255]
        let tensor = try bytes.withUnsafeBytes { try InferInput(name: "b", datatype: .bool, shape: [4], littleEndianBytes: $0) }
        #expect(try tensor.values(as: Bool.self) == [false, true, true, true])
        #expect(try tensor.withUnsafeRawBytes { [UInt8]($0) } == [0, 1, 1, 1])
    }

    @Test func byteStringsAndStrings() throws {
        let tensor = try InferInput(name: "t", shape: [2], strings: ["cat", "dög"])
        #expect(try tensor.strings() == ["cat", "dög"])
        let binary = try InferInput(name: "b", shape: [1], byteElements: [[0xff, 0xfe]])
        #expect(expectInferenceError { _ = try binary.strings() }?.message == "element 0 of tensor 'b' is not valid UTF-8")
        #expect(try binary.byteElements() == [[0xff, 0xfe]])
    }

    @Test func reshapeKeepsElements() throws {
        var tensor = try InferInput(name: "x", shape: [4], values: [1, 2, 3, 4] as [Int32])
        try tensor.reshape([2, 2])
        #expect(tensor.shape == [2, 2])
        #expect(expectInferenceError { try tensor.reshape([3]) }?.message == "cannot reshape tensor 'x' of 4 elements into shape [3]")
    }

    @Test func equalityComparesValues() throws {
        let a = try InferInput(name: "x", shape: [2], values: [1, 2] as [Float], parameters: ["a": 1, "b": "c"])
        let b = try InferInput(name: "x", shape: [2], values: [1, 2] as [Float], parameters: ["b": "c", "a": 1])
        let c = try InferInput(name: "x", shape: [2], values: [1, 3] as [Float])
        #expect(a == b)
        #expect(a != c)
    }
}
