internal import FoundationEssentials

/// The context attributes of a [CloudEvent](https://cloudevents.io) that carried a v1 request, or that wraps
/// its response (spec §3.2, §3.3).
///
/// A v1 request is a CloudEvent in *binary* mode when it has the `ce-specversion`, `ce-source`, `ce-type` and
/// `ce-id` headers (every `ce-<name>` header is an attribute, the HTTP `content-type` is `datacontenttype`), and
/// in *structured* mode when its JSON body is an object with `time`, `type`, `source`, `id`, `specversion` and
/// `data` (every key but `data` is an attribute). The model receives the event's data; the attributes stay here.
public struct CloudEvent: Sendable, Equatable {
    /// How an event travels over HTTP.
    public enum Mode: Sendable, Equatable {
        /// Attributes in `ce-<name>` headers, the data as the body.
        case binary
        /// One JSON document (`application/cloudevents+json`) holding the attributes and `data`.
        case structured
    }

    /// The attributes (`specversion`, `id`, `source`, `type`, `time`, ... and any extensions such as
    /// `custom-extension`), without `data`. Attributes from headers are strings; from a structured body they
    /// are whatever JSON the sender put there.
    public var attributes: JSONObject

    /// Creates an event from its attributes.
    /// - Parameter attributes: The context attributes, without `data`.
    public init(attributes: JSONObject) {
        self.attributes = attributes
    }
}

// MARK: Request side

extension CloudEvent {
    /// The headers whose joint presence makes a request a binary-mode CloudEvent
    /// (the CloudEvents SDK's `has_binary_headers`).
    static let binaryModeHeaders = ["ce-specversion", "ce-source", "ce-type", "ce-id"]

    /// The keys whose joint presence makes a JSON object a structured-mode CloudEvent
    /// (KServe's `is_structured_cloudevent`).
    static let structuredModeKeys = ["time", "type", "source", "id", "specversion", "data"]

    /// The specification versions the CloudEvents SDK accepts.
    static let supportedSpecVersions = ["1.0", "0.3"]

    /// The attributes the CloudEvents SDK writes first, in its order; extensions follow.
    static let standardAttributes = ["specversion", "id", "source", "type", "datacontenttype", "dataschema", "subject", "time"]

    /// Whether `headers` (lower-case names) carry a binary-mode CloudEvent.
    static func hasBinaryModeHeaders(_ headers: [String: String]) -> Bool {
        binaryModeHeaders.allSatisfy { headers[$0] != nil }
    }

    /// Reads the attributes of a binary-mode event: `ce-<name>` headers become `<name>`, `content-type` becomes
    /// `datacontenttype`. Standard attributes come first in the SDK's order, then extensions sorted by name (the
    /// header map has no order of its own).
    /// - Throws: `invalidInput` `Cloud Event Exceptions: Found invalid specversion <v>` for a specification
    ///   version the SDK does not know.
    init(binaryModeHeaders headers: [String: String]) throws(InferenceError) {
        var found: [String: String] = [:]
        for (name, value) in headers where name.hasPrefix("ce-") && name.utf8.count > 3 {
            found[String(name.dropFirst(3))] = value
        }
        if let contentType = headers["content-type"] { found["datacontenttype"] = contentType }
        let specVersion = found["specversion"] ?? ""
        guard CloudEvent.supportedSpecVersions.contains(specVersion) else {
            throw .invalidInput("Cloud Event Exceptions: Found invalid specversion \(specVersion)")
        }
        var attributes = JSONObject()
        for name in CloudEvent.standardAttributes {
            if let value = found.removeValue(forKey: name) { attributes[name] = .string(value) }
        }
        for name in found.keys.sorted() {
            if let value = found[name] { attributes[name] = .string(value) }
        }
        self.init(attributes: attributes)
    }
}

// MARK: Response side

/// How CloudEvent responses are labelled: KServe's `CE_SOURCE`, `CE_TYPE` and `CE_MERGE` environment variables
/// (spec §3.3). Read them once with ``fromEnvironment()`` and pass the value to ``V1Response``.
public struct CloudEventSettings: Sendable, Equatable {
    /// `CE_SOURCE`: the response's `source`; `nil` means `io.kserve.inference.<model name>`.
    public var source: String?
    /// `CE_TYPE`: the response's `type`; `nil` means `io.kserve.inference.response`.
    public var type: String?
    /// `CE_MERGE=true` (any case): start the response's attributes from the request's, so that request
    /// extensions are echoed; `id` and `time` are always new.
    public var merge: Bool

    /// Creates settings; the defaults are KServe's when none of the variables is set.
    /// - Parameters:
    ///   - source: The response `source`, or `nil` for `io.kserve.inference.<model name>`.
    ///   - type: The response `type`, or `nil` for `io.kserve.inference.response`.
    ///   - merge: Whether request attributes are carried over to the response.
    public init(source: String? = nil, type: String? = nil, merge: Bool = false) {
        self.source = source
        self.type = type
        self.merge = merge
    }

    /// The settings from the given environment variables.
    /// - Parameter environment: Variable names to values, e.g. `["CE_MERGE": "true"]`.
    /// - Returns: `CE_SOURCE` and `CE_TYPE` as given (even when empty, as Python's `os.getenv`), and `merge`
    ///   when `CE_MERGE` is `true` in any case.
    public static func fromEnvironment(_ environment: [String: String]) -> CloudEventSettings {
        CloudEventSettings(
            source: environment["CE_SOURCE"],
            type: environment["CE_TYPE"],
            merge: environment["CE_MERGE"]?.lowercased() == "true"
        )
    }

    /// The settings from this process's environment.
    /// - Returns: See ``fromEnvironment(_:)``.
    public static func fromEnvironment() -> CloudEventSettings {
        fromEnvironment(ProcessInfo.processInfo.environment)
    }
}

