package import GRPCCore
internal import GRPCNIOTransportHTTP2
internal import InferenceGRPC
package import InferenceProtocol

/// A gRPC v2 connection to a predictor (`inference.GRPCInferenceService`) over grpc-swift-2's HTTP/2 transport.
/// Its connections run in ``run()``, which the owner keeps running (e.g. as a service of the server's group).
package struct GRPCInferenceClient: Sendable {
    private let client: GRPCClient<HTTP2ClientTransport.Posix>
    private let stub: Inference_GRPCInferenceService.Client<HTTP2ClientTransport.Posix>
    /// Deadline of each call.
    package let timeout: Duration

    /// A client of `host[:port]`; without a port, `:443` with TLS and `:80` without (as KServe appends them).
    /// - Parameters:
    ///   - host: The predictor host, optionally with a port.
    ///   - useTLS: TLS with the system's or the given trust roots.
    ///   - caBundlePath: PEM file of trusted CAs, or `nil` for the system's.
    ///   - verify: Whether to verify the server certificate.
    ///   - timeout: Deadline of each call.
    package init(host: String, useTLS: Bool, caBundlePath: String?, verify: Bool, timeout: Duration) throws {
        let (name, port) = Self.split(host, defaultPort: useTLS ? 443 : 80)
        let security: HTTP2ClientTransport.Posix.TransportSecurity
        if useTLS {
            security = .tls { config in
                if let caBundlePath { config.trustRoots = .certificates([.file(path: caBundlePath, format: .pem)]) }
                if !verify { config.serverCertificateVerification = .noVerification }
            }
        } else {
            security = .plaintext
        }
        // An IP address must not be sent as the TLS server name (SNI): connect to it as an address.
        let target: any ResolvableTarget =
            if name.split(separator: ".").count == 4, name.split(separator: ".").allSatisfy({ UInt8($0) != nil }) {
                .ipv4(address: name, port: port)
            } else if name.contains(":") {
                .ipv6(address: name, port: port)
            } else {
                .dns(host: name, port: port)
            }
        let transport = try HTTP2ClientTransport.Posix(
            target: target, transportSecurity: security,
            config: .defaults {
                $0.connection.maxIdleTime = nil
                // Reconnect quickly, as the predictor's pod may just be starting; retries (--predictor_request_retries)
                // wait 0.1 s doubling to 1 s, so the channel must not wait longer between attempts.
                $0.backoff = .init(initial: .milliseconds(100), max: .seconds(1), multiplier: 2, jitter: 0.1)
            }
        )
        client = GRPCClient(transport: transport, interceptors: [])
        stub = Inference_GRPCInferenceService.Client(wrapping: client)
        self.timeout = timeout
    }

    /// `host:port` split, with `defaultPort` when there is none (IPv6 literals in brackets keep their colons).
    static func split(_ host: String, defaultPort: Int) -> (String, Int) {
        if let colon = host.lastIndex(of: ":"), !host.hasSuffix("]"), let port = Int(host[host.index(after: colon)...]) {
            return (String(host[..<colon]).trimmingBrackets, port)
        }
        return (host.trimmingBrackets, defaultPort)
    }

    /// Runs the connections until ``shutdown()``.
    package func run() async throws { try await client.runConnections() }

    /// Stops accepting calls and closes the connections once calls in flight are done.
    package func shutdown() { client.beginGracefulShutdown() }

    private func options() -> CallOptions {
        var options = CallOptions.defaults
        options.timeout = timeout
        options.maxResponseMessageBytes = Int.max
        return options
    }

    private static func metadata(_ headers: [(name: String, value: String)]) -> Metadata {
        var metadata: Metadata = ["request_type": "grpc_v2", "response_type": "grpc_v2"]
        for header in headers { metadata.addString(header.value, forKey: header.name) }
        return metadata
    }

    /// `ModelInfer`.
    package func infer(_ request: Inference_ModelInferRequest, headers: [(name: String, value: String)]) async throws -> Inference_ModelInferResponse
    {
        try await stub.modelInfer(request, metadata: Self.metadata(headers), options: options())
    }

    /// `ServerReady`.
    package func serverReady() async throws -> Bool {
        try await stub.serverReady(Inference_ServerReadyRequest(), options: options()).ready
    }

    /// `ModelReady(name)`.
    package func modelReady(_ name: String) async throws -> Bool {
        var request = Inference_ModelReadyRequest()
        request.name = name
        return try await stub.modelReady(request, options: options()).ready
    }
}

extension String {
    fileprivate var trimmingBrackets: String {
        hasPrefix("[") && hasSuffix("]") ? String(dropFirst().dropLast()) : self
    }
}
