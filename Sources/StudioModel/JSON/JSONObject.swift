/// A JSON object that remembers the order its keys were first written in.
public struct JSONObject: Sendable, Hashable {
    /// Keys and values live in one copy-on-write class, so copying an object (every lookup of a nested
    /// value through `JSONValue.object` does) costs one retain rather than one per array.
    private var storage: Storage

    /// Objects up to this many keys are searched by comparing keys, which for the short keys of
    /// profiles and payloads is several times cheaper than hashing; larger ones also keep a key index.
    static let linearSearchLimit = 16

    public init() { storage = Self.emptyStorage }

    public init(_ pairs: some Sequence<(String, JSONValue)>) {
        storage = Storage()
        for (key, value) in pairs { self[key] = value }
    }

    /// Keys in insertion order.
    public var keys: [String] { storage.keys }

    public subscript(key: String) -> JSONValue? {
        get {
            guard let position = storage.position(of: key) else { return nil }
            return storage.values[position]
        }
        set {
            makeUnique()
            storage.set(newValue, forKey: key)
        }
    }

    public var count: Int { storage.keys.count }

    /// Whether both are one object of the data rather than equal copies: JavaScript's `===` on objects.
    func isSameInstance(as other: JSONObject) -> Bool { storage === other.storage }
    public var isEmpty: Bool { storage.keys.isEmpty }

    /// Key–value pairs in insertion order.
    public var pairs: [(key: String, value: JSONValue)] {
        let storage = storage
        return storage.keys.indices.map { (storage.keys[$0], storage.values[$0]) }
    }

    /// Appends the compact JSON text of this object (as `JSONValue.object(self).jsonText`) to `out`.
    public func appendJSON(to out: inout [UInt8]) {
        let storage = storage
        out.append(UInt8(ascii: "{"))
        for position in storage.keys.indices {
            if position > 0 { out.append(UInt8(ascii: ",")) }
            JSONValue.writeQuoted(storage.keys[position], to: &out)
            out.append(UInt8(ascii: ":"))
            storage.values[position].appendJSON(to: &out)
        }
        out.append(UInt8(ascii: "}"))
    }

    /// Equal when both hold the same keys with equal values, in any order.
    public static func == (lhs: JSONObject, rhs: JSONObject) -> Bool {
        if lhs.storage === rhs.storage { return true }
        guard lhs.count == rhs.count else { return false }
        let left = lhs.storage
        for position in left.keys.indices where rhs[left.keys[position]] != left.values[position] { return false }
        return true
    }

    /// Independent of key order, as `==` is (combined the way `Dictionary` does it).
    public func hash(into hasher: inout Hasher) {
        var commutative = 0
        let storage = storage
        for position in storage.keys.indices {
            var element = Hasher()
            element.combine(storage.keys[position])
            element.combine(storage.values[position])
            commutative ^= element.finalize()
        }
        hasher.combine(commutative)
    }

    private mutating func makeUnique() {
        if !isKnownUniquelyReferenced(&storage) { storage = storage.copy() }
    }

    private static let emptyStorage = Storage()

    /// The mutable backing of a `JSONObject`.
    ///
    /// `@unchecked Sendable`: it is only mutated through `JSONObject`'s setter after `makeUnique()`, so an
    /// instance reachable from more than one value is never written. For the same reason no read can overlap
    /// a write, so the properties skip the runtime exclusivity checks, which cost more than the lookups.
    final class Storage: @unchecked Sendable {
        @exclusivity(unchecked) var keys: [String] = []
        @exclusivity(unchecked) var values: [JSONValue] = []
        /// Key to position, kept only above `linearSearchLimit` keys.
        @exclusivity(unchecked) var positions: [String: Int]?

        init() {}

        func copy() -> Storage {
            let copy = Storage()
            copy.keys = keys
            copy.values = values
            copy.positions = positions
            return copy
        }

        @inline(__always)
        func position(of key: String) -> Int? {
            if let positions { return positions[key] }
            // Comparing lengths first skips the out-of-line string comparison for most non-matching keys.
            let length = key.utf8.count
            for position in keys.indices where keys[position].utf8.count == length && keys[position] == key {
                return position
            }
            return nil
        }

        func set(_ value: JSONValue?, forKey key: String) {
            let existing = position(of: key)
            if let value {
                if let existing {
                    values[existing] = value
                    return
                }
                keys.append(key)
                values.append(value)
                if positions != nil {
                    positions?[key] = keys.count - 1
                } else if keys.count > JSONObject.linearSearchLimit {
                    rebuildPositions()
                }
            } else if let existing {
                keys.remove(at: existing)
                values.remove(at: existing)
                if positions != nil { rebuildPositions() }
            }
        }

        private func rebuildPositions() {
            guard keys.count > JSONObject.linearSearchLimit else {
                positions = nil
                return
            }
            var index: [String: Int] = [:]
            index.reserveCapacity(keys.count)
            for (position, key) in keys.enumerated() { index[key] = position }
            positions = index
        }
    }
}
