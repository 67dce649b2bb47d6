/// A v2 REST body ready to send: plain JSON, or (binary tensor extension) JSON followed by tensor bytes.
///
/// A binary body keeps its tensors as they are until it is written: ``withSegments(_:)`` hands out the JSON
/// and then each tensor's bytes without copying them, so that a transport can copy them once, straight into its
/// own buffer; ``bytes`` assembles them into one array.
public struct RESTBody: Sendable, Equatable {
    private enum Storage: Sendable {
        case contiguous([UInt8])
        case parts(json: [UInt8], tensors: [InferTensor])
    }

    private var storage: Storage
    /// The length of the JSON part when tensor bytes follow it: the value of the
    /// `Inference-Header-Content-Length` header. `nil` for a plain JSON body.
    public var jsonLength: Int?

    /// Creates a body from its bytes.
    public init(bytes: [UInt8], jsonLength: Int?) {
        self.storage = .contiguous(bytes)
        self.jsonLength = jsonLength
    }

    /// A binary-extension body: `json`, then the bytes of `tensors` in order.
    init(json: [UInt8], binaryTensors tensors: [InferTensor]) {
        self.storage = .parts(json: json, tensors: tensors)
        self.jsonLength = json.count
    }

    /// The whole body as one array (assembled from its parts on each access).
    public var bytes: [UInt8] {
        get {
            switch storage {
            case .contiguous(let bytes): return bytes
            case .parts(let json, let tensors):
                var bytes = json
                bytes.reserveCapacity(count)
                for tensor in tensors { tensor.appendBinary(to: &bytes) }
                return bytes
            }
        }
        set { storage = .contiguous(newValue) }
    }

    /// The bytes allocated for the body's JSON (all of it for a contiguous body): what it keeps in memory
    /// besides the tensors it shares.
    var allocatedJSONCapacity: Int {
        switch storage {
        case .contiguous(let bytes): bytes.capacity
        case .parts(let json, _): json.capacity
        }
    }

    /// The body's length in bytes.
    public var count: Int {
        switch storage {
        case .contiguous(let bytes): bytes.count
        case .parts(let json, let tensors): tensors.reduce(json.count) { $0 + $1.binaryByteCount }
        }
    }

    /// Calls `body` with each part of the body in order (the JSON, then each binary tensor's bytes); fixed-width
    /// tensors are handed out without a copy. The pointers are valid only during each call.
    public func withSegments<E: Error>(_ body: (UnsafeRawBufferPointer) throws(E) -> Void) throws(E) {
        var failure: E?
        forEachSegmentAndOwner { bytes, _ in
            guard failure == nil else { return }
            do throws(E) { try body(bytes) } catch { failure = error }
        }
        if let failure { throw failure }
    }

    /// As ``withSegments(_:)``, and with each part the object that keeps its memory alive when the part is a
    /// slice of a body a decoder shared (the `sharingWith` owner it was given), else `nil`: a transport that knows
    /// the owner can send such a part from that memory instead of copying it. Not generic, so that callers in
    /// other modules do not go through an unspecialised generic (runtime metadata look-ups on every request).
    package func forEachSegmentAndOwner(_ body: (UnsafeRawBufferPointer, (any AnyObject & Sendable)?) -> Void) {
        switch storage {
        case .contiguous(let bytes):
            bytes.withUnsafeBytes { body($0, nil) }
        case .parts(let json, let tensors):
            json.withUnsafeBytes { body($0, nil) }
            for tensor in tensors {
                if case .fixed(let buffer) = tensor.data.resolved {
                    withExtendedLifetime(buffer) { body(buffer.bytes, buffer.owner) }
                } else {
                    var bytes: [UInt8] = []
                    tensor.appendBinary(to: &bytes)
                    bytes.withUnsafeBytes { body($0, nil) }
                }
            }
        }
    }

    /// `application/json` for plain JSON, `application/octet-stream` for the binary extension.
    public var contentType: String { jsonLength == nil ? "application/json" : "application/octet-stream" }

    /// Equal when the bytes are.
    public static func == (lhs: RESTBody, rhs: RESTBody) -> Bool {
        lhs.jsonLength == rhs.jsonLength && lhs.bytes == rhs.bytes
    }
}
