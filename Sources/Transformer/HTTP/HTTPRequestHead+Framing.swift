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
            case 14 where contentLength == nil && name.isASCIICaseInsensitiveEqual(to: "content-length"): contentLength = value
            case 6 where expect == nil && name.isASCIICaseInsensitiveEqual(to: "expect"): expect = value
            default: continue
            }
        }
        return (contentLength.flatMap { Int($0) }, expect?.lowercased() == "100-continue")
    }
}

extension String {
    /// Whether the string equals `lowercase` (which must be lower-case ASCII) ignoring ASCII case.
    fileprivate func isASCIICaseInsensitiveEqual(to lowercase: StaticString) -> Bool {
        var text = self
        return text.withUTF8 { bytes in
            lowercase.withUTF8Buffer { expected in
                guard bytes.count == expected.count else { return false }
                for index in 0..<bytes.count {
                    let byte = bytes[index]
                    let lowered = byte &- UInt8(ascii: "A") < 26 ? byte | 0x20 : byte
                    if lowered != expected[index] { return false }
                }
                return true
            }
        }
    }
}
