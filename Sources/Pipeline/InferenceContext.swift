package import InferenceProtocol
internal import Synchronization

/// What a model step knows about the request besides its payload, and how it adds response headers.
///
/// A class shared by the steps of one call; `Sendable` because the only mutable state, the response headers,
/// sits behind a `Mutex`.
public final class InferenceContext: Sendable {
    /// The protocol a request arrived over.
    public enum Inbound: Sendable, Equatable {
        /// REST v1 (`/v1/models/{m}:predict|:explain`).
        case restV1
        /// REST v2 (`/v2/models/{m}/infer`).
        case restV2
        /// gRPC v2 (`ModelInfer`).
        case grpcV2
    }

    /// The incoming HTTP headers with lower-cased names, or the gRPC metadata.
    public let headers: [String: String]
    /// The protocol the request arrived over (so `postprocess` can answer in kind).
    public let inbound: Inbound
    /// The predictor a transformer forwards to, if one is configured (`--predictor_host`).
    public let predictor: (any RemotePredictor)?
    /// The explainer `explain` forwards to, if one is configured.
    public let explainer: (any RemotePredictor)?
    private let addedHeaders = Mutex<[(name: String, value: String)]>([])
    private let readJSON = Mutex<[JSONSourceText]>([])

    /// Creates a context.
    /// - Parameters:
    ///   - headers: Incoming headers, names lower-cased.
    ///   - predictor: The remote predictor, if any.
    ///   - explainer: The remote explainer, if any.
    ///   - inbound: The protocol the request arrived over.
    public init(
        headers: [String: String] = [:], inbound: Inbound = .restV2, predictor: (any RemotePredictor)? = nil,
        explainer: (any RemotePredictor)? = nil
    ) {
        self.headers = headers
        self.inbound = inbound
        self.predictor = predictor
        self.explainer = explainer
    }

    /// The `x-request-id` header, used in the latency log and forwarded to the predictor.
    public var requestID: String? { headers["x-request-id"] }

    /// Adds a header to the response (KServe's `response_headers`). `content-length` is always dropped, and on v2
    /// routes `content-type` too, as KServe does.
    public func addResponseHeader(_ name: String, _ value: String) {
        addedHeaders.withLock { $0.append((name.lowercased(), value)) }
    }

    /// The headers added so far.
    public var responseHeaders: [(name: String, value: String)] { addedHeaders.withLock { $0 } }

    /// Keeps the text of a JSON document the call read (its v1 request, a predictor's v1 answer), so that arrays a
    /// model passes on untouched are written out as that text (``JSONSourceText``).
    package func keepJSONText(_ source: JSONSourceText?) {
        guard let source else { return }
        readJSON.withLock { $0.append(source) }
    }

    /// The texts kept so far, newest first (an answer's arrays are the likelier to be written next).
    package var jsonTexts: [JSONSourceText] { readJSON.withLock { $0.reversed() } }
}
