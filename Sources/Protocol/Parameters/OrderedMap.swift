/// A small string-keyed map that keeps keys in insertion order (as a Python dict does, so JSON round-trips keep
/// their key order) and compares without regard to order. Lookups are linear: meant for parameter maps and JSON
/// objects of a few dozen keys, not for large tables.
public struct OrderedMap<Value: Sendable & Equatable>: Sendable, Equatable, ExpressibleByDictionaryLiteral, Sequence {
    /// One key and its value.
    public struct Entry: Sendable, Equatable {
        /// The key.
        public var key: String
        /// The value.
        public var value: Value
    }

    @usableFromInline var entries: [Entry]

    /// An empty map.
    @inlinable
    public init() { entries = [] }

    /// A map with the given entries; a repeated key keeps its last value, as in a Python dict. Inlinable: the
    /// `[:]` of a default argument is then specialised where it is written, instead of an unspecialised generic
    /// call with runtime metadata look-ups (twice per request in the echo predictor, measured with callgrind).
    @inlinable
    public init(dictionaryLiteral elements: (String, Value)...) {
        self.init()
        for (key, value) in elements { self[key] = value }
    }

    /// The value for `key`; setting `nil` removes the key.
    public subscript(key: String) -> Value? {
        get { entries.first { $0.key == key }?.value }
        set {
            if let index = entries.firstIndex(where: { $0.key == key }) {
                if let newValue { entries[index].value = newValue } else { entries.remove(at: index) }
            } else if let newValue {
                entries.append(Entry(key: key, value: newValue))
            }
        }
    }

    /// Removes `key` and returns its value, if it was present.
    @discardableResult
    public mutating func removeValue(forKey key: String) -> Value? {
        guard let index = entries.firstIndex(where: { $0.key == key }) else { return nil }
        return entries.remove(at: index).value
    }

    /// Whether the map is empty.
    public var isEmpty: Bool { entries.isEmpty }
    /// The number of entries.
    public var count: Int { entries.count }
    /// The keys in insertion order.
    public var keys: [String] { entries.map(\.key) }

    /// Iterates the entries in insertion order.
    public func makeIterator() -> IndexingIterator<[Entry]> { entries.makeIterator() }

    /// Equal when both hold the same keys with equal values, in any order.
    public static func == (lhs: OrderedMap, rhs: OrderedMap) -> Bool {
        lhs.count == rhs.count && lhs.entries.allSatisfy { rhs[$0.key] == $0.value }
    }
}

/// The `parameters` map of a request, response or tensor.
public typealias InferParameters = OrderedMap<InferParameter>
