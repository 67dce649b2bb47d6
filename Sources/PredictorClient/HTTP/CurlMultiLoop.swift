internal import CCurl
import Synchronization

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// The thread that drives a client's libcurl multi handle, and the queue through which tasks on any thread hand
/// it work.
///
/// Submitting appends to a lock-protected queue and, when the queue was empty, wakes the thread out of
/// `epoll_wait` through an eventfd. Everything that touches libcurl happens on the thread, in ``CurlMultiDriver``. The multi handle, and so the pool of
/// connections, lives until ``shutdown()``.
final class CurlMultiLoop: Sendable {
    /// Work handed to the thread.
    struct Work {
        var submissions: [InFlightRequest] = []
        var cancellations: [InFlightRequest] = []
        var isShutDown = false
    }

    /// The `CURLM *`. Only the loop thread uses it; it frees the handle once it has seen the shutdown.
    private nonisolated(unsafe) let multi: UnsafeMutableRawPointer
    /// The driver's epoll descriptor and the eventfd that wakes it (closed by the driver when it ends).
    let epollFD: Int32
    let wakeFD: Int32
    private let queue = Mutex(Work())
    private let thread = Mutex<pthread_t?>(nil)
    /// Per-transfer options, derived once from the configuration.
    let settings: CurlTransfer.Settings

    /// libcurl's global initialisation, done once per process before the first handle is made.
    private static let globalInitialization: CURLcode = ccurl_global_init_default()

    /// Creates the multi handle, which opens at most `maxConnectionsPerHost` connections to one host, and starts its
    /// thread.
    init(configuration: HTTPClient.Configuration, maxConnectionsPerHost: Int) {
        precondition(Self.globalInitialization == CURLE_OK, "curl_global_init failed: \(Self.globalInitialization.rawValue)")
        guard let multi = curl_multi_init() else { fatalError("curl_multi_init failed (out of memory)") }
        self.multi = multi
        var wake: Int32 = -1
        epollFD = ccurl_epoll_create(&wake)
        guard epollFD >= 0 else { fatalError("epoll_create1/eventfd failed: \(errno)") }
        wakeFD = wake
        settings = CurlTransfer.Settings(configuration)
        let perHost = max(1, maxConnectionsPerHost)
        _ = ccurl_multi_setopt_long(multi, CURLMOPT_MAX_HOST_CONNECTIONS, perHost)
        _ = ccurl_multi_setopt_long(multi, CURLMOPT_MAXCONNECTS, perHost * 2)
        startThread()
    }

    private func startThread() {
        let context = Unmanaged.passRetained(self).toOpaque()
        var handle = pthread_t()
        let status = pthread_create(
            &handle, nil,
            { context in
                let loop = Unmanaged<CurlMultiLoop>.fromOpaque(context!).takeRetainedValue()
                CurlMultiDriver(loop: loop, multi: loop.multi, epollFD: loop.epollFD, wakeFD: loop.wakeFD).run()
                return nil
            }, context)
        guard status == 0 else { fatalError("pthread_create failed: \(status)") }
        thread.withLock { $0 = handle }
    }

    /// Queues a request for the thread. Returns `false` when the loop is shut down.
    func submit(_ request: InFlightRequest) -> Bool {
        queue.withLock { work in
            if work.isShutDown { return false }
            work.submissions.append(request)
            if work.submissions.count == 1 && work.cancellations.isEmpty { ccurl_wake(wakeFD) }
            return true
        }
    }

    /// Asks the thread to remove the transfer of a request whose task was cancelled.
    func cancel(_ request: InFlightRequest) {
        queue.withLock { work in
            if work.isShutDown { return }
            work.cancellations.append(request)
            if work.cancellations.count == 1 && work.submissions.isEmpty { ccurl_wake(wakeFD) }
        }
    }

    /// Everything queued since the last call; called by the thread.
    func takeWork() -> Work {
        queue.withLock { work in
            var taken = Work()
            swap(&taken.submissions, &work.submissions)
            swap(&taken.cancellations, &work.cancellations)
            taken.isShutDown = work.isShutDown
            return taken
        }
    }

    /// Stops accepting requests, fails those in flight with a `cancelled` error, and waits for the thread to close
    /// the pooled connections and end. Idempotent.
    func shutdown() {
        queue.withLock { work in
            if work.isShutDown { return }
            work.isShutDown = true
            ccurl_wake(wakeFD)
        }
        guard let handle = thread.withLock({ $0.take() }) else { return }
        if pthread_equal(handle, pthread_self()) != 0 {
            pthread_detach(handle)
        } else {
            pthread_join(handle, nil)
        }
    }
}
