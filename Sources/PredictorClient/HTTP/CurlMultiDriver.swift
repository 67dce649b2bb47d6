internal import CCurl

/// What the loop thread does: adds submitted requests to the multi handle, removes cancelled ones, lets libcurl
/// move every transfer forward, resumes the requests whose transfers are done, and sleeps in `curl_multi_poll`
/// until a socket is ready, a libcurl timer expires or ``CurlMultiLoop`` wakes it. Owned by the loop thread and
/// used nowhere else.
final class CurlMultiDriver {
    private let loop: CurlMultiLoop
    private let multi: UnsafeMutableRawPointer
    /// The transfers in the multi handle, by request.
    private var active: [ObjectIdentifier: CurlTransfer] = [:]
    /// Easy handles of finished transfers, kept for reuse.
    private var idleHandles: [CurlEasyHandle] = []
    /// How many idle easy handles to keep at most.
    private let maxIdleHandles = 256

    init(loop: CurlMultiLoop, multi: UnsafeMutableRawPointer) {
        self.loop = loop
        self.multi = multi
    }

    /// Runs until the loop is shut down, then fails what is left, frees every handle and closes the connections.
    func run() {
        var running: Int32 = 0
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
            curl_multi_perform(multi, &running)
            collectFinished()
            curl_multi_poll(multi, nil, 0, 60_000, nil)
        }
        for transfer in active.values {
            retire(transfer)
            transfer.inFlight.complete(.failure(.shutdown(transfer.inFlight.request)))
        }
        active = [:]
        for handle in idleHandles { handle.destroy() }
        idleHandles = []
        curl_multi_cleanup(multi)
    }

    /// Starts the transfer of `request`, or fails it when libcurl refuses.
    private func add(_ request: InFlightRequest) {
        let easy: CurlEasyHandle
        if let idle = idleHandles.popLast() {
            easy = idle
        } else if let fresh = CurlEasyHandle() {
            easy = fresh
        } else {
            request.complete(.failure(HTTPClientError(.other, "Out of memory creating a libcurl handle", request: request.request)))
            return
        }
        easy.reset()
        let transfer = CurlTransfer(request, easy: easy)
        let configured = transfer.configure(loop.settings)
        guard configured == CURLE_OK else {
            let error = HTTPClientError(result: configured, errorText: easy.errorText, request: request.request)
            recycle(easy)
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
