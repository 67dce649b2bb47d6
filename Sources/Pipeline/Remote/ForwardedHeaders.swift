/// Which incoming headers go on to the predictor or explainer: KServe's `x-request-id`, `x-b3-traceid` and
/// `authorization`, plus W3C trace context (`traceparent`, `tracestate`) and a configured allow-list. Never `host`,
/// `cookie`, `content-length` or anything else.
struct ForwardedHeaders: Sendable {
    static let standard = ["x-request-id", "x-b3-traceid", "authorization", "traceparent", "tracestate"]
    let names: [String]

    init(extra: [String]) {
        names = Self.standard + extra.map { $0.lowercased() }.filter { !Self.standard.contains($0) }
    }

    /// The forwardable headers present in `incoming` (lower-cased names), in a stable order.
    func select(from incoming: [String: String]) -> [(name: String, value: String)] {
        names.compactMap { name in incoming[name].map { (name, $0) } }
    }
}
