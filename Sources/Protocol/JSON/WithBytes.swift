/// `Array.withUnsafeBytes` keeping the closure's typed error (the standard library's version rethrows `any Error`).
func withBytes<R>(of array: [UInt8], _ body: (UnsafeRawBufferPointer) throws(InferenceError) -> R) throws(InferenceError) -> R {
    let result = array.withUnsafeBytes { bytes in Result { () throws(InferenceError) -> R in try body(bytes) } }
    return try result.get()
}
