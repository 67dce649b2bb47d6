internal import CCurl
internal import InferenceProtocol
internal import NIOCore

#if canImport(Glibc)
internal import Glibc
#elseif canImport(Musl)
internal import Musl
#endif

/// One request on the wire: an easy handle configured from an ``InFlightRequest``, and the response as libcurl
/// delivers it. Lives on the loop thread only, from ``CurlMultiDriver`` adding it to the multi handle until the
/// driver removes it; libcurl's callbacks reach it through an unretained pointer (the driver keeps it alive).
final class CurlTransfer {
    /// Options that are the same for every transfer of a client, converted once from its configuration.
    struct Settings: Sendable {
        var timeoutMilliseconds: Int?
        var connectTimeoutMilliseconds: Int?
        var caBundlePath: String?
        var clientCertificatePath: String?
        var clientKeyPath: String?
        var verify: Bool
        var http2PriorKnowledge: Bool
        /// libcurl before 8.0.0 fails every request that reuses an h2c prior-knowledge connection with "Error in
        /// the HTTP2 framing layer" (curl issue 10634): there, each such request gets a connection of its own.
        var freshConnectionPerRequest: Bool
        /// No proxy variable is set in the environment. libcurl is then told so on each transfer, as an empty
        /// `CURLOPT_PROXY` and `CURLOPT_NOPROXY`, instead of reading the environment on every transfer. With a
        /// variable set, libcurl reads the environment as usual.
        var environmentHasNoProxy: Bool

        init(_ configuration: HTTPClient.Configuration, environment: (String) -> String? = Settings.environmentValue) {
            timeoutMilliseconds = configuration.timeout?.curlMilliseconds
            connectTimeoutMilliseconds = configuration.connectTimeout?.curlMilliseconds
            caBundlePath = configuration.tls.caBundlePath
            clientCertificatePath = configuration.tls.clientCertificatePath
            clientKeyPath = configuration.tls.clientKeyPath
            verify = configuration.tls.verify
            http2PriorKnowledge = configuration.http2PriorKnowledge
            freshConnectionPerRequest = configuration.http2PriorKnowledge && ccurl_version_num() < 0x08_00_00
            environmentHasNoProxy = Self.proxyVariables.allSatisfy { environment($0) == nil }
        }

        /// The variables libcurl reads for a proxy (`<scheme>_proxy`, its upper-case form, `all_proxy`) and for
        /// hosts to reach without one (`no_proxy`).
        static let proxyVariables = [
            "http_proxy", "HTTP_PROXY", "https_proxy", "HTTPS_PROXY", "all_proxy", "ALL_PROXY", "no_proxy", "NO_PROXY",
        ]

        /// The value of an environment variable, if it is set.
        static func environmentValue(_ name: String) -> String? { getenv(name).map { String(cString: $0) } }
    }

    /// The request this transfer carries out; also keeps its body alive for `CURLOPT_POSTFIELDS`.
    let inFlight: InFlightRequest
    /// The easy handle, returned to the driver's pool when the transfer ends.
    let easy: CurlEasyHandle
    private var headerList: UnsafeMutablePointer<curl_slist>?
    /// The header lines of the response, without its status line.
    private var responseHeaderLines: [UInt8] = []
    private var responseBody = ByteBuffer()
    /// Where libcurl reads a segmented body next.
    private var uploadOffset = 0

    /// A transfer of `inFlight`'s request on `easy`, a handle ``prepare(_:_:)`` set up; ``configure()`` sets the
    /// request's options.
    init(_ inFlight: InFlightRequest, easy: CurlEasyHandle) {
        self.inFlight = inFlight
        self.easy = easy
    }

    deinit {
        curl_slist_free_all(headerList)
    }

    /// The opaque pointer libcurl hands back to the callbacks and `CURLINFO_PRIVATE`.
    var opaque: UnsafeMutableRawPointer { Unmanaged.passUnretained(self).toOpaque() }

    /// The transfer whose ``opaque`` pointer is `pointer`.
    static func from(_ pointer: UnsafeMutableRawPointer) -> CurlTransfer {
        Unmanaged<CurlTransfer>.fromOpaque(pointer).takeUnretainedValue()
    }

