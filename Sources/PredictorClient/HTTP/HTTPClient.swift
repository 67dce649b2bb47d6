/// An asynchronous HTTP/1.1 and HTTP/2 client over libcurl's multi interface: the transport a transformer calls
/// its predictor with.
///
/// One client holds one libcurl multi handle for its whole life, and with it a pool of keep-alive connections
/// (at most ``Configuration/maxConnectionsPerHost`` to each host). A single dedicated thread drives every transfer
/// with `curl_multi_poll`; ``execute(_:)`` may be called from any task, never blocks a thread while it waits,
/// and cancelling the awaiting task removes the transfer. Create one client and share it.
///
/// ```swift
/// let response = try await withHTTPClient(configuration: .init(timeout: .seconds(60))) { client in
///     try await client.execute(.init(method: "POST", url: "http://predictor/v1/models/m:predict", body: body))
/// }
/// ```
///
/// Call ``shutdown()`` when done (``withHTTPClient(configuration:isolation:_:)`` does); the last reference going
/// away shuts the client down too.
public final class HTTPClient: Sendable {
    /// The configuration the client was created with.
    public let configuration: Configuration
    private let loop: CurlMultiLoop

    /// Creates a client and starts its thread.
    /// - Parameter configuration: Timeouts, TLS, HTTP/2 and pool size.
    public init(configuration: Configuration = Configuration()) {
        self.configuration = configuration
        loop = CurlMultiLoop(configuration: configuration)
    }

    deinit {
        loop.shutdown()
    }

    /// Sends `request` and returns the server's response, whatever its status.
    ///
    /// If the awaiting task is cancelled, the transfer is removed and the call throws an ``HTTPClientError`` with
    /// the code ``HTTPClientError/Code/cancelled`` at once.
    /// - Parameter request: The request; its body is not copied.
    /// - Returns: The response, with its complete body.
    /// - Throws: ``HTTPClientError`` when no complete response arrived: connection failure, reset or truncation,
    ///   timeout, TLS failure, cancellation or shutdown.
    public func execute(_ request: Request) async throws -> Response {
        if let problem = request.malformation {
            throw HTTPClientError(.other, "Malformed request: \(problem)", request: request)
        }
        let inFlight = InFlightRequest(request)
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { continuation in
                inFlight.start(continuation, on: loop)
            }
        } onCancel: {
            inFlight.cancel(on: loop)
        }
    }

    /// Fails the requests in flight with ``HTTPClientError/Code/cancelled``, closes the pooled connections and stops
    /// the client's thread; later calls to ``execute(_:)`` fail the same way. Waits for the thread to end;
    /// idempotent.
    public func shutdown() {
        loop.shutdown()
    }
}

/// Runs `body` with a new ``HTTPClient`` and shuts the client down when `body` returns or throws.
/// - Parameters:
///   - configuration: The client's configuration.
///   - isolation: The caller's actor, inherited.
///   - body: The work to do with the client.
/// - Returns: What `body` returns.
/// - Throws: What `body` throws.
public func withHTTPClient<Result>(
    configuration: HTTPClient.Configuration = HTTPClient.Configuration(),
    isolation: isolated (any Actor)? = #isolation,
    _ body: (HTTPClient) async throws -> Result
) async rethrows -> Result {
    let client = HTTPClient(configuration: configuration)
    defer { client.shutdown() }
    return try await body(client)
}