extension CloudEvent {
    /// The attributes of the event answering a request (KServe's `create_response_cloudevent`).
    ///
    /// Without merge: `specversion` `1.0`, `id`, `source`, `type`, `time`. With merge: the request's attributes
    /// (binary mode without `datacontenttype`) minus `id` and `time`, then `type` and `source` as above, and a
    /// `specversion` of `1.0` if the request had none.
    /// - Parameters:
    ///   - request: The request's event, if the request body was one.
    ///   - mode: How the response travels.
    ///   - modelName: The model, for the default `source`.
    ///   - settings: `CE_SOURCE`, `CE_TYPE`, `CE_MERGE`.
    ///   - id: The new event id.
    ///   - time: The new event time (RFC 3339).
    init(respondingTo request: CloudEvent?, mode: Mode, modelName: String, settings: CloudEventSettings, id: String, time: String) {
        var attributes = JSONObject()
        if settings.merge, let request {
            attributes = request.attributes
            if mode == .binary { attributes["datacontenttype"] = nil }
            attributes["id"] = nil
            attributes["time"] = nil
        }
        attributes["type"] = .string(settings.type ?? "io.kserve.inference.response")
        attributes["source"] = .string(settings.source ?? "io.kserve.inference.\(modelName)")
        if attributes["specversion"] == nil { attributes["specversion"] = "1.0" }
        attributes["id"] = .string(id)
        attributes["time"] = .string(time)
        self.init(attributes: attributes)
    }

    /// The attributes in the CloudEvents SDK's output order: standard attributes first, then extensions in
    /// insertion order.
    var orderedAttributes: [JSONObject.Entry] {
        var standard: [JSONObject.Entry] = []
        for name in CloudEvent.standardAttributes {
            if let value = attributes[name] { standard.append(JSONObject.Entry(key: name, value: value)) }
        }
        let extensions = attributes.filter { !CloudEvent.standardAttributes.contains($0.key) }
        return standard + extensions
    }

    /// Binary mode: one `ce-<name>` header per attribute (the SDK's `to_binary`; `datacontenttype` travels as
    /// the HTTP content type instead). String attributes are sent as they are, others as compact JSON.
    func binaryModeHeaders() -> [(name: String, value: String)] {
        orderedAttributes.compactMap { entry in
            guard entry.key != "datacontenttype" else { return nil }
            if case .string(let text) = entry.value { return ("ce-" + entry.key, text) }
            var writer = JSONWriter()
            writer.write(entry.value)
            return ("ce-" + entry.key, String(decoding: writer.bytes, as: UTF8.self))
        }
    }

    /// Structured mode: the attributes and the data as one JSON document, written as the SDK writes it with
    /// Python's `json.dumps` (`", "` and `": "` separators, non-ASCII escaped): standard attributes, then
    /// `data` (or `data_base64` for raw bytes), then extensions.
    func structuredModeBody(data: V1Payload) -> [UInt8] {
        var writer = JSONWriter(style: .python)
        writer.append(UInt8(ascii: "{"))
        var first = true
        func separate() {
            if !first { writer.comma() }
            first = false
        }
        let ordered = orderedAttributes
        let standardCount = ordered.prefix { CloudEvent.standardAttributes.contains($0.key) }.count
        for entry in ordered.prefix(standardCount) {
            separate()
            writer.key(entry.key)
            writer.write(entry.value)
        }
        separate()
        switch data {
        case .json(let value):
            writer.plainKey("data")
            writer.write(value)
        case .raw(let bytes, _):
            writer.plainKey("data_base64")
            writer.writeString(Data(bytes).base64EncodedString())
        }
        for entry in ordered.dropFirst(standardCount) {
            separate()
            writer.key(entry.key)
            writer.write(entry.value)
        }
        writer.append(UInt8(ascii: "}"))
        return writer.bytes
    }

    /// A new event id: a lower-case random (version 4) UUID.
    static func newID() -> String { UUID().uuidString.lowercased() }

    /// The current time as Python's `datetime.now(timezone.utc).isoformat()` writes it,
    /// e.g. `2021-01-28T21:04:43.144141+00:00`.
    static func now() -> String {
        let seconds = Date().timeIntervalSince1970
        return timestamp(microsecondsSince1970: Int64((seconds * 1_000_000).rounded(.down)))
    }

    /// RFC 3339 UTC time with microseconds and a `+00:00` offset, e.g. `2021-01-28T21:04:43.144141+00:00`.
    /// - Parameter microsecondsSince1970: Microseconds since 1970-01-01T00:00:00Z.
    static func timestamp(microsecondsSince1970 micros: Int64) -> String {
        let microsPerDay: Int64 = 86_400_000_000
        var days = micros / microsPerDay
        var rest = micros % microsPerDay
        if rest < 0 {
            rest += microsPerDay
            days -= 1
        }
        // Civil date from days since the epoch (Howard Hinnant's days_from_civil, inverted).
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let dayOfEra = z - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let shiftedMonth = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * shiftedMonth + 2) / 5 + 1
        let month = shiftedMonth < 10 ? shiftedMonth + 3 : shiftedMonth - 9
        let year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0)

        let secondOfDay = rest / 1_000_000
        func pad(_ value: Int64, _ width: Int) -> String {
            let digits = String(value)
            return String(repeating: "0", count: max(0, width - digits.count)) + digits
        }
        return "\(pad(year, 4))-\(pad(month, 2))-\(pad(day, 2))T\(pad(secondOfDay / 3600, 2)):\(pad(secondOfDay / 60 % 60, 2)):"
            + "\(pad(secondOfDay % 60, 2)).\(pad(rest % 1_000_000, 6))+00:00"
    }
}
