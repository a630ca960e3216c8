import Foundation
import GRDB
import StudioEngine
import StudioModel
import Testing

/// The store's file as it is on disk: removed or replaced under a running process, cut short,
/// damaged, or written by a newer version. Each is refused with a ``StoreError`` that names the
/// file, never taken for an empty store or written into unseen.
struct StoreFileTests {
    /// A folder with a store opened in it, and the store's path.
    private func openedStore() throws -> (folder: URL, path: String, store: SQLiteStateStore) {
        let folder = try EngineFixtures.temporaryDirectory()
        let path = folder.appendingPathComponent(".hookline/state.sqlite").path
        return (folder, path, try SQLiteStateStore(path: path))
    }

    /// A folder with a file `state.sqlite` holding `contents` (nothing opened), and its path.
    private func storeFile(holding contents: Data) throws -> (folder: URL, path: String) {
        let folder = try EngineFixtures.temporaryDirectory()
        let path = folder.appendingPathComponent("state.sqlite").path
        try contents.write(to: URL(fileURLWithPath: path))
        return (folder, path)
    }

    /// The error `body` throws, which must be a ``StoreError``.
    private func storeError(_ body: () throws -> Void, sourceLocation: Testing.SourceLocation = #_sourceLocation) throws
        -> StoreError
    {
        do {
            try body()
        } catch let error as StoreError {
            return error
        } catch {
            Issue.record("not a StoreError: \(error)", sourceLocation: sourceLocation)
            throw error
        }
        Issue.record("nothing thrown", sourceLocation: sourceLocation)
        throw CancellationError()
    }

    /// `git clean -fdX` removes `.hookline/` under a running `hookline serve`: SQLite goes on
    /// writing into the unlinked file, so what it accepts is lost when it stops. Every write is
    /// refused instead, naming the file.
    @Test func aStoreWhoseFolderWasRemovedRefusesEveryWriteAndNamesItsFile() throws {
        let (folder, path, store) = try openedStore()
        defer { try? FileManager.default.removeItem(at: folder) }
        try store.saveUsers(EngineFixtures.users)
        #expect(store.problem == nil)

        try FileManager.default.removeItem(at: folder.appendingPathComponent(".hookline"))
        let refused = try storeError { try store.saveUsers([["email": "dee@example.com"]]) }
        #expect(refused.isFileGone)
        #expect(refused.description.hasPrefix("\(path) was removed while this process had it open"), "\(refused)")
        let event = TrackedEvent(email: "dee@example.com", name: "signup")
        #expect(throws: StoreError.self) { try store.startJourneys([], within: [:], recording: event) }
        #expect(store.problem?.isFileGone == true)
        // Reading the open file still works: the studio keeps showing what it had.
        #expect(try store.user(email: "ada@example.com") != nil)
    }

    /// A store created anew at the path (`hookline init` again, a restore) is another file: the
    /// process that opened the old one must not be taken to write into the new one.
    @Test func aStoreReplacedByAnotherFileRefusesWrites() throws {
        let (folder, path, store) = try openedStore()
        defer { try? FileManager.default.removeItem(at: folder) }
        for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) }
        _ = try SQLiteStateStore(path: path)

