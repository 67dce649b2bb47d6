extension InferenceError {
    /// The HTTP response body for this error: `{"error":"<message>"}` as KServe sends it, or for a schema error
    /// (`invalidRequestBody`, 422) FastAPI's `{"detail":[{"type":...,"loc":[...],"msg":...,"input":null}]}`.
    public var httpBody: [UInt8] {
        var writer = JSONWriter()
        if code == .invalidRequestBody {
            writer.append(#"{"detail":[{"type":"value_error","loc":["body"],"msg":"#)
            writer.writeString(message)
            writer.append(#","input":null}]}"#)
        } else {
            writer.append(#"{"error":"#)
            writer.writeString(message)
            writer.append("}")
        }
        return writer.bytes
    }
}
