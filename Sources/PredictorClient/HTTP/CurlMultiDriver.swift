internal import CCurl

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// What the loop thread does: adds submitted requests to the multi handle, removes cancelled ones, lets libcurl
/// move transfers forward, resumes the requests whose transfers are done, and sleeps in `epoll_wait` until a socket
/// is ready, a libcurl timer expires or ``CurlMultiLoop`` wakes it. Owned by the loop thread and used nowhere else.
///
/// It uses libcurl's socket interface (`curl_multi_socket_action`): libcurl says which sockets to watch for what
/// and when its next timeout is, and only the transfers whose sockets are ready do any work. (`curl_multi_poll`
/// with `curl_multi_perform` rebuilds a `poll` set of every connection and visits every transfer on each wake-up:
/// about a fifth of the thread's time at 16 requests in flight, measured with `perf`.)
final class CurlMultiDriver {
    private let loop: CurlMultiLoop
    private let multi: UnsafeMutableRawPointer
    /// The transfers in the multi handle, by request.
    private var active: [ObjectIdentifier: CurlTransfer] = [:]
    /// Easy handles of finished transfers, kept for reuse.
    private var idleHandles: [CurlEasyHandle] = []
    /// How many idle easy handles to keep at most.
    private let maxIdleHandles = 256

    private let epollFD: Int32
    private let wakeFD: Int32
    /// When libcurl wants `curl_multi_socket_action(CURL_SOCKET_TIMEOUT)` called next (monotonic milliseconds), if ever.
    private var timerDeadline: Int64?

    init(loop: CurlMultiLoop, multi: UnsafeMutableRawPointer, epollFD: Int32, wakeFD: Int32) {
        self.loop = loop
        self.multi = multi
        self.epollFD = epollFD
        self.wakeFD = wakeFD
    }

    private static func now() -> Int64 {
        var time = timespec()
        clock_gettime(CLOCK_MONOTONIC, &time)
        return Int64(time.tv_sec) * 1000 + Int64(time.tv_nsec) / 1_000_000
    }

    /// Installs the socket and timer callbacks, which reach this driver through an unretained pointer (the driver
    /// outlives the multi handle's use).
    private func installCallbacks() {
        let opaque = Unmanaged.passUnretained(self).toOpaque()
        _ = ccurl_multi_setopt_socket_callback(
            multi,
            { _, socket, what, user, socketData in
                guard let user else { return 0 }
                let driver = Unmanaged<CurlMultiDriver>.fromOpaque(user).takeUnretainedValue()
                _ = ccurl_epoll_watch(driver.multi, driver.epollFD, socket, what, socketData)
                return 0
            }, opaque)
        _ = ccurl_multi_setopt_timer_callback(
            multi,
            { _, milliseconds, user in
                guard let user else { return 0 }
                let driver = Unmanaged<CurlMultiDriver>.fromOpaque(user).takeUnretainedValue()
                driver.timerDeadline = milliseconds < 0 ? nil : CurlMultiDriver.now() + Int64(milliseconds)
                return 0
            }, opaque)
    }

    /// Runs libcurl's timeout actions if their time has come.
    private func fireTimerIfDue(_ running: inout Int32) {
        guard let deadline = timerDeadline, deadline <= Self.now() else { return }
        timerDeadline = nil
        curl_multi_socket_action(multi, ccurl_socket_timeout(), 0, &running)
    }

