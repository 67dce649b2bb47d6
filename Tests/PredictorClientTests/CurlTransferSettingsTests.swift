import Testing

@testable import PredictorClient

/// When the client tells libcurl there is no proxy (so that libcurl stops reading the environment per transfer):
/// only when none of the proxy variables libcurl reads is set.
@Suite struct CurlTransferSettingsTests {
    @Test func withoutProxyVariablesLibcurlIsToldThereIsNone() {
        let settings = CurlTransfer.Settings(HTTPClient.Configuration()) { name in name == "PATH" ? "/usr/bin" : nil }
        #expect(settings.environmentHasNoProxy)
    }

    @Test(arguments: ["http_proxy", "HTTP_PROXY", "https_proxy", "HTTPS_PROXY", "all_proxy", "ALL_PROXY", "no_proxy", "NO_PROXY"])
    func anyProxyVariableLeavesTheEnvironmentToLibcurl(variable: String) {
        let settings = CurlTransfer.Settings(HTTPClient.Configuration()) { name in name == variable ? "http://127.0.0.1:3128" : nil }
        #expect(!settings.environmentHasNoProxy)
    }

    @Test func anEmptyVariableCountsAsSet() {
        // An empty variable is still set: the client leaves it to libcurl rather than judging what it means.
        let settings = CurlTransfer.Settings(HTTPClient.Configuration()) { name in name == "no_proxy" ? "" : nil }
        #expect(!settings.environmentHasNoProxy)
    }
}
