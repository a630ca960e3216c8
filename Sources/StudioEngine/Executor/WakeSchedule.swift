/// Journeys asleep in a delay (or deliveries until a retry), by the instant they wake: a binary
/// min-heap, so that a million sleepers need one timer and a small value each, not a million timers.
struct WakeSchedule<Sleeper> {
    private struct Entry {
        /// `DispatchTime.uptimeNanoseconds` of the wake-up.
        var deadline: UInt64
        /// Arrival order, so that sleepers due at the same instant wake first in, first out.
        var order: UInt64
        var sleeper: Sleeper

        func precedes(_ other: Entry) -> Bool {
            (deadline, order) < (other.deadline, other.order)
        }
    }

    private var heap: [Entry] = []
    private var arrivals: UInt64 = 0

    var count: Int { heap.count }

    /// When the first sleeper wakes; nil when none sleeps.
    var earliest: UInt64? { heap.first?.deadline }

    mutating func insert(_ sleeper: Sleeper, wakingAt deadline: UInt64) {
        arrivals += 1
        heap.append(Entry(deadline: deadline, order: arrivals, sleeper: sleeper))
        var child = heap.count - 1
        while child > 0 {
            let parent = (child - 1) / 2
            guard heap[child].precedes(heap[parent]) else { break }
            heap.swapAt(child, parent)
            child = parent
        }
    }

    /// Removes and returns the sleepers due by `now`, earliest first.
    mutating func removeDue(by now: UInt64) -> [Sleeper] {
        var due: [Sleeper] = []
        while let first = heap.first, first.deadline <= now {
            due.append(first.sleeper)
            let last = heap.removeLast()
            guard !heap.isEmpty else { break }
            heap[0] = last
            siftDown()
        }
        return due
    }

    private mutating func siftDown() {
        var parent = 0
        while true {
            let left = 2 * parent + 1
            let right = left + 1
            var first = parent
            if left < heap.count, heap[left].precedes(heap[first]) { first = left }
            if right < heap.count, heap[right].precedes(heap[first]) { first = right }
            guard first != parent else { return }
            heap.swapAt(parent, first)
            parent = first
        }
    }
}