    /// Sets the options that are the same for every transfer of a client on a new easy handle, once: the
    /// callbacks, socket and TLS options, timeouts and the HTTP version. Returns the first option libcurl refused.
    /// (Resetting the handle and setting them again for every transfer cost about 10k instructions per request.)
    static func prepare(_ easy: CurlEasyHandle, _ settings: Settings) -> CURLcode {
        let raw = easy.raw
        var result = CURLE_OK
        func check(_ code: CURLcode) { if result == CURLE_OK { result = code } }
        func set(_ option: CURLoption, _ value: Int) { check(ccurl_easy_setopt_long(raw, option, value)) }
        func set(_ option: CURLoption, _ value: String) { check(value.withCString { ccurl_easy_setopt_string(raw, option, $0) }) }

        check(ccurl_easy_setopt_pointer(raw, CURLOPT_ERRORBUFFER, easy.errorBuffer))
        set(CURLOPT_NOSIGNAL, 1)
        set(CURLOPT_TCP_KEEPALIVE, 1)
        // Larger socket writes than libcurl's 64 KiB default: a 1 MB tensor goes out in 4 sends. (A larger receive
        // buffer, CURLOPT_BUFFERSIZE, breaks the next transfer on a reused handle after a reset connection in
        // libcurl 7.88 with CURLE_BAD_FUNCTION_ARGUMENT, so it stays at its default.)
        set(CURLOPT_UPLOAD_BUFFERSIZE, 256 << 10)
        check(
            ccurl_easy_setopt_write_callback(raw) { data, size, count, user in
                let length = size * count
                if length > 0, let data, let user {
                    CurlTransfer.from(user).responseBody.writeBytes(UnsafeRawBufferPointer(start: data, count: length))
                }
                return length
            })
        check(
            ccurl_easy_setopt_header_callback(raw) { data, size, count, user in
                let length = size * count
                if length > 0, let data, let user {
                    CurlTransfer.from(user).receivedHeaderLine(UnsafeRawBufferPointer(start: data, count: length))
                }
                return length
            })
        // Used by segmented bodies only; their data pointers are set per transfer.
        check(
            ccurl_easy_setopt_read_callback(raw) { data, size, count, user in
                guard let data, let user else { return 0 }
                return CurlTransfer.from(user).readBody(into: UnsafeMutableRawBufferPointer(start: data, count: size * count))
            })
        check(
            ccurl_easy_setopt_seek_callback(raw) { user, offset, origin in
                guard let user, origin == 0 /* SEEK_SET */, offset >= 0 else { return 2 }  // CURL_SEEKFUNC_CANTSEEK
                CurlTransfer.from(user).uploadOffset = Int(offset)
                return 0  // CURL_SEEKFUNC_OK
            })

        if settings.environmentHasNoProxy {
            set(CURLOPT_PROXY, "")
            set(CURLOPT_NOPROXY, "")
        }
        if let milliseconds = settings.timeoutMilliseconds { set(CURLOPT_TIMEOUT_MS, milliseconds) }
        if let milliseconds = settings.connectTimeoutMilliseconds { set(CURLOPT_CONNECTTIMEOUT_MS, milliseconds) }
        if settings.http2PriorKnowledge {
            set(CURLOPT_HTTP_VERSION, Int(CURL_HTTP_VERSION_2_PRIOR_KNOWLEDGE))
            if settings.freshConnectionPerRequest {
                set(CURLOPT_FRESH_CONNECT, 1)
                set(CURLOPT_FORBID_REUSE, 1)
            } else {
                set(CURLOPT_PIPEWAIT, 1)
            }
        } else {
            set(CURLOPT_HTTP_VERSION, Int(CURL_HTTP_VERSION_2TLS))
        }
        if let path = settings.caBundlePath { set(CURLOPT_CAINFO, path) }
        if let path = settings.clientCertificatePath { set(CURLOPT_SSLCERT, path) }
        if let path = settings.clientKeyPath { set(CURLOPT_SSLKEY, path) }
        if !settings.verify {
            set(CURLOPT_SSL_VERIFYPEER, 0)
            set(CURLOPT_SSL_VERIFYHOST, 0)
        }
        return result
    }

