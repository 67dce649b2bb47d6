/// Shape arithmetic shared by the tensor types and the codecs.
enum Shape {
    /// The number of elements a shape holds (1 for the scalar shape `[]`).
    /// - Throws: `invalidInput` for negative dimensions or a product that overflows.
    static func elementCount(_ shape: [Int], tensor name: String) throws(InferenceError) -> Int {
        var product = 1
        for dimension in shape {
            guard dimension >= 0 else {
                throw .invalidInput("invalid shape \(describe(shape)) for tensor '\(name)': dimensions must not be negative")
            }
            let (result, overflow) = product.multipliedReportingOverflow(by: dimension)
            guard !overflow else { throw .invalidInput("invalid shape \(describe(shape)) for tensor '\(name)': element count overflows") }
            product = result
        }
        return product
    }

    /// `[2, 3]`, as the error messages print shapes.
    static func describe(_ shape: [Int]) -> String { "[" + shape.map(String.init).joined(separator: ", ") + "]" }
}
