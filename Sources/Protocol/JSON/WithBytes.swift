/// `Array.withUnsafeBytes` keeping the closure's typed error (the standard library's version rethrows `any Error`).
@inline(__always)
func withBytes<R, E: Error>(of array: [UInt8], _ body: (UnsafeRawBufferPointer) throws(E) -> R) throws(E) -> R {
    let result = array.withUnsafeBytes { bytes in Result { () throws(E) -> R in try body(bytes) } }
    return try result.get()
}
