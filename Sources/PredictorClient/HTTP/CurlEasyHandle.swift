internal import CCurl

/// A libcurl easy handle and its error buffer, reused across transfers by ``CurlMultiDriver`` (a handle's
/// allocations outlive `curl_easy_reset`). Used only on the loop thread.
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

    /// Clears every option of the previous transfer and points the error buffer at this handle's again.
    func reset() {
        curl_easy_reset(raw)
        errorBuffer[0] = 0
        _ = ccurl_easy_setopt_pointer(raw, CURLOPT_ERRORBUFFER, errorBuffer)
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
