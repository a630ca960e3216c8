import Foundation
import GRDB

extension SQLiteStateStore {
    /// A store file opened and checked.
    struct Opening {
        var database: DatabasePool
        var wasEmptyFile: Bool
    }

    /// Opens the file at `path` (creating it and its folder unless `readonly`), migrates it and
    /// checks it as ``init(path:readonly:)`` says.
    static func openStore(path: String, readonly: Bool) throws -> Opening {
        let folder = URL(fileURLWithPath: path).deletingLastPathComponent().path
        // SQLite takes a missing or empty file for an empty database, and the migrations would
        // make it a new store: a reader (`logs`, `validate`, `watch`) would write ~90 KB, a log
        // and lock files where the user expects it to read. Checked before the lock, whose file
        // a reader does not create either.
        if readonly {
            try requireStored(at: path)
        } else {
            do {
                try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
            } catch {
                throw StoreError.unusable(folder, "cannot create the folder: \((error as NSError).localizedDescription)")
            }
        }
        // Processes opening a new store at once (the executor, `hookline watch`, imports) take
        // turns: switching a new file to WAL needs it to themselves, and SQLite answers a second
        // opener "database is locked" at once, without waiting; GRDB also reads which migrations
        // are applied outside the transaction that applies one, so two would both apply it
        // ("duplicate column name"). The turn lasts the open and any migration, not the work after.
        return try whileHoldingLock(at: path + ".migration-lock", creating: !readonly) {
            // Looked at in this process's turn: a store another process is creating is empty
            // for a moment.
            let size = fileSize(path)
            if size == 0, let logSize = fileSize(path + "-wal"), logSize > 0 {
                throw StoreError.emptyWithLog(path, walBytes: logSize)
            }
            if readonly { try requireStored(at: path) }
            // SQLite opens a file it cannot write for reading only, without a word, and fails at
            // the first write: after the journeys it started had sent their requests.
            if !readonly, let problem = writeAccessProblem(path: path, folder: folder) { throw problem }
            do {
                return Opening(database: try openMigrated(path: path, readonly: readonly), wasEmptyFile: size == 0)
            } catch {
                throw openingError(error, path: path, folder: folder, readonly: readonly)
            }
        }
    }

    /// Throws, for a reader, when nothing is stored at `path`: no file (``StoreError/missing(_:)``),
    /// or an empty one (``StoreError/empty(_:)``; ``StoreError/emptyWithLog(_:walBytes:)`` when
    /// a write-ahead log beside it is not empty). The file is left as it is.
    private static func requireStored(at path: String) throws {
        guard let size = fileSize(path) else { throw StoreError.missing(path) }
        guard size == 0 else { return }
        if let logSize = fileSize(path + "-wal"), logSize > 0 { throw StoreError.emptyWithLog(path, walBytes: logSize) }
        throw StoreError.empty(path)
    }

