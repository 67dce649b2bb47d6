internal import CCurl

extension HTTPClientError.Code {
    /// The kind of failure a libcurl result stands for.
    init(_ result: CURLcode) {
        switch result {
        case CURLE_COULDNT_CONNECT, CURLE_COULDNT_RESOLVE_HOST, CURLE_COULDNT_RESOLVE_PROXY:
            self = .connectionFailed
        case CURLE_OPERATION_TIMEDOUT:
            self = .timeout
        case CURLE_GOT_NOTHING, CURLE_RECV_ERROR, CURLE_SEND_ERROR, CURLE_PARTIAL_FILE, CURLE_HTTP2, CURLE_HTTP2_STREAM:
            self = .connectionLost
        case CURLE_SSL_CONNECT_ERROR, CURLE_PEER_FAILED_VERIFICATION, CURLE_SSL_CERTPROBLEM, CURLE_SSL_CIPHER,
            CURLE_SSL_CACERT_BADFILE, CURLE_SSL_ENGINE_NOTFOUND, CURLE_SSL_ENGINE_SETFAILED, CURLE_SSL_ENGINE_INITFAILED,
            CURLE_USE_SSL_FAILED, CURLE_SSL_SHUTDOWN_FAILED, CURLE_SSL_CRL_BADFILE, CURLE_SSL_ISSUER_ERROR,
            CURLE_SSL_PINNEDPUBKEYNOTMATCH, CURLE_SSL_INVALIDCERTSTATUS, CURLE_SSL_CLIENTCERT:
            self = .tls
        default:
            self = .other
        }
    }
}

extension HTTPClientError {
    /// The error of a transfer that ended with `result`, from libcurl's detailed error text when it wrote one
    /// (`CURLOPT_ERRORBUFFER`) and its generic text for the code otherwise.
    init(result: CURLcode, errorText: String, request: HTTPClient.Request) {
        let generic = String(cString: curl_easy_strerror(result))
        let detail = errorText.isEmpty ? generic : "\(errorText) [\(generic)]"
        self.init(Code(result), detail, request: request)
    }
}
