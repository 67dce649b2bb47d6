/// Hands out the binary section of a binary-extension body (the bytes after the JSON part) to the tensors
/// that declare `binary_data_size`, in order, and builds the tensors.
struct BinarySectionReader {
    private let bytes: UnsafeRawBufferPointer
    private var offset = 0
    private let model: String
    /// Keeps `bytes` alive when fixed-width tensors may share them instead of copying; `nil`: copy.
    private let owner: (any AnyObject & Sendable)?

    init(_ bytes: UnsafeRawBufferPointer, model: String, sharingWith owner: (any AnyObject & Sendable)? = nil) {
        self.bytes = bytes
        self.model = model
        self.owner = owner
    }

    /// Bytes not claimed by any tensor (KServe ignores them).
    var unusedByteCount: Int { bytes.count - offset }

    /// Builds the tensor of `header`: from its JSON `data`, or else from the next `binary_data_size` bytes.
    /// `binary_data_size` never stays in the tensor's parameters.
    mutating func resolve(_ header: TensorHeader, role: String, isBinaryBody: Bool) throws(InferenceError) -> InferTensor {
        let name = header.name!
        var parameters = header.parameters
        let declaredSize = parameters.removeValue(forKey: "binary_data_size")
        if let data = header.data {
            return try InferTensor(name: name, datatype: header.datatype!, shape: header.shape!, parameters: parameters, data: data)
        }
        if header.binaryDataSizeIsNull && isBinaryBody {
            throw .invalidInput("'binary_data_size' is not specified for \(role) '\(name)' for model '\(model)'")
        }
        guard let declaredSize, isBinaryBody else {
            guard isBinaryBody else { throw .invalidRequestBody("\(role) '\(name)' has no 'data'") }
            throw .invalidInput("'data' field is missing for \(role) '\(name)' for model '\(model)'")
        }
        guard let size = declaredSize.int64Value, size >= 0, let byteCount = Int(exactly: size) else {
            throw .invalidInput("'binary_data_size' of \(role) '\(name)' must be a non-negative integer, not \(declaredSize)")
        }
        guard byteCount <= bytes.count - offset else {
            throw .invalidInput(
                "\(role) '\(name)' declares binary_data_size \(byteCount) but only \(bytes.count - offset) bytes of binary data remain"
            )
        }
        let section = UnsafeRawBufferPointer(rebasing: bytes[offset..<offset + byteCount])
        offset += byteCount
        let data: TensorData
        if header.datatype == .bytes {
            data = .bytes(try BinarySectionReader.splitLengthPrefixed(section, tensor: name))
        } else {
            data = .fixed(try TensorBuffer.checked(section, datatype: header.datatype!, tensor: name, sharingWith: owner))
        }
        return try InferTensor(name: name, datatype: header.datatype!, shape: header.shape!, parameters: parameters, data: data)
    }

    /// Splits BYTES elements: each a 4-byte little-endian length, then that many bytes.
    static func splitLengthPrefixed(_ section: UnsafeRawBufferPointer, tensor name: String) throws(InferenceError) -> [[UInt8]] {
        var elements: [[UInt8]] = []
        var index = 0
        while index < section.count {
            guard section.count - index >= 4 else {
                throw .invalidInput("BYTES tensor '\(name)' ends inside an element's 4-byte length prefix")
            }
            let length = Int(UInt32(littleEndian: section.loadUnaligned(fromByteOffset: index, as: UInt32.self)))
            index += 4
            guard length <= section.count - index else {
                throw .invalidInput(
                    "BYTES tensor '\(name)' element \(elements.count) declares \(length) bytes but only \(section.count - index) remain")
            }
            elements.append(Array(section[index..<index + length]))
            index += length
        }
        return elements
    }
}
