internal import CCurl

/// A libcurl easy handle and its error buffer, reused across transfers by ``CurlMultiDriver``: the options common
/// to all of a client's transfers are set once (``CurlTransfer/prepare(_:_:)``), the request's own on each transfer.
/// Used only on the loop thread.
struct CurlEasyHandle {
    /// The `CURL *`.
    let raw: UnsafeMutableRawPointer
    /// `CURL_ERROR_SIZE` bytes where libcurl writes the detailed text of a failure.
    let errorBuffer: UnsafeMutablePointer<CChar>

    /// A new handle, or `nil` when libcurl cannot allocate one.
    init?() {
        guard let raw = curl_easy_init() else { return nil }
        self.raw = raw
        errorBuffer = .allocate(capacity: ccurl_error_size())
        errorBuffer.initialize(repeating: 0, count: ccurl_error_size())
    }

    /// What libcurl wrote into the error buffer, without a trailing newline; empty when it wrote nothing.
    var errorText: String {
        var text = String(cString: errorBuffer)
        while text.last == "\n" { text.removeLast() }
        return text
    }

    /// Frees the handle. It must not be in a multi handle.
    func destroy() {
        curl_easy_cleanup(raw)
        errorBuffer.deallocate()
    }
}
