internal import Synchronization

/// The hand-off from one connection's channel handler to the one task that answers that connection's requests in
/// turn. The connection's requests are already one at a time (``HTTPServerHandler`` queues pipelined ones), so it
/// holds at most one.
///
/// One long-lived task per connection instead of one task per request: a new task's frames outgrow the first slab of
/// its allocator and take about nine `malloc`s and `free`s per request; a task that lives on keeps its slabs.
final class ConnectionRequests<Element: Sendable>: Sendable {
    private enum State {
        /// Nothing submitted; the task is answering or has not asked yet.
        case empty
        /// The task waits for the next request.
        case waiting(UnsafeContinuation<Element?, Never>)
        /// A request the task has not taken yet.
        case holding(Element)
        /// The connection is gone; ``next()`` returns `nil` from now on (after a request still held).
        case finished(Element?)
    }

    private let state = Mutex(State.empty)

    /// Creates an empty hand-off.
    init() {}

    /// Hands over the next request; ignored once ``finish()`` was called.
    func submit(_ element: Element) {
        let waiting: UnsafeContinuation<Element?, Never>? = state.withLock { state in
            switch state {
            case .waiting(let continuation):
                state = .empty
                return continuation
            case .empty:
                state = .holding(element)
                return nil
            case .holding, .finished:
                // One at a time: a second request before the first is taken would be a handler bug; keep the first.
                return nil
            }
        }
        waiting?.resume(returning: element)
    }

    /// Ends the hand-off: the task's next ``next()`` returns `nil`.
    func finish() {
        let waiting: UnsafeContinuation<Element?, Never>? = state.withLock { state in
            switch state {
            case .waiting(let continuation):
                state = .finished(nil)
                return continuation
            case .empty:
                state = .finished(nil)
                return nil
            case .holding(let element):
                state = .finished(element)
                return nil
            case .finished:
                return nil
            }
        }
        waiting?.resume(returning: nil)
    }

    /// The next request, once submitted; `nil` once finished.
    func next() async -> Element? {
        await withUnsafeContinuation { continuation in
            let resumeNow: Element?? = state.withLock { state in
                switch state {
                case .empty:
                    state = .waiting(continuation)
                    return .none
                case .holding(let element):
                    state = .empty
                    return .some(element)
                case .finished(let element):
                    state = .finished(nil)
                    return .some(element)
                case .waiting:
                    preconditionFailure("ConnectionRequests.next() called by two tasks at once")
                }
            }
            if let resumeNow { continuation.resume(returning: resumeNow) }
        }
    }
}
