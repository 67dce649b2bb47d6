/// The KServe REST routes (spec §2.2), matched from a method and a path.
enum RESTRoute: Equatable {
    case live
    case metrics
    case v1ListModels
    case v1ModelReady(String)
    case v1Call(String, verb: String)
    case serverMetadata
    case v2Live
    case v2Ready
    case v2ListModels
    case modelMetadata(String)
    case modelReady(String)
    case infer(String)
    case versioned
    case load(String)
    case unload(String)

    /// What a request resolves to: a route, a known path with the wrong method (405), or an unknown path (404).
    enum Match: Equatable {
        case route(RESTRoute)
        case methodNotAllowed
        case notFound
    }

    /// Matches `path` (already percent-decoded segments) for `method` (`GET`, `POST`, ...).
    static func match(method: String, path: String) -> Match {
        if let name = inferModelName(method: method, path: path) { return .route(.infer(name)) }
        let segments = path.split(separator: "/", omittingEmptySubsequences: false).dropFirst().map(String.init)
        guard path.hasPrefix("/"), !segments.contains(where: \.isEmpty) || segments == [""] else { return .notFound }
        let get = method == "GET"
        let post = method == "POST"
        func only(_ allowed: Bool, _ route: RESTRoute) -> Match { allowed ? .route(route) : .methodNotAllowed }

        switch segments {
        case [""]: return only(get, .live)
        case ["metrics"]: return only(get, .metrics)
        case ["v1", "models"]: return only(get, .v1ListModels)
        case let s where s.count == 3 && s[0] == "v1" && s[1] == "models":
            let name = s[2]
            if post {
                for verb in ["predict", "explain"] where name.hasSuffix(":" + verb) {
                    return .route(.v1Call(String(name.dropLast(verb.count + 1)), verb: verb))
                }
                return .methodNotAllowed
            }
            return only(get, .v1ModelReady(name))
        case ["v2"]: return only(get, .serverMetadata)
        case ["v2", "health", "live"]: return only(get, .v2Live)
        case ["v2", "health", "ready"]: return only(get, .v2Ready)
        case ["v2", "models"]: return only(get, .v2ListModels)
        case let s where s.count >= 3 && s[0] == "v2" && s[1] == "models":
            let name = s[2]
            switch Array(s.dropFirst(3)) {
            case []: return only(get, .modelMetadata(name))
            case ["ready"]: return only(get, .modelReady(name))
            case ["infer"]: return only(post, .infer(name))
            case let rest where rest.count == 2 && rest[0] == "versions": return only(get, .versioned)
            case let rest where rest.count == 3 && rest[0] == "versions" && rest[2] == "ready": return only(get, .versioned)
            case let rest where rest.count == 3 && rest[0] == "versions" && rest[2] == "infer": return only(post, .versioned)
            default: return .notFound
            }
        case let s where s.count == 5 && s[0] == "v2" && s[1] == "repository" && s[2] == "models" && (s[4] == "load" || s[4] == "unload"):
            return only(post, s[4] == "load" ? .load(s[3]) : .unload(s[3]))
        default: return .notFound
        }
    }

    /// The hot route without splitting the path: `POST /v2/models/{name}/infer`, `name` non-empty and free of `/`.
    private static func inferModelName(method: String, path: String) -> String? {
        guard method == "POST" else { return nil }
        var path = path
        return path.withUTF8 { bytes -> String? in
            let prefix = "/v2/models/".utf8, suffix = "/infer".utf8
            guard bytes.count > prefix.count + suffix.count, bytes.starts(with: prefix),
                bytes[(bytes.count - suffix.count)...].elementsEqual(suffix)
            else { return nil }
            let name = UnsafeBufferPointer(rebasing: bytes[prefix.count..<(bytes.count - suffix.count)])
            guard !name.contains(UInt8(ascii: "/")) else { return nil }
            return String(decoding: name, as: UTF8.self)
        }
    }
}
