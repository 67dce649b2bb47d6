public import InferenceProtocol

/// A v2 REST body goes out part by part: its JSON, then each binary tensor's bytes as the tensor holds them.
extension RESTBody: HTTPClient.SegmentedBody {
    /// Calls `body` with the JSON part, then each binary tensor's bytes (see ``RESTBody/withSegments(_:)``).
    public func forEachSegment(_ body: (UnsafeRawBufferPointer) -> Void) {
        forEachSegmentAndOwner { bytes, _ in body(bytes) }
    }
}
