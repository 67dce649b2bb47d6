public import InferenceProtocol
internal import Synchronization

/// The models a server serves: KServe's `ModelRepository`. Names (including aliases) keep registration order;
/// each carries a ready flag that `load` sets and `stop`/`unload` clear.
///
/// Changes (register, load, unload, stop) are serialized by the actor; the inference path reads the models
/// through ``servingModel(named:)``, a lock-protected lookup that never hops to the actor's executor (two actor
/// hops per request cost thread switches when several event loops share one repository).
public actor ModelRepository {
    private struct Entry: Sendable {
        let model: any Model
        var ready: Bool
    }

    /// A model's state as `index` reports it.
    public struct ModelState: Sendable, Equatable {
        /// The registered name.
        public var name: String
        /// `Ready` or `NotReady`, as KServe writes it.
        public var state: String
        /// Why it is not ready, if known.
        public var reason: String
    }

    private var order: [String] = []
    private var entries: [String: Entry] = [:] {
        didSet { published.withLock { $0 = entries } }
    }
    /// A copy of ``entries`` for lookups from outside the actor.
    private nonisolated let published = Mutex<[String: Entry]>([:])
    private var failures: [String: String] = [:]

    /// An empty repository.
    public init() {}

    /// Registers `model` under `name` (default: `model.name`); registering a name again replaces the model.
    /// - Parameter ready: Whether the model is ready to serve now (a model registered before `load` is not).
    /// - Throws: `invalidInput` `Failed to register model, model.name must be provided.` for an empty name.
    public func register(_ model: any Model, as name: String? = nil, ready: Bool = true) throws(InferenceError) {
        let key = name ?? model.name
        guard !key.isEmpty else { throw .invalidInput("Failed to register model, model.name must be provided.") }
        if entries[key] == nil { order.append(key) }
        entries[key] = Entry(model: model, ready: ready)
    }

    /// The model registered under `name`.
    public func model(named name: String) -> (any Model)? { entries[name]?.model }

    /// The model registered under `name` and marked ready, looked up without waiting for the actor: `nil` when
    /// the name is unknown or not marked ready (the caller then takes the slow path through the actor).
    public nonisolated func servingModel(named name: String) -> (any Model)? {
        published.withLock { entries in
            guard let entry = entries[name], entry.ready else { return nil }
            return entry.model
        }
    }

    /// Every registered name, in registration order, ready or not (`GET /v1/models`).
    public var names: [String] { order }

    /// Whether `name` is registered, marked ready, and its `healthy()` says so.
    public func isReady(_ name: String) async -> Bool {
        guard let entry = entries[name], entry.ready else { return false }
        return await entry.model.healthy()
    }

    /// Whether `name` is registered and marked ready, without asking the model.
    public func isMarkedReady(_ name: String) -> Bool { entries[name]?.ready ?? false }

    /// Calls the model's `load()` and marks it ready (the `load` route of the repository extension).
    /// - Throws: `modelNotReady` with KServe's detail when loading fails or the name is unknown.
    public func load(_ name: String) async throws(InferenceError) {
        guard let entry = entries[name] else { throw .modelNotReady(name) }
        do {
            try await entry.model.load()
        } catch {
            failures[name] = "\(error)"
            entries[name]?.ready = false
            throw .modelNotReady(name, detail: "Error type: \(type(of: error)) error msg: \(Self.message(of: error))")
        }
        failures[name] = nil
        entries[name]?.ready = true
        guard await entry.model.healthy() else { throw .modelNotReady(name) }
    }

    /// Stops the model and removes the name (the `unload` route).
    /// - Throws: `modelNotFound` for an unknown name.
    public func unload(_ name: String) async throws(InferenceError) {
        guard let entry = entries.removeValue(forKey: name) else { throw .modelNotFound(name) }
        order.removeAll { $0 == name }
        await entry.model.stop()
    }

    /// Every model's state, optionally only the ready ones.
    public func index(onlyReady: Bool = false) async -> [ModelState] {
        var states: [ModelState] = []
        for name in order {
            let ready = await isReady(name)
            if onlyReady && !ready { continue }
            states.append(ModelState(name: name, state: ready ? "Ready" : "NotReady", reason: failures[name] ?? ""))
        }
        return states
    }

    /// Stops every model and marks it not ready (server shutdown).
    public func stopAll() async {
        for name in order {
            guard let entry = entries[name] else { continue }
            entries[name]?.ready = false
            await entry.model.stop()
        }
    }

    private static func message(of error: any Error) -> String {
        (error as? InferenceError)?.message ?? "\(error)"
    }
}
