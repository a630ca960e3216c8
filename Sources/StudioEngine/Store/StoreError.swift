import Foundation
import GRDB

/// Why a workspace's store cannot be used, naming its file and saying what to do.
///
/// ```swift
/// do { store = try SQLiteStateStore(path: path) } catch let error as StoreError { print("error: \(error)") }
/// ```
public struct StoreError: Error, CustomStringConvertible, Sendable {
    private enum Code: Sendable, Equatable {
        case removed, replaced, damaged, emptyWithLog, newer, schema, notWritable, notReadable, unreadable, unusable
        case missing, empty
    }

    private let code: Code
    /// The store's file, or the folder or file beside it that is at fault.
    public let path: String
    /// What SQLite or the check said.
    private let detail: String

    private init(_ code: Code, path: String, detail: String = "") {
        self.code = code
        self.path = path
        self.detail = detail
    }

    /// The file this process opened is no longer at `path`: what is written to it now is lost
    /// with it.
    public static func removed(_ path: String) -> StoreError { StoreError(.removed, path: path) }

    /// Another file took the place of the one this process opened at `path`.
    public static func replaced(_ path: String) -> StoreError { StoreError(.replaced, path: path) }

    /// SQLite found the file damaged, or it is shorter than its own header says.
    public static func damaged(_ path: String, _ detail: String) -> StoreError { StoreError(.damaged, path: path, detail: detail) }

    /// The file is empty while its write-ahead log holds `walBytes`.
    static func emptyWithLog(_ path: String, walBytes: Int64) -> StoreError {
        StoreError(.emptyWithLog, path: path, detail: "\(walBytes)")
    }

    /// A newer Hookline migrated the store: `identifiers` are its migrations this one does not know.
    static func newer(_ path: String, identifiers: [String]) -> StoreError {
        let list = identifiers.joined(separator: ", ")
        return StoreError(
            .newer, path: path, detail: identifiers.count == 1 ? "its migration \(list) is" : "its migrations \(list) are")
    }

    /// Tables lack columns this Hookline reads and writes.
    static func schema(_ path: String, missing: [String]) -> StoreError {
        StoreError(.schema, path: path, detail: missing.joined(separator: ", ") + (missing.count == 1 ? " is" : " are"))
    }

    /// `path` (the store, a file beside it, or its folder) cannot be written by this user.
    static func notWritable(_ path: String, _ detail: String) -> StoreError {
        StoreError(.notWritable, path: path, detail: detail)
    }

    /// `path` (the store, or a file beside it) cannot be read by this user.
    static func notReadable(_ path: String, _ detail: String) -> StoreError {
        StoreError(.notReadable, path: path, detail: detail)
    }

    /// A stored row that cannot be read as this Hookline writes it.
    static func unreadable(_ path: String, _ detail: String) -> StoreError {
        StoreError(.unreadable, path: path, detail: detail)
    }

    /// Any other reason the store at `path` cannot be opened.
    static func unusable(_ path: String, _ detail: String) -> StoreError { StoreError(.unusable, path: path, detail: detail) }

    /// Opened for reading only, there is no file at `path`: nothing has run in the workspace yet.
    static func missing(_ path: String) -> StoreError { StoreError(.missing, path: path) }

    /// Opened for reading only, the file at `path` is empty (0 bytes) with no write-ahead log
    /// beside it: nothing is recorded in it, and a reader leaves it so (a command that writes
    /// makes it a new store).
    static func empty(_ path: String) -> StoreError { StoreError(.empty, path: path) }

    /// Whether the file this process opened is gone from its path (removed or replaced): nothing
    /// written from now on would be found there.
    public var isFileGone: Bool { code == .removed || code == .replaced }

    /// Whether nothing is stored yet, as a reader finds it: no file, or an empty one
    /// (``SQLiteStateStore/init(path:readonly:)`` with `readonly`, which then leaves it as it is).
    public var isNothingStored: Bool { code == .missing || code == .empty }

    /// Whether the store's content is damaged: reading it gives wrong or no answers.
    public var isDamage: Bool { code == .damaged || code == .emptyWithLog }

    public var description: String {
        let leaveAside = "move it away with its -wal and -shm files to start with an empty store"
        switch code {
        case .removed:
            return "\(path) was removed while this process had it open: what is stored from now on would be lost with it"
        case .replaced:
            return "\(path) was replaced by another file while this process had it open: what is stored from now on "
                + "would not be in it"
        case .damaged:
            return "\(path) is damaged (\(detail)): restore it from a backup, or \(leaveAside) "
                + "(`sqlite3 \(path) .recover` may save part of it)"
        case .emptyWithLog:
            return "\(path) is empty (0 bytes) but its write-ahead log \(path)-wal holds \(detail) bytes: the store was "
                + "cut short; restore it from a backup, or \(leaveAside)"
        case .newer:
            return "\(path) was written by a newer hookline (\(detail) unknown to this one): "
                + "use that version, or \(leaveAside)"
        case .schema:
            return "\(path) is not a store this hookline can write: \(detail) missing (changed by hand, or by another "
                + "version); restore it from a backup, or \(leaveAside)"
        case .notWritable:
            return "\(path) is not writable (\(detail)): give this user write access to it, or run as its owner; "
                + "hookline logs and hookline watch only read the store"
        case .notReadable:
            return "\(path) cannot be read (\(detail)): give this user read access to it, or run as its owner"
        case .unreadable:
            return "\(path): \(detail): the store was changed by hand or by another version"
        case .unusable:
            return "\(path): \(detail)"
        case .missing:
            return "no store at \(path): nothing has run in this workspace yet"
        case .empty:
            return "\(path) is an empty file (0 bytes): nothing recorded yet"
        }
    }
}

extension StoreError {
    /// `error` as a ``StoreError`` naming `path` when it says the store is damaged or a row of it
    /// cannot be read; else nil.
    static func describing(_ error: any Error, path: String) -> StoreError? {
        switch error {
        case let error as StoreError:
            return error
        case let error as StoredRowError:
            return .unreadable(path, error.description)
        case let error as RowDecodingError:
            return .unreadable(path, "\(error)")
        case let error as DatabaseError where error.resultCode == .SQLITE_CORRUPT || error.resultCode == .SQLITE_NOTADB:
            return .damaged(path, error.message ?? "\(error.resultCode)")
        default:
            return nil
        }
    }
}