    /// Runs `body` while this process holds an exclusive `flock` on the file at `path`, waiting
    /// for another process to let go of it; unless `creating`, only when the file is there (a
    /// process that creates or migrates a store makes it first).
    private static func whileHoldingLock<T>(at path: String, creating: Bool, _ body: () throws -> T) throws -> T {
        var descriptor = creating ? open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o600) : -1
        // A reader of a store in a folder it may not write still takes its turn.
        if descriptor < 0 { descriptor = open(path, O_RDONLY | O_CLOEXEC) }
        guard descriptor >= 0 else { return try body() }
        defer { close(descriptor) }
        _ = flock(descriptor, LOCK_EX)
        return try body()
    }

    private static func openMigrated(path: String, readonly: Bool) throws -> DatabasePool {
        do {
            return try openMigrated(at: path, path: path, readonly: readonly)
        } catch let error as DatabaseError where readonly && isPermissionError(error) && (fileSize(path + "-wal") ?? 0) == 0 {
            // In a folder this user may not write, SQLite cannot make the -shm file it reads a
            // WAL-mode store with. Closed cleanly (no log beside it), the store is all in its
            // file and no process writes it: read as a file that does not change.
            return try openMigrated(at: immutableLocation(of: path), path: path, readonly: true)
        }
    }

    /// `file:PATH?immutable=1`: SQLite reads the file without locks or a -shm file.
    private static func immutableLocation(of path: String) -> String {
        var allowed = CharacterSet.urlPathAllowed
        allowed.remove(charactersIn: "?#%")
        return "file:\(path.addingPercentEncoding(withAllowedCharacters: allowed) ?? path)?immutable=1"
    }

    /// The store at `location` (its path, or a URI for it), opened, checked and migrated.
    private static func openMigrated(at location: String, path: String, readonly: Bool) throws -> DatabasePool {
        let migrator = Self.migrator
        try checkLength(at: location, path: path)
        var database = try makePool(path: location, readonly: readonly)
        let (superseded, complete) = try database.read { db in
            (try migrator.hasBeenSuperseded(db), try migrator.hasCompletedMigrations(db))
        }
        if superseded { throw StoreError.newer(path, identifiers: try database.read(unknownMigrations)) }
        if !complete {
            if readonly {
                // A store an older version wrote is migrated once, then read like any other.
                do {
                    try migrator.migrate(try makePool(path: path, readonly: false))
                } catch let error as DatabaseError where isPermissionError(error) {
                    throw StoreError.notWritable(path, "an older hookline wrote it, and it must be upgraded once to be read")
                }
                database = try makePool(path: path, readonly: true)
            } else {
                try migrator.migrate(database)
            }
        }
        try database.read { db in try checkSchema(db, path: path) }
        return database
    }

    /// Throws when the file is shorter than its own header says and SQLite finds it damaged.
    ///
    /// A file cut short (a copy or a disk image cut off, `truncate`) opens without complaint when
    /// its write-ahead log holds the first pages: SQLite only finds the damage when a query
    /// reaches a missing page, and a process would work on meanwhile. `PRAGMA quick_check`
    /// reads the whole file (a 53 MB store here: 0.07–0.1 s from the page cache, 0.8–2.7 s cold
    /// or beside a build), too slow for every `hookline events track`; so it runs only when the
    /// header and the size disagree, which a checkpoint cut off by a crash also leaves, with the
    /// missing pages still in the log: SQLite's check tells the two apart.
    ///
    /// Checked through a connection that only reads: closing the last connection that may write
    /// checkpoints the log into the file, which must not happen to a file about to be refused.
    private static func checkLength(at location: String, path: String) throws {
        guard let size = fileSize(path), let promised = SQLiteHeader(path: path)?.databaseSize, size < promised else {
            return
        }
        let problems = try makePool(path: location, readonly: true).read { db in
            try String.fetchAll(db, sql: "PRAGMA quick_check(3)")
        }
        guard problems != ["ok"] else { return }
        // One line: SQLite starts with `*** in database main ***` and a line break.
        let found = problems.flatMap { $0.split(whereSeparator: \.isNewline) }.filter { !$0.hasPrefix("***") }
        throw StoreError.damaged(
            path, "the file is \(size) bytes where its header says \(promised); " + found.joined(separator: "; "))
    }

    private static func makePool(path: String, readonly: Bool) throws -> DatabasePool {
        var configuration = Configuration()
        // `hookline watch` and other commands open the same file while the executor writes.
        configuration.busyMode = .timeout(5)
        configuration.readonly = readonly
        return try DatabasePool(path: path, configuration: configuration)
    }

    /// The migrations the store lists that this version does not register, in order.
    private static func unknownMigrations(_ db: Database) throws -> [String] {
        let known = Set(migrator.migrations)
        return try String.fetchAll(db, sql: "SELECT identifier FROM grdb_migrations ORDER BY identifier").filter {
            !known.contains($0)
        }
    }

    /// Every table this version creates, with its columns: read once from an in-memory store
    /// migrated as a file is.
    private static let expectedColumns: [(table: String, columns: [String])] = {
        do {
            let database = try DatabaseQueue()
            try SQLiteStateStore.migrator.migrate(database)
            return try database.read(SQLiteStateStore.columns(of:))
        } catch {
            return []
        }
    }()

    private static func columns(of db: Database) throws -> [(table: String, columns: [String])] {
        let tables = try String.fetchAll(
            db, sql: "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name")
        return try tables.map { table in (table, try db.columns(in: table).map(\.name)) }
    }

    /// Throws when a table or column this version reads and writes is missing (an incompatible
    /// schema, a change by hand); more of them (a newer version's additions) do no harm.
    private static func checkSchema(_ db: Database, path: String) throws {
        // SQLite compares names ignoring case.
        var present: [String: Set<String>] = [:]
        for (table, columns) in try columns(of: db) { present[table.lowercased()] = Set(columns.map { $0.lowercased() }) }
        var missing: [String] = []
        for (table, expected) in expectedColumns {
            guard let columns = present[table.lowercased()] else {
                missing.append("table \(table)")
                continue
            }
            missing += expected.filter { !columns.contains($0.lowercased()) }.map { "column \(table).\($0)" }
        }
        guard missing.isEmpty else { throw StoreError.schema(path, missing: missing) }
    }

    /// `error`, from opening the store, as a ``StoreError`` that names the file (or the folder
    /// or file beside it at fault) and says what to do.
    private static func openingError(_ error: any Error, path: String, folder: String, readonly: Bool) -> any Error {
        if let described = StoreError.describing(error, path: path) { return described }
        guard let error = error as? DatabaseError else { return StoreError.unusable(path, "\(error)") }
        if isPermissionError(error) {
            for candidate in [path, path + "-wal", path + "-shm"] where access(candidate, F_OK) == 0 {
                if access(candidate, R_OK) != 0 { return StoreError.notReadable(candidate, "mode \(mode(candidate))") }
            }
            if let problem = writeAccessProblem(path: path, folder: folder) { return problem }
        }
        if error.resultCode == .SQLITE_FULL {
            return StoreError.unusable(path, "the disk is full: free some space, then start again")
        }
        return StoreError.unusable(path, error.message ?? "\(error.resultCode)")
    }

    /// The first of the store, its -wal and -shm files and its folder (where SQLite and the
    /// locks make files) this user cannot write; nil when it can write them all.
    private static func writeAccessProblem(path: String, folder: String) -> StoreError? {
        for candidate in [path, path + "-wal", path + "-shm"] where access(candidate, F_OK) == 0 {
            if access(candidate, W_OK) != 0 { return .notWritable(candidate, "mode \(mode(candidate))") }
        }
        guard access(folder, W_OK) == 0 else {
            return .notWritable(folder, "the store's -wal, -shm and lock files are made there")
        }
        return nil
    }

    private static func isPermissionError(_ error: DatabaseError) -> Bool {
        [.SQLITE_READONLY, .SQLITE_CANTOPEN, .SQLITE_PERM, .SQLITE_AUTH].contains(error.resultCode)
    }

    private static func fileSize(_ path: String) -> Int64? {
        var info = stat()
        guard stat(path, &info) == 0 else { return nil }
        return Int64(info.st_size)
    }

    /// `0444`
    private static func mode(_ path: String) -> String {
        var info = stat()
        guard stat(path, &info) == 0 else { return "?" }
        return "0" + String(info.st_mode & 0o777, radix: 8)
    }
}

/// The first 100 bytes of an SQLite database file (sqlite.org/fileformat.html §1.3).
struct SQLiteHeader {
    /// Page size × page count, when the header's page count is valid (its change counter
    /// matches its version-valid-for number); nil otherwise, when SQLite goes by the file's size.
    var databaseSize: Int64?

    init?(path: String) {
        guard let handle = FileHandle(forReadingAtPath: path) else { return nil }
        defer { try? handle.close() }
        guard let bytes = try? handle.read(upToCount: 100), bytes.count == 100,
            bytes.starts(with: Array("SQLite format 3\0".utf8))
        else { return nil }
        func number(at offset: Int, bytes count: Int) -> Int64 {
            bytes[offset..<offset + count].reduce(0) { $0 << 8 | Int64($1) }
        }
        let pageSize = number(at: 16, bytes: 2)
        let pageCount = number(at: 28, bytes: 4)
        let valid = pageCount > 0 && number(at: 24, bytes: 4) == number(at: 92, bytes: 4)
        databaseSize = valid ? (pageSize == 1 ? 65_536 : pageSize) * pageCount : nil
    }
}
