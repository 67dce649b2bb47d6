/// A named tensor of the Open Inference Protocol: an input of an ``InferRequest`` (``InferInput``) or an output
/// of an ``InferResponse`` (``InferOutput``).
///
/// Elements are stored once: fixed-width datatypes as contiguous little-endian bytes, BYTES as a list of byte
/// strings. The element count always equals the product of ``shape`` (checked on construction).
///
/// ```swift
/// let input = try InferInput(name: "input-0", shape: [2, 2], values: [1, 2, 3, 4] as [Float])
/// let sum = try input.withUnsafeBufferPointer(as: Float.self) { $0.reduce(0, +) }
/// ```
public struct InferTensor: Sendable, Equatable {
    /// The tensor's name, e.g. `input-0`.
    public var name: String
    /// The element datatype; fixed at construction, together with the data.
    public private(set) var datatype: Datatype
    /// The shape, row-major; `[]` is a scalar (one element).
    public private(set) var shape: [Int]
    /// Tensor parameters as sent (never `binary_data_size`, which belongs to the wire format).
    public var parameters: InferParameters
    var data: TensorData

    init(name: String, datatype: Datatype, shape: [Int], parameters: InferParameters, data: TensorData) throws(InferenceError) {
        let expected = try Shape.elementCount(shape, tensor: name)
        let actual = data.elementCount(elementSize: datatype.elementSize)
        guard expected == actual else {
            throw .invalidInput(
                "tensor '\(name)' has shape \(Shape.describe(shape)), which holds \(expected) elements, but \(actual) were given"
            )
        }
        self.name = name
        self.datatype = datatype
        self.shape = shape
        self.parameters = parameters
        self.data = data
    }

    /// Creates a fixed-width tensor from Swift values; the datatype follows from `T` (e.g. `Float` → FP32).
    /// - Throws: `invalidInput` if `values.count` is not the product of `shape`.
    public init<T: TensorElement>(name: String, shape: [Int], values: [T], parameters: InferParameters = [:]) throws(InferenceError) {
        let buffer = values.withUnsafeBytes { TensorBuffer.copying($0) }
        try self.init(name: name, datatype: T.datatype, shape: shape, parameters: parameters, data: .fixed(buffer))
    }

    /// Creates a BYTES tensor from byte strings (any content, not necessarily UTF-8).
    /// - Throws: `invalidInput` if the element count is not the product of `shape`.
    public init(name: String, shape: [Int], byteElements: [[UInt8]], parameters: InferParameters = [:]) throws(InferenceError) {
        try self.init(name: name, datatype: .bytes, shape: shape, parameters: parameters, data: .bytes(byteElements))
    }

    /// Creates a BYTES tensor from strings, stored as their UTF-8 bytes.
    /// - Throws: `invalidInput` if the element count is not the product of `shape`.
    public init(name: String, shape: [Int], strings: [String], parameters: InferParameters = [:]) throws(InferenceError) {
        try self.init(name: name, shape: shape, byteElements: strings.map { Array($0.utf8) }, parameters: parameters)
    }

    /// Creates a fixed-width tensor from its little-endian bytes (the binary extension's layout), copying them once.
    /// - Throws: `invalidInput` for BYTES (use ``init(name:shape:byteElements:parameters:)``), or a byte count that
    ///   is not `elementSize × product(shape)`.
    public init(
        name: String, datatype: Datatype, shape: [Int], littleEndianBytes: UnsafeRawBufferPointer,
        parameters: InferParameters = [:]
    ) throws(InferenceError) {
        let buffer = try TensorBuffer.checked(littleEndianBytes, datatype: datatype, tensor: name)
        try self.init(name: name, datatype: datatype, shape: shape, parameters: parameters, data: .fixed(buffer))
    }

    /// The number of elements (the product of ``shape``).
    public var elementCount: Int { data.elementCount(elementSize: datatype.elementSize) }

