/// A v2 REST body ready to send: plain JSON, or (binary tensor extension) JSON followed by tensor bytes.
public struct RESTBody: Sendable, Equatable {
    /// The whole body.
    public var bytes: [UInt8]
    /// The length of the JSON part when tensor bytes follow it: the value of the
    /// `Inference-Header-Content-Length` header. `nil` for a plain JSON body.
    public var jsonLength: Int?

    /// Creates a body.
    public init(bytes: [UInt8], jsonLength: Int?) {
        self.bytes = bytes
        self.jsonLength = jsonLength
    }

    /// `application/json` for plain JSON, `application/octet-stream` for the binary extension.
    public var contentType: String { jsonLength == nil ? "application/json" : "application/octet-stream" }
}
