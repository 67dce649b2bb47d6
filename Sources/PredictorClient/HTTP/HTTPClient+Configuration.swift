extension HTTPClient {
    /// How an ``HTTPClient`` connects: timeouts, TLS, HTTP/2 and the size of its connection pool.
    public struct Configuration: Sendable {
        /// TLS settings for `https://` URLs.
        public struct TLS: Sendable {
            /// A PEM file of CA certificates to verify servers with instead of the system's, e.g. from
            /// `REQUESTS_CA_BUNDLE` or `CURL_CA_BUNDLE`.
            public var caBundlePath: String?
            /// A PEM client certificate for mutual TLS.
            public var clientCertificatePath: String?
            /// The PEM private key of ``clientCertificatePath``, when it is not in the same file.
            public var clientKeyPath: String?
            /// Whether to verify the server's certificate chain and host name. On by default; turn it off only
            /// for tests or a server you reach over a trusted network.
            public var verify: Bool

            /// Creates TLS settings.
            /// - Parameters:
            ///   - caBundlePath: A PEM file of CA certificates, or `nil` for the system's.
            ///   - clientCertificatePath: A PEM client certificate, or `nil` for none.
            ///   - clientKeyPath: The client certificate's PEM key, or `nil`.
            ///   - verify: Whether to verify the server (default `true`).
            public init(caBundlePath: String? = nil, clientCertificatePath: String? = nil, clientKeyPath: String? = nil, verify: Bool = true) {
                self.caBundlePath = caBundlePath
                self.clientCertificatePath = clientCertificatePath
                self.clientKeyPath = clientKeyPath
                self.verify = verify
            }
        }

        /// The longest a request may take from submission to its last byte, waiting for a pooled connection
        /// included; `nil` for no limit. 600 s by default, as KServe's `predictor_request_timeout_seconds`.
        public var timeout: Duration?
        /// The longest establishing a connection (TCP and TLS) may take; `nil` for libcurl's default (300 s, and
        /// never more than ``timeout``).
        public var connectTimeout: Duration?
        /// TLS settings.
        public var tls: TLS
        /// Speak HTTP/2 without upgrade on `http://` URLs (h2c with prior knowledge). Over TLS, HTTP/2 is
        /// negotiated with ALPN whatever this says.
        ///
        /// With libcurl older than 8.0.0 (Debian 12 has 7.88.1), reusing an h2c connection fails (curl issue 10634),
        /// so there every request opens a connection of its own: correct, but without pooling or multiplexing.
        public var http2PriorKnowledge: Bool
        /// The most connections open to one host at a time (default 64); requests beyond wait for a free one.
        /// The pool keeps up to twice this many idle connections, across hosts, for reuse.
        public var maxConnectionsPerHost: Int
        /// The threads that drive transfers (default 1), each with a libcurl multi handle and a pool of its own;
        /// requests are spread over them in turn. ``maxConnectionsPerHost`` is shared out among them (so there are
        /// never more threads than it), and a request waits for a free connection of its own thread's share. One
        /// thread per core lets a transformer's transfers use every core: with a single one, 1 MiB requests left
        /// a fifth of a 2-core machine idle (docs/performance.md).
        public var threads: Int

        /// Creates a configuration.
        /// - Parameters:
        ///   - timeout: The total time limit of a request, `nil` for none.
        ///   - connectTimeout: The time limit of connecting, `nil` for libcurl's default.
        ///   - tls: TLS settings.
        ///   - http2PriorKnowledge: Use h2c with prior knowledge on `http://` URLs.
        ///   - maxConnectionsPerHost: The most connections to one host (at least 1).
        ///   - threads: The threads that drive transfers (at least 1).
        public init(
            timeout: Duration? = .seconds(600),
            connectTimeout: Duration? = nil,
            tls: TLS = TLS(),
            http2PriorKnowledge: Bool = false,
            maxConnectionsPerHost: Int = 64,
            threads: Int = 1
        ) {
            self.timeout = timeout
            self.connectTimeout = connectTimeout
            self.tls = tls
            self.http2PriorKnowledge = http2PriorKnowledge
            self.maxConnectionsPerHost = maxConnectionsPerHost
            self.threads = threads
        }
    }
}

extension Duration {
    /// This duration in whole milliseconds for a libcurl option, rounded up and at least 1 (0 means "no limit" to
    /// libcurl).
    var curlMilliseconds: Int {
        let (seconds, attoseconds) = components
        if seconds < 0 || (seconds == 0 && attoseconds <= 0) { return 1 }
        let (milliseconds, overflow) = seconds.multipliedReportingOverflow(by: 1000)
        if overflow { return Int.max }
        let extra = (attoseconds + 999_999_999_999_999) / 1_000_000_000_000_000
        return max(1, Int(milliseconds) + Int(extra))
    }
}
