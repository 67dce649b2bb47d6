public import InferenceProtocol

/// The description of one model input or output in `GET /v2/models/{m}` and gRPC `ModelMetadata`.
public struct TensorMetadata: Sendable, Equatable {
    /// The tensor name.
    public var name: String
    /// The datatype.
    public var datatype: Datatype
    /// The shape; `-1` marks a variable dimension.
    public var shape: [Int]

    /// Creates a description.
    public init(name: String, datatype: Datatype, shape: [Int]) {
        self.name = name
        self.datatype = datatype
        self.shape = shape
    }
}
