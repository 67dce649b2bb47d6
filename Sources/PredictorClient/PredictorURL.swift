/// Builds the URLs of a REST predictor the way KServe does: `http(s)://<host>` where the host may carry a port and
/// a path prefix, and a `/` is inserted between the base and the relative path as needed.
public struct PredictorURL: Sendable, Equatable, CustomStringConvertible {
    /// The full URL text.
    public let description: String

    /// The URL of `path` on `host`.
    /// - Parameters:
    ///   - host: `host[:port][/prefix]`, without scheme.
    ///   - useSSL: `https` instead of `http`.
    ///   - path: The route, e.g. `v2/models/m/infer` (a leading `/` is optional).
    public init(host: String, useSSL: Bool, path: String) {
        let base = (useSSL ? "https://" : "http://") + host
        let relative = path.hasPrefix("/") ? String(path.dropFirst()) : path
        description = base.hasSuffix("/") ? base + relative : base + "/" + relative
    }
}
