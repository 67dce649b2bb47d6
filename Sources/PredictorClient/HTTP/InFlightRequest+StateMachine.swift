extension InFlightRequest {
    /// The life of one request as the awaiting task sees it. Each event returns what to do; the caller does it
    /// outside the lock.
    ///
    ///     idle ──start──▶ waiting ──finish / cancel──▶ finished
    ///       └──cancel──▶ cancelledBeforeStart ──start──▶ finished
    struct StateMachine {
        typealias Continuation = CheckedContinuation<HTTPClient.Response, any Error>

        enum State {
            /// Created; the task has not reached `withCheckedThrowingContinuation` yet.
            case idle
            /// The task was cancelled before it submitted the request.
            case cancelledBeforeStart
            /// Submitted; the continuation waits for a response, a failure or a cancellation.
            case waiting(Continuation)
            /// The continuation has been resumed.
            case finished
        }

        enum StartAction: Equatable {
            /// Hand the request to the loop.
            case submit
            /// Resume the continuation with a `cancelled` error; do not submit.
            case failCancelled
        }

        enum CancelAction {
            /// Nothing to do: the request is not started yet (its start will fail), or it is finished.
            case none
            /// Resume this continuation with a `cancelled` error and remove the transfer from the loop.
            case failAndRemove(Continuation)
        }

        private(set) var state = State.idle

        /// The task has its continuation.
        mutating func start(_ continuation: Continuation) -> StartAction {
            switch state {
            case .idle:
                state = .waiting(continuation)
                return .submit
            case .cancelledBeforeStart:
                state = .finished
                return .failCancelled
            case .waiting, .finished:
                preconditionFailure("an HTTP request was started twice")
            }
        }

        /// The task was cancelled.
        mutating func cancel() -> CancelAction {
            switch state {
            case .idle:
                state = .cancelledBeforeStart
                return .none
            case .waiting(let continuation):
                state = .finished
                return .failAndRemove(continuation)
            case .cancelledBeforeStart, .finished:
                return .none
            }
        }

        /// The transfer ended (response, failure or shutdown): returns the continuation to resume, or `nil` when
        /// a cancellation already resumed it.
        mutating func finish() -> Continuation? {
            switch state {
            case .waiting(let continuation):
                state = .finished
                return continuation
            case .idle, .cancelledBeforeStart, .finished:
                return nil
            }
        }
    }
}
