import FuzzSupport
import InferenceProtocol

/// libFuzzer entry point: the v1 request decoder, and the v1 response writer that copies the text of untouched
/// number arrays (``JSONSourceText``). For every JSON payload it accepts, the response written with the request's
/// text must decode to the same value as the one printed anew: once for the payload as it is, once after changing
/// some of its arrays in place, appending to others and rebuilding others, as a model might.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzV1(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = UnsafeRawBufferPointer(start: data, count: size)
    guard let request = try? V1Request(body: bytes, headers: jsonHeaders, sharingWith: nil),
        case .json(let value) = request.payload
    else { return 0 }
    let sources = request.sourceText.map { [$0] } ?? []
    expectSameValue(value, sources)
    var counter = 0
    expectSameValue(changingSomeArrays(value, &counter), sources)
    return 0
}

private let jsonHeaders = ["content-type": "application/json"]

/// Traps unless `value` written with `sources` decodes to what `value` printed anew decodes to.
private func expectSameValue(_ value: JSONValue, _ sources: [JSONSourceText]) {
    let printed = V1Response(.json(value)).body
    let copied = V1Response(.json(value), reusingTextOf: sources).body
    guard let fresh = try? V1Request(body: printed, headers: jsonHeaders),
        let reused = try? V1Request(body: copied, headers: jsonHeaders)
    else { fatalError("own v1 response did not decode") }
    guard fresh.payload == reused.payload else { fatalError("a copied array's text differs from its value") }
}

/// `value` with some of its arrays changed the ways a model might: an element replaced in place (the element count
/// stays), one appended, or the array rebuilt from its (possibly changed) elements; the rest are left untouched.
private func changingSomeArrays(_ value: JSONValue, _ counter: inout Int) -> JSONValue {
    switch value {
    case .array(var elements):
        counter += 1
        switch counter % 4 {
        case 0:
            if elements.isEmpty { elements.append(.null) } else { elements[elements.count / 2] = .string("changed") }
            return .array(elements)
        case 1:
            elements.append(.int(counter))
            return .array(elements)
        case 2: return .array(elements.map { changingSomeArrays($0, &counter) })
        default: return value
        }
    case .object(var object):
        for key in object.keys { object[key] = object[key].map { changingSomeArrays($0, &counter) } }
        return .object(object)
    default: return value
    }
}

/// SwiftPM links an executable's entry point as `<Module>_main`: hand control to libFuzzer's driver.
@_cdecl("FuzzV1_main")
public func fuzzV1Main(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    runLibFuzzer(argc, argv, fuzzV1)
}
