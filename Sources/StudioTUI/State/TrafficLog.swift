import StudioModel

/// A fixed-capacity ring of attempts: O(1) append, oldest dropped first.
///
/// Entries are addressed by a sequence number that keeps growing across drops, so a selection
/// survives the ring wrapping.
public struct TrafficLog: Sendable, Hashable {
    public let capacity: Int
    private var storage: [AttemptRecord] = []
    private var head = 0
    /// Sequence number of the oldest entry still held.
    public private(set) var firstSequence = 0
    /// Entries pushed out by the ring plus those the source reported as dropped.
    public private(set) var droppedCount = 0

    public init(capacity: Int = 10_000) {
        self.capacity = max(1, capacity)
        storage.reserveCapacity(min(self.capacity, 1024))
    }

    public var count: Int { storage.count }
    public var isEmpty: Bool { storage.isEmpty }
    /// One past the newest sequence number.
    public var endSequence: Int { firstSequence + storage.count }

    /// The entry at a position from 0 (oldest held) to `count - 1` (newest).
    public subscript(position: Int) -> AttemptRecord? {
        guard position >= 0, position < storage.count else { return nil }
        return storage[(head + position) % storage.count]
    }

    public var last: AttemptRecord? { self[count - 1] }

    public mutating func append(_ record: AttemptRecord) {
        if storage.count < capacity {
            storage.append(record)
        } else {
            storage[head] = record
            head = (head + 1) % capacity
            firstSequence += 1
            droppedCount += 1
        }
    }

    public mutating func append(contentsOf records: [AttemptRecord], sourceDropped: Int = 0) {
        droppedCount += max(0, sourceDropped)
        for record in records { append(record) }
    }

    /// Newest entries first, for as long as `keepGoing` accepts them.
    public func reversed(while keepGoing: (AttemptRecord) -> Bool) -> [AttemptRecord] {
        var result: [AttemptRecord] = []
        var position = count - 1
        while let record = self[position], keepGoing(record) {
            result.append(record)
            position -= 1
        }
        return result
    }
}