    /// Calls `body` with the elements viewed as `T`, without copying.
    /// - Throws: `invalidInput` if `T` does not match ``datatype``, or whatever `body` throws.
    public func withUnsafeBufferPointer<T: TensorElement, R>(
        as type: T.Type,
        _ body: (UnsafeBufferPointer<T>) throws -> R
    ) throws -> R {
        guard T.datatype == datatype, case .fixed(let stored) = data.resolved else {
            throw InferenceError.invalidInput("tensor '\(name)' has datatype \(datatype), not \(T.datatype)")
        }
        let buffer = stored.aligned(to: MemoryLayout<T>.alignment)
        let typed = UnsafeRawPointer(buffer.base).assumingMemoryBound(to: T.self)
        return try withExtendedLifetime(buffer) { try body(UnsafeBufferPointer(start: typed, count: buffer.count / MemoryLayout<T>.stride)) }
    }

    /// The elements as a Swift array (a copy).
    /// - Throws: `invalidInput` if `T` does not match ``datatype``.
    public func values<T: TensorElement>(as type: T.Type) throws(InferenceError) -> [T] {
        do {
            return try withUnsafeBufferPointer(as: T.self) { Array($0) }
        } catch let error as InferenceError {
            throw error
        } catch {
            throw .invalidInput("\(error)")
        }
    }

    /// Calls `body` with the raw little-endian bytes of a fixed-width tensor, without copying.
    /// - Throws: `invalidInput` for a BYTES tensor, or whatever `body` throws.
    public func withUnsafeRawBytes<R>(_ body: (UnsafeRawBufferPointer) throws -> R) throws -> R {
        guard case .fixed(let buffer) = data.resolved else {
            throw InferenceError.invalidInput("tensor '\(name)' has datatype BYTES, which has no fixed-width layout")
        }
        return try withExtendedLifetime(buffer) { try body(buffer.bytes) }
    }

    /// The elements of a BYTES tensor.
    /// - Throws: `invalidInput` if the tensor is not BYTES.
    public func byteElements() throws(InferenceError) -> [[UInt8]] {
        guard case .bytes(let elements) = data else { throw .invalidInput("tensor '\(name)' has datatype \(datatype), not BYTES") }
        return elements
    }

    /// The elements of a BYTES tensor decoded as UTF-8 strings.
    /// - Throws: `invalidInput` if the tensor is not BYTES or an element is not valid UTF-8.
    public func strings() throws(InferenceError) -> [String] {
        try byteElements().enumerated().map { (index, element) throws(InferenceError) in
            guard let string = String(validating: element, as: UTF8.self) else {
                throw .invalidInput("element \(index) of tensor '\(name)' is not valid UTF-8")
            }
            return string
        }
    }

    /// Changes the shape, keeping the elements (row-major order is unchanged).
    /// - Throws: `invalidInput` if the new shape holds a different number of elements.
    public mutating func reshape(_ newShape: [Int]) throws(InferenceError) {
        let expected = try Shape.elementCount(newShape, tensor: name)
        guard expected == elementCount else {
            throw .invalidInput("cannot reshape tensor '\(name)' of \(elementCount) elements into shape \(Shape.describe(newShape))")
        }
        shape = newShape
    }
}

/// An input tensor of an ``InferRequest``.
public typealias InferInput = InferTensor
/// An output tensor of an ``InferResponse``.
public typealias InferOutput = InferTensor

extension TensorBuffer {
    /// Little-endian element bytes as a buffer, checking the byte count against the element width: shared with
    /// `owner` when one is given (see ``TensorBuffer/borrowing(_:keepingAlive:)``), else copied. BOOL bytes are
    /// always copied, normalised to 0/1 so that they can be read as `Bool`.
    static func checked(
        _ bytes: UnsafeRawBufferPointer, datatype: Datatype, tensor name: String, sharingWith owner: (any AnyObject & Sendable)? = nil
    ) throws(InferenceError) -> TensorBuffer {
        guard let size = datatype.elementSize else {
            throw .invalidInput("tensor '\(name)' has datatype BYTES, whose elements are length-prefixed, not fixed-width")
        }
        guard bytes.count % size == 0 else {
            throw .invalidInput("tensor '\(name)' of datatype \(datatype) has \(bytes.count) bytes, not a multiple of its element size \(size)")
        }
        guard datatype == .bool else { return owner.map { borrowing(bytes, keepingAlive: $0) } ?? copying(bytes) }
        return make(count: bytes.count) { destination in
            for index in 0..<bytes.count { destination[index] = bytes[index] == 0 ? 0 : 1 }
        }
    }
}
