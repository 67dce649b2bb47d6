import NIOCore
import Testing

@testable import PredictorClient

/// ``HTTPClient/Response`` keeps the header lines as received and reads fields from them when asked.
@Suite struct ResponseHeaderTests {
    static let lines = Array(
        ("Content-Type: application/json\r\nX-Spaced:  \t padded value \t\r\nno colon here\r\nEmpty:\r\n"
            + "Inference-Header-Content-Length: 42\r\nx-spaced: second\r\n").utf8)

    @Test func fieldsHaveLowerCasedNamesAndTrimmedValuesInOrder() {
        let response = HTTPClient.Response(status: 200, headerLines: Self.lines, body: ByteBuffer())
        let fields = response.headers.map { "\($0.name)=\($0.value)" }
        #expect(
            fields == ["content-type=application/json", "x-spaced=padded value", "empty=", "inference-header-content-length=42", "x-spaced=second"])
    }

    @Test func lookupIgnoresCaseAndTakesTheFirstField() {
        let response = HTTPClient.Response(status: 200, headerLines: Self.lines, body: ByteBuffer())
        #expect(response.value(forHeader: "INFERENCE-header-content-length") == "42")
        #expect(response.value(forHeader: "x-spaced") == "padded value")
        #expect(response.value(forHeader: "empty") == "")
        #expect(response.value(forHeader: "content") == nil)
        #expect(response.value(forHeader: "no colon here") == nil)
        // Only letters fold: `-` and `\r` (0x2D, 0x0D) must not match each other, nor `@` and `` ` ``.
        #expect(HTTPClient.Response(status: 200, headers: [("a\r", "1")]).value(forHeader: "a-") == nil)
        #expect(HTTPClient.Response(status: 200, headers: [("x@", "1")]).value(forHeader: "x`") == nil)
    }

    @Test func fieldsGivenAsPairsReadBackTheSame() {
        var response = HTTPClient.Response(status: 204, headers: [("content-type", "text/plain"), ("x-a", "1")])
        #expect(response.headers.map(\.value) == ["text/plain", "1"])
        #expect(response.value(forHeader: "Content-Type") == "text/plain")
        response.headers = [("x-b", "2")]
        #expect(response.headers.map(\.name) == ["x-b"])
        #expect(response.value(forHeader: "content-type") == nil)
    }
}