        let refused = try storeError { try store.saveUsers(EngineFixtures.users) }
        #expect(refused.description.hasPrefix("\(path) was replaced by another file"), "\(refused)")
    }

    /// As `hookline run` leaves it (its write-ahead log beside it, not checkpointed), a store
    /// whose main file is then cut short opens without complaint: SQLite finds the missing pages
    /// only when a query reaches them, and a command worked on meanwhile, sending what it could
    /// not record.
    @Test func aStoreCutShortBesideItsWriteAheadLogIsRefusedAsDamaged() throws {
        let (folder, path, store) = try openedStore()
        defer { try? FileManager.default.removeItem(at: folder) }
        let padding = String(repeating: "x", count: 400)
        try store.saveUsers((0..<2000).map { ["email": .string("u\($0)@example.com"), "note": .string(padding)] })
        _ = try DatabaseQueue(path: path).writeWithoutTransaction { try $0.checkpoint(.truncate) }
        try store.saveUsers([["email": "late@example.com"]])
        // The files as a killed process leaves them: copied while the store is open.
        let copy = folder.appendingPathComponent("copy/state.sqlite").path
        try FileManager.default.createDirectory(
            atPath: (copy as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        for suffix in ["", "-wal"] { try FileManager.default.copyItem(atPath: path + suffix, toPath: copy + suffix) }
        let size = try #require(try FileManager.default.attributesOfItem(atPath: copy)[.size] as? Int)
        try #require(truncate(copy, off_t(size / 2)) == 0)

        let refused = try storeError { _ = try SQLiteStateStore(path: copy) }
        #expect(refused.isDamage)
        #expect(refused.description.hasPrefix("\(copy) is damaged (the file is \(size / 2) bytes where its header says"), "\(refused)")
        #expect(refused.description.contains("restore it from a backup"))
    }

    /// A damaged file SQLite itself refuses is reported with its path and what to do, not as
    /// `SQLite error 11 … while executing SELECT * FROM sqlite_master`.
    @Test func aStoreSQLiteFindsDamagedNamesItsFile() throws {
        let (folder, path) = try storeFile(holding: Data(repeating: 0x5A, count: 8192))
        defer { try? FileManager.default.removeItem(at: folder) }

        let refused = try storeError { _ = try SQLiteStateStore(path: path) }
        #expect(refused.isDamage)
        #expect(refused.description.hasPrefix("\(path) is damaged ("), "\(refused)")
    }

    /// SQLite takes an empty file for an empty database. Beside a write-ahead log that is not
    /// empty, it is a store cut short, and what the log holds would be read as a database it
    /// does not describe.
    @Test func anEmptyStoreFileBesideAWriteAheadLogIsRefused() throws {
        let (folder, path) = try storeFile(holding: Data())
        defer { try? FileManager.default.removeItem(at: folder) }
        try Data(repeating: 1, count: 4096).write(to: URL(fileURLWithPath: path + "-wal"))

        let refused = try storeError { _ = try SQLiteStateStore(path: path) }
        #expect(refused.description.hasPrefix("\(path) is empty (0 bytes) but its write-ahead log"), "\(refused)")
    }

    /// An empty file alone is a new store, as SQLite (and `touch`) make it; the store says so.
    @Test func anEmptyStoreFileAloneBecomesANewStoreAndSaysSo() throws {
        let (folder, path) = try storeFile(holding: Data())
        defer { try? FileManager.default.removeItem(at: folder) }

        let store = try SQLiteStateStore(path: path)
        #expect(store.wasEmptyFile)
        try store.saveUsers(EngineFixtures.users)
        #expect(try SQLiteStateStore(path: path).wasEmptyFile == false)
    }

    /// A newer Hookline's migrations are not this one's to guess at: its store is refused, not
    /// written with this version's idea of the schema.
    @Test func aStoreMigratedByANewerHooklineIsRefused() throws {
        let (folder, path, store) = try openedStore()
        defer { try? FileManager.default.removeItem(at: folder) }
        try store.saveUsers(EngineFixtures.users)
        try DatabaseQueue(path: path).write { try $0.execute(sql: "INSERT INTO grdb_migrations VALUES ('v99-future')") }

        for readonly in [false, true] {
            let refused = try storeError { _ = try SQLiteStateStore(path: path, readonly: readonly) }
            #expect(
                refused.description
                    == "\(path) was written by a newer hookline (its migration v99-future is unknown to this one): use that "
                    + "version, or move it away with its -wal and -shm files to start with an empty store")
        }
    }

    /// A column this version writes that is gone (an incompatible schema, a change by hand)
    /// would make every attempt fail to record while its request is sent: refused at open.
    @Test func aStoreLackingAColumnThisVersionWritesIsRefused() throws {
        let (folder, path, store) = try openedStore()
        defer { try? FileManager.default.removeItem(at: folder) }
        try store.saveUsers(EngineFixtures.users)
        try DatabaseQueue(path: path).write {
            try $0.execute(sql: "ALTER TABLE attempt RENAME COLUMN latencyMs TO latencyMicros")
        }

        let refused = try storeError { _ = try SQLiteStateStore(path: path, readonly: true) }
        #expect(
            refused.description.hasPrefix("\(path) is not a store this hookline can write: column attempt.latencyMs is missing"))
    }

    /// Tables and columns a newer version added, with defaults, do no harm and are kept.
    @Test func tablesAndColumnsAddedBesideThisVersionsAreTaken() throws {
        let (folder, path, store) = try openedStore()
        defer { try? FileManager.default.removeItem(at: folder) }
        try DatabaseQueue(path: path).write {
            try $0.execute(sql: "CREATE TABLE futureThing (id INTEGER PRIMARY KEY)")
            try $0.execute(sql: "ALTER TABLE attempt ADD COLUMN region TEXT NOT NULL DEFAULT 'eu'")
        }
        try store.saveUsers(EngineFixtures.users)
        #expect(try SQLiteStateStore(path: path).userCount() == 3)
    }

    /// A read-only store opens without creating or changing anything.
    @Test func aReadOnlyOpenLeavesTheFilesAsTheyAre() throws {
        let (folder, path, store) = try openedStore()
        defer { try? FileManager.default.removeItem(at: folder) }
        try store.saveUsers(EngineFixtures.users)
        let reader = try SQLiteStateStore(path: path, readonly: true)
        #expect(try reader.userCount() == 3)
        #expect(throws: (any Error).self) { try reader.saveUsers([["email": "dee@example.com"]]) }
    }
}