    /// Sets the options of this transfer's request on its handle, one ``prepare(_:_:)`` set up: URL, callback data,
    /// header fields, method and body. Every one of them is set each time, so nothing of the handle's previous
    /// transfer carries over. Returns the first option libcurl refused.
    func configure() -> CURLcode {
        let raw = easy.raw
        let request = inFlight.request
        var result = CURLE_OK
        func check(_ code: CURLcode) { if result == CURLE_OK { result = code } }
        func set(_ option: CURLoption, _ value: Int) { check(ccurl_easy_setopt_long(raw, option, value)) }
        func set(_ option: CURLoption, _ value: String) { check(value.withCString { ccurl_easy_setopt_string(raw, option, $0) }) }

        easy.errorBuffer[0] = 0
        set(CURLOPT_URL, request.url)
        let opaque = self.opaque
        check(ccurl_easy_setopt_pointer(raw, CURLOPT_PRIVATE, opaque))
        check(ccurl_easy_setopt_pointer(raw, CURLOPT_WRITEDATA, opaque))
        check(ccurl_easy_setopt_pointer(raw, CURLOPT_HEADERDATA, opaque))
        check(ccurl_easy_setopt_pointer(raw, CURLOPT_READDATA, opaque))
        check(ccurl_easy_setopt_pointer(raw, CURLOPT_SEEKDATA, opaque))

        // Header fields. An empty `Expect:` stops libcurl from sending `Expect: 100-continue` on bodies over 1 MiB
        // (its EXPECT_100_THRESHOLD; it never does for smaller bodies of known length) and then waiting a second for
        // an interim response many servers never send. It is left out below half that size: every custom header
        // costs libcurl a formatted write and a compare for each header it looks up. An empty `Content-Type:` stops
        // libcurl from labelling a body it did not get a type for as a form.
        var hasContentType = false
        for (name, value) in request.headers {
            switch name.asciiLowercased {
            case "content-length", "transfer-encoding", "expect": continue
            case "content-type": hasContentType = true
            default: break
            }
            // `Name:` with nothing after it would remove the field; libcurl spells an empty value `Name;`.
            appendHeader(value.isEmpty ? "\(name);" : "\(name): \(value)")
        }
        if (request.body?.count ?? 0) >= Self.expectRemovalThreshold { appendHeader("Expect:") }
        if !hasContentType { appendHeader("Content-Type:") }
        check(ccurl_easy_setopt_pointer(raw, CURLOPT_HTTPHEADER, headerList))

        // Method and body. First back to a plain GET: no body pointer, no custom method, not HEAD (the order
        // matters: setting `CURLOPT_POSTFIELDS` makes the method POST, `CURLOPT_HTTPGET` makes it GET again).
        // `CURLOPT_POSTFIELDS` does not copy: the body's storage is owned by `inFlight`, which this transfer keeps
        // alive until libcurl is done with it, and an array that is never mutated does not move its elements, so
        // the pointer stays valid after `withUnsafeBytes` returns. A segmented body is read through the read
        // callback, straight from its parts into libcurl's upload buffer; the seek callback lets libcurl send it
        // again (on a kept-alive connection the server had closed, say).
        set(CURLOPT_NOBODY, 0)
        check(ccurl_easy_setopt_pointer(raw, CURLOPT_POSTFIELDS, nil))
        set(CURLOPT_HTTPGET, 1)
        check(ccurl_easy_setopt_string(raw, CURLOPT_CUSTOMREQUEST, nil))
        if case .segments(let segments) = request.body {
            set(CURLOPT_POST, 1)
            check(ccurl_easy_setopt_off_t(raw, CURLOPT_POSTFIELDSIZE_LARGE, curl_off_t(segments.count)))
            if request.method != "POST" { set(CURLOPT_CUSTOMREQUEST, request.method) }
        } else if case .bytes(let body) = request.body {
            check(ccurl_easy_setopt_off_t(raw, CURLOPT_POSTFIELDSIZE_LARGE, curl_off_t(body.count)))
            if let base = body.withUnsafeBytes({ $0.baseAddress }), !body.isEmpty {
                check(ccurl_easy_setopt_pointer(raw, CURLOPT_POSTFIELDS, UnsafeMutableRawPointer(mutating: base)))
            } else {
                set(CURLOPT_COPYPOSTFIELDS, "")
            }
            if request.method != "POST" { set(CURLOPT_CUSTOMREQUEST, request.method) }
        } else {
            switch request.method {
            case "GET":
                break
            case "HEAD":
                set(CURLOPT_NOBODY, 1)
            case "POST":
                check(ccurl_easy_setopt_off_t(raw, CURLOPT_POSTFIELDSIZE_LARGE, 0))
                set(CURLOPT_COPYPOSTFIELDS, "")
            default:
                set(CURLOPT_CUSTOMREQUEST, request.method)
            }
        }
        return result
    }

