/// An output a client asks for by name in a v2 request's `outputs` list, with its parameters
/// (notably `binary_data`, which asks for that output in binary form).
public struct RequestedOutput: Sendable, Equatable {
    /// The output's name.
    public var name: String
    /// The output's parameters as sent.
    public var parameters: InferParameters

    /// Creates a requested output.
    /// - Parameters:
    ///   - name: The output's name.
    ///   - parameters: Its parameters, e.g. `["binary_data": true]`.
    public init(name: String, parameters: InferParameters = [:]) {
        self.name = name
        self.parameters = parameters
    }

    /// The `binary_data` parameter, or `nil` when it is absent (then the response-wide choice applies).
    public var binaryData: Bool? {
        get { parameters["binary_data"]?.boolValue }
        set { parameters["binary_data"] = newValue.map(InferParameter.bool) }
    }
}
