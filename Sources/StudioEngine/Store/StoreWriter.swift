import GRDB
import Synchronization

/// The store's GRDB connection. An error that says the store is damaged, or holds a row this
/// version cannot read, comes out of it as a ``StoreError`` naming the file; the first damage is
/// also kept, for ``SQLiteStateStore/problem``.
final class StoreWriter: Sendable {
    let database: any DatabaseWriter
    private let path: String
    private let firstDamage = Mutex<StoreError?>(nil)

    init(_ database: any DatabaseWriter, path: String) {
        self.database = database
        self.path = path
    }

    /// The damage SQLite first reported, if any.
    var damage: StoreError? { firstDamage.withLock { $0 } }

    func read<T>(_ value: (Database) throws -> T) throws -> T {
        do { return try database.read(value) } catch { throw noting(error) }
    }

    func write<T>(_ updates: (Database) throws -> T) throws -> T {
        do { return try database.write(updates) } catch { throw noting(error) }
    }

    private func noting(_ error: any Error) -> any Error {
        guard let described = StoreError.describing(error, path: path) else { return error }
        if described.isDamage { firstDamage.withLock { $0 = $0 ?? described } }
        return described
    }
}

/// Refuses every commit once the store's file is no longer the one opened (removed, or replaced
/// by another), throwing ``StoreError``: what is written into a removed file is lost with it, so
/// it must not be taken as stored.
final class StoreFileGuard: TransactionObserver, Sendable {
    private let path: String
    private let opened: StoreFileIdentity

    init(path: String, opened: StoreFileIdentity) {
        self.path = path
        self.opened = opened
    }

    func databaseWillCommit() throws {
        // One stat(2) per transaction, beside the writes and locks of the commit itself.
        switch StoreFileIdentity(path: path) {
        case nil: throw StoreError.removed(path)
        case let identity? where identity != opened: throw StoreError.replaced(path)
        default: break
        }
    }

    func observes(eventsOfKind eventKind: DatabaseEventKind) -> Bool { false }
    func databaseDidChange(with event: DatabaseEvent) {}
    func databaseDidCommit(_ db: Database) {}
    func databaseDidRollback(_ db: Database) {}
}
