import FuzzSupport
import InferenceProtocol

/// libFuzzer entry point: the v2 JSON request decoder, and for every request it accepts, the encoders and a
/// decode of what they wrote (which must succeed: anything we accept we must be able to send on).
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzJSON(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = UnsafeRawBufferPointer(start: data, count: size)
    guard let request = try? InferRequest(json: bytes, modelName: "m") else { return 0 }
    let response = InferResponse(answering: request, outputs: request.inputs)
    if let body = try? response.restBody() {
        guard (try? InferResponse(body: body.bytes, jsonLength: body.jsonLength)) != nil else { fatalError("own response body did not decode") }
    }
    if let body = try? request.restBody(binaryInputs: true) {
        guard (try? InferRequest(body: body.bytes, jsonLength: body.jsonLength ?? body.bytes.count, modelName: "m")) != nil else {
            fatalError("own binary request did not decode")
        }
    }
    return 0
}

/// SwiftPM links an executable's entry point as `<Module>_main`: hand control to libFuzzer's driver.
@_cdecl("FuzzJSON_main")
public func fuzzJSONMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    runLibFuzzer(argc, argv, fuzzJSON)
}
