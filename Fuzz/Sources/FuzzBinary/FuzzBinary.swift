import FuzzSupport
import InferenceProtocol

/// libFuzzer entry point: the binary-extension request and response decoders. The first two bytes pick the
/// JSON length (modulo the rest of the input), as `Inference-Header-Content-Length` would.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzBinary(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    guard size >= 2 else { return 0 }
    let body = UnsafeRawBufferPointer(start: data + 2, count: size - 2)
    let jsonLength = (Int(data[0]) << 8 | Int(data[1])) % (body.count + 1)
    if let request = try? InferRequest(body: body, jsonLength: jsonLength, modelName: "m") {
        var response = InferResponse(answering: request, outputs: request.inputs)
        response.useBinaryOutputs = true
        if let encoded = try? response.restBody() {
            guard (try? InferResponse(body: encoded.bytes, jsonLength: encoded.jsonLength)) != nil else {
                fatalError("own binary response did not decode")
            }
        }
    }
    _ = try? InferResponse(body: body, jsonLength: jsonLength)
    return 0
}

/// SwiftPM links an executable's entry point as `<Module>_main`: hand control to libFuzzer's driver.
@_cdecl("FuzzBinary_main")
public func fuzzBinaryMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    runLibFuzzer(argc, argv, fuzzBinary)
}
