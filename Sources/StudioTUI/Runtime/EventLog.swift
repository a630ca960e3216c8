import Foundation

/// A plain-text log of what the studio saw, for end-to-end tests: `START 100x30`, `KEY j`,
/// `RESIZE 80x24`, `QUIT`. One line per event, flushed as written.
final class EventLog {
    private let handle: FileHandle?

    init(path: String?) {
        guard let path else {
            handle = nil
            return
        }
        _ = FileManager.default.createFile(atPath: path, contents: nil)
        handle = FileHandle(forWritingAtPath: path)
    }

    func record(_ line: String) {
        guard let handle else { return }
        handle.write(Data((line + "\n").utf8))
    }

    deinit { try? handle?.close() }
}