    /// The body size from which `Expect:` is sent empty: half of libcurl's 1 MiB threshold, for a margin.
    static let expectRemovalThreshold = 512 << 10

    /// The read callback of a segmented body: the next bytes from ``uploadOffset``.
    private func readBody(into destination: UnsafeMutableRawBufferPointer) -> Int {
        guard case .segments(let segments) = inFlight.request.body else { return 0 }
        let copied = segments.copyBytes(from: uploadOffset, into: destination)
        uploadOffset += copied
        return copied
    }

    private func appendHeader(_ line: String) {
        headerList = line.withCString { curl_slist_append(headerList, $0) }
    }

    /// One header line as libcurl delivers it, CRLF included. A status line starts a new header block (after a
    /// 1xx interim response only the final block is kept); a `Content-Length` sizes the body buffer up front. The
    /// lines are kept as bytes (``HTTPClient/Response`` reads them when asked).
    private func receivedHeaderLine(_ line: UnsafeRawBufferPointer) {
        guard line.count > 2 else { return }  // the empty line after the head
        if line.count >= 5, line[0] == UInt8(ascii: "H"), line[1] == UInt8(ascii: "T"), line[2] == UInt8(ascii: "T"),
            line[3] == UInt8(ascii: "P"), line[4] == UInt8(ascii: "/")
        {
            responseHeaderLines.removeAll(keepingCapacity: true)
            return
        }
        if responseHeaderLines.capacity == 0 { responseHeaderLines.reserveCapacity(1024) }
        responseHeaderLines.append(contentsOf: line)
        if responseBody.readableBytes == 0, let length = Self.contentLength(in: line), length > 0 {
            responseBody.reserveCapacity(min(length, 1 << 28))
        }
    }

    /// The value of a `Content-Length` line (name in any case), or `nil` for another line or a value that is not
    /// a decimal number.
    private static func contentLength(in line: UnsafeRawBufferPointer) -> Int? {
        let name = Self.contentLengthName
        guard line.count > name.count, line[name.count] == UInt8(ascii: ":") else { return nil }
        for index in 0..<name.count where line[index] | 0x20 != name[index] { return nil }
        var cursor = name.count + 1
        while cursor < line.count, line[cursor] == UInt8(ascii: " ") || line[cursor] == UInt8(ascii: "\t") { cursor += 1 }
        var value = 0
        let first = cursor
        while cursor < line.count, line[cursor] &- UInt8(ascii: "0") < 10, value < 1 << 40 {
            value = value * 10 + Int(line[cursor] &- UInt8(ascii: "0"))
            cursor += 1
        }
        return cursor > first ? value : nil
    }

    /// `content-length` in lower case; `-` is unchanged by the `| 0x20` that lower-cases a letter.
    private static let contentLengthName = Array("content-length".utf8)

    /// The outcome of the transfer once libcurl reports it done with `result`. Moves the collected response out.
    func finish(_ result: CURLcode) -> Result<HTTPClient.Response, HTTPClientError> {
        guard result == CURLE_OK else {
            return .failure(HTTPClientError(result: result, errorText: easy.errorText, request: inFlight.request))
        }
        var status = 0
        _ = ccurl_easy_getinfo_long(easy.raw, CURLINFO_RESPONSE_CODE, &status)
        let response = HTTPClient.Response(status: status, headerLines: responseHeaderLines, body: responseBody)
        responseHeaderLines = []
        responseBody = ByteBuffer()
        return .success(response)
    }
}
