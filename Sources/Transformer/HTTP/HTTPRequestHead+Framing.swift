internal import InferenceProtocol
internal import NIOHTTP1

extension HTTPRequestHead {
    /// What the server needs before the body: the first `Content-Length` (as an integer; `nil` when absent or not
    /// one) and whether the first `Expect` is `100-continue`. One pass over the headers instead of one
    /// `HTTPHeaders.first(name:)` each.
    var framing: (contentLength: Int?, expectsContinue: Bool) {
        var contentLength: String?
        var expect: String?
        for (name, value) in headers {
            switch name.utf8.count {
            case 14 where contentLength == nil && name.asciiLowercased == "content-length": contentLength = value
            case 6 where expect == nil && name.asciiLowercased == "expect": expect = value
            default: continue
            }
        }
        return (contentLength.flatMap { Int($0) }, expect?.lowercased() == "100-continue")
    }
}