    /// Runs until the loop is shut down, then fails what is left, frees every handle and closes the connections.
    func run() {
        installCallbacks()
        var running: Int32 = 0
        var readyFDs = [Int32](repeating: 0, count: 64)
        var readyEvents = [Int32](repeating: 0, count: 64)
        while true {
            let work = loop.takeWork()
            if work.isShutDown {
                for request in work.submissions { request.complete(.failure(.shutdown(request.request))) }
                break
            }
            if !work.cancellations.isEmpty {
                var cancelled = Set<ObjectIdentifier>()
                for request in work.cancellations {
                    cancelled.insert(ObjectIdentifier(request))
                    if let transfer = active.removeValue(forKey: ObjectIdentifier(request)) { retire(transfer) }
                }
                for request in work.submissions where !cancelled.contains(ObjectIdentifier(request)) { add(request) }
            } else {
                for request in work.submissions { add(request) }
            }
            fireTimerIfDue(&running)
            collectFinished()
            let timeout = timerDeadline.map { Int32(clamping: max(0, min($0 - Self.now(), 60_000))) } ?? 60_000
            let count = ccurl_epoll_wait(epollFD, &readyFDs, &readyEvents, timeout)
            for index in 0..<Int(max(count, 0)) {
                if readyFDs[index] == wakeFD {
                    ccurl_clear_wake(wakeFD)
                } else {
                    curl_multi_socket_action(multi, readyFDs[index], readyEvents[index], &running)
                }
            }
            fireTimerIfDue(&running)
            collectFinished()
        }
        for transfer in active.values {
            retire(transfer)
            transfer.inFlight.complete(.failure(.shutdown(transfer.inFlight.request)))
        }
        active = [:]
        for handle in idleHandles { handle.destroy() }
        idleHandles = []
        curl_multi_cleanup(multi)
        close(epollFD)
        close(wakeFD)
    }

    /// Starts the transfer of `request`, or fails it when libcurl refuses.
    private func add(_ request: InFlightRequest) {
        let easy: CurlEasyHandle
        if let idle = idleHandles.popLast() {
            easy = idle
        } else if let fresh = CurlEasyHandle() {
            let prepared = CurlTransfer.prepare(fresh, loop.settings)
            guard prepared == CURLE_OK else {
                let error = HTTPClientError(result: prepared, errorText: fresh.errorText, request: request.request)
                fresh.destroy()
                request.complete(.failure(error))
                return
            }
            easy = fresh
        } else {
            request.complete(.failure(HTTPClientError(.other, "Out of memory creating a libcurl handle", request: request.request)))
            return
        }
        let transfer = CurlTransfer(request, easy: easy)
        let configured = transfer.configure()
        guard configured == CURLE_OK else {
            // Some of this request's options may be set and others not: the handle is not reused.
            let error = HTTPClientError(result: configured, errorText: easy.errorText, request: request.request)
            easy.destroy()
            request.complete(.failure(error))
            return
        }
        let added = curl_multi_add_handle(multi, easy.raw)
        guard added == CURLM_OK else {
            recycle(easy)
            let text = String(cString: curl_multi_strerror(added))
            request.complete(.failure(HTTPClientError(.other, "curl_multi_add_handle failed: \(text)", request: request.request)))
            return
        }
        active[ObjectIdentifier(request)] = transfer
    }

    /// Resumes the requests whose transfers libcurl reports done.
    private func collectFinished() {
        var remaining: Int32 = 0
        while let message = curl_multi_info_read(multi, &remaining) {
            guard message.pointee.msg == CURLMSG_DONE, let raw = message.pointee.easy_handle else { continue }
            let result = ccurl_msg_result(message)
            var pointer: UnsafeMutableRawPointer?
            _ = ccurl_easy_getinfo_pointer(raw, CURLINFO_PRIVATE, &pointer)
            guard let pointer else { continue }
            let transfer = CurlTransfer.from(pointer)
            let outcome = transfer.finish(result)
            active.removeValue(forKey: ObjectIdentifier(transfer.inFlight))
            retire(transfer)
            transfer.inFlight.complete(outcome)
        }
    }

    /// Takes a transfer out of the multi handle and keeps its easy handle for reuse.
    private func retire(_ transfer: CurlTransfer) {
        curl_multi_remove_handle(multi, transfer.easy.raw)
        recycle(transfer.easy)
    }

    private func recycle(_ easy: CurlEasyHandle) {
        if idleHandles.count < maxIdleHandles {
            idleHandles.append(easy)
        } else {
            easy.destroy()
        }
    }
}
