import Synchronization

/// A request between ``HTTPClient/execute(_:)`` and its answer: the one object both the awaiting task and the
/// loop thread refer to. Its ``StateMachine`` decides, under a lock, who resumes the continuation, so that a
/// response, a cancellation and a shutdown racing each other resume it exactly once.
final class InFlightRequest: Sendable {
    /// The request. Its body stays alive (and unmoved) as long as this object, which the loop holds until the
    /// transfer has left the multi handle.
    let request: HTTPClient.Request
    private let state = Mutex(StateMachine())

    init(_ request: HTTPClient.Request) {
        self.request = request
    }

    /// Stores the continuation and hands the request to `loop`, or fails it at once when its task was
    /// cancelled first or the loop is shut down.
    func start(_ continuation: CheckedContinuation<HTTPClient.Response, any Error>, on loop: CurlMultiLoop) {
        // The submission is enqueued under this request's lock, so that a cancellation (which takes the same lock
        // first) always reaches the loop after the submission it cancels.
        let failure: HTTPClientError? = state.withLock { state in
            switch state.start(continuation) {
            case .submit:
                if loop.submit(self) { return nil }
                _ = state.finish()
                return .shutdown(request)
            case .failCancelled:
                return .cancelled(request)
            }
        }
        if let failure { continuation.resume(throwing: failure) }
    }

    /// Called when the awaiting task is cancelled: resumes the continuation with a `cancelled` error at once, and
    /// asks the loop to remove the transfer.
    func cancel(on loop: CurlMultiLoop) {
        switch state.withLock({ $0.cancel() }) {
        case .none:
            break
        case .failAndRemove(let continuation):
            continuation.resume(throwing: HTTPClientError.cancelled(request))
            loop.cancel(self)
        }
    }

    /// Resumes the continuation with `result`, unless a cancellation already did.
    func complete(_ result: Result<HTTPClient.Response, HTTPClientError>) {
        state.withLock { $0.finish() }?.resume(with: result.mapError { $0 })
    }
}
