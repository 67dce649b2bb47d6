import Synchronization

/// An asynchronous HTTP/1.1 and HTTP/2 client over libcurl's multi interface: the transport a transformer calls
/// its predictor with.
///
/// One client holds ``Configuration/threads`` libcurl multi handles for its whole life, each driven by a dedicated
/// thread and holding its own pool of keep-alive connections (together at most
/// ``Configuration/maxConnectionsPerHost`` to each host); requests go to the threads in turn. ``execute(_:)`` may be
/// called from any task, never blocks a thread while it waits, and cancelling the awaiting task removes the
/// transfer. Create one client and share it.
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
    private let loops: [CurlMultiLoop]
    private let nextLoop = Atomic<Int>(0)

    /// Creates a client and starts its threads.
    /// - Parameter configuration: Timeouts, TLS, HTTP/2, pool size and thread count.
    public init(configuration: Configuration = Configuration()) {
        self.configuration = configuration
        // The connection limit is shared out: a thread for each connection at most, and limits that add up to it.
        let perHost = max(1, configuration.maxConnectionsPerHost)
        let count = min(max(1, configuration.threads), perHost)
        loops = (0..<count).map { index in
            CurlMultiLoop(configuration: configuration, maxConnectionsPerHost: perHost / count + (index < perHost % count ? 1 : 0))
        }
    }

    deinit {
        for loop in loops { loop.shutdown() }
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
        let loop = loops.count == 1 ? loops[0] : loops[nextLoop.wrappingAdd(1, ordering: .relaxed).oldValue % loops.count]
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { continuation in
                inFlight.start(continuation, on: loop)
            }
        } onCancel: {
            inFlight.cancel(on: loop)
        }
    }

    /// Fails the requests in flight with ``HTTPClientError/Code/cancelled``, closes the pooled connections and stops
    /// the client's threads; later calls to ``execute(_:)`` fail the same way. Waits for the threads to end;
    /// idempotent.
    public func shutdown() {
        for loop in loops { loop.shutdown() }
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
