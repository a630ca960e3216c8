import Foundation
import Synchronization

extension Executor {
    /// The journeys a restart found running, read from the store a page at a time as they are
    /// admitted, in id order: a backlog of a million is neither read before serving starts nor
    /// held in memory while it waits.
    final class ResumeCursor: Sendable {
        /// The origin of each resumed workflow's journeys; other workflows' stay stored.
        let origins: [String: PendingStart.Origin]
        /// Journeys stored later are this executor's own (an event tracked meanwhile).
        let storedBy: Date
        /// The id of the last journey read; nil before the first.
        private let last = Mutex<String?>(nil)

        init(origins: [String: PendingStart.Origin], storedBy: Date) {
            self.origins = origins
            self.storedBy = storedBy
        }

        /// The next `count` journeys, fewer when some are no longer stored running.
        func next(_ count: Int, from store: any StateStore) throws -> [PendingStart] {
            try last.withLock { last in
                let page = try store.journeys(
                    .running, of: Array(origins.keys), after: last, updatedBy: storedBy, limit: count)
                if let end = page.last { last = end.id }
                return page.compactMap { journey in
                    origins[journey.workflowID].map {
                        PendingStart(id: journey.id, email: journey.email, origin: $0, stage: .resumed(at: journey.nodeID))
                    }
                }
            }
        }
    }
}
