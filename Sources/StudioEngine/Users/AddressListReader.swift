import Foundation
import StudioModel

/// Reads a list of email addresses, one per line, a batch at a time, so that `hookline run
/// --users FILE` starts a workflow for millions of users without holding the list in memory.
///
/// Blank lines and lines starting with `#` are skipped; spaces around an address, a CR before
/// the LF and a UTF-8 byte order mark are dropped, and addresses come back lowercase, as stored.
/// A line that is not an address (a CSV header, a name) is a read error, so no journey starts for
/// it; an address no user has yet is fine.
///
/// ```swift
/// let reader = try AddressListReader(path: "users.txt")
/// try executor.startCounting(workflowID: "welcome", for: .batches { try reader.next(upTo: 10_000) })
/// ```
public final class AddressListReader {
    /// Why the list could not be read, with where.
    public struct ReadError: Error, CustomStringConvertible {
        public var description: String
    }

    private let handle: FileHandle
    private let path: String
    private let chunkSize: Int
    private var buffer: [UInt8] = []
    private var start = 0
    private var line = 0
    private var atEnd = false
    private var failure: ReadError?

    /// Opens `path`; `-` reads standard input.
    /// - Parameter chunkSize: Bytes read from the file at a time.
    public init(path: String, chunkSize: Int = 1 << 20) throws {
        if path == "-" {
            self.handle = FileHandle.standardInput
            self.path = "stdin"
        } else {
            let descriptor = open(path, O_RDONLY | O_CLOEXEC)
            guard descriptor >= 0 else { throw ReadError(description: "\(path): \(String(cString: strerror(errno)))") }
            var status = stat()
            if fstat(descriptor, &status) == 0, status.st_mode & S_IFMT == S_IFDIR {
                close(descriptor)
                throw ReadError(description: "\(path): is a folder, not a list of addresses")
            }
            self.handle = FileHandle(fileDescriptor: descriptor, closeOnDealloc: true)
            self.path = path
        }
        self.chunkSize = max(1, chunkSize)
    }

    /// The next addresses, at most `limit` of them; nil once the list is exhausted. The
    /// addresses before a line that cannot be read are returned first; the next call throws.
    public func next(upTo limit: Int) throws -> [String]? {
        if let failure {
            self.failure = nil
            throw failure
        }
        var batch: [String] = []
        do {
            try read(into: &batch, upTo: limit)
        } catch {
            guard batch.isEmpty else {
                failure = error
                return batch
            }
            throw error
        }
        return batch.isEmpty ? nil : batch
    }

    private func read(into batch: inout [String], upTo limit: Int) throws(ReadError) {
        while batch.count < limit, let bytes = try nextLine() {
            line += 1
            var text = bytes[...]
            if line == 1, text.starts(with: [0xEF, 0xBB, 0xBF]) { text = text.dropFirst(3) }
            while let first = text.first, first == 0x20 || first == 0x09 { text = text.dropFirst() }
            while let last = text.last, last == 0x20 || last == 0x09 || last == 0x0D { text = text.dropLast() }
            guard let first = text.first, first != UInt8(ascii: "#") else { continue }
            guard let address = String(validating: text, as: UTF8.self) else {
                throw ReadError(description: "\(path):\(line): the line is not UTF-8 text")
            }
            if let refusal = EmailAddress.refusal(of: address) {
                throw ReadError(description: "\(path):\(line): \(refusal)")
            }
            batch.append(EmailAddress.normalized(address))
        }
    }

    /// The bytes of the next line without its LF; the last line may lack one.
    private func nextLine() throws(ReadError) -> ArraySlice<UInt8>? {
        while true {
            if let newline = buffer[start...].firstIndex(of: 0x0A) {
                defer { start = newline + 1 }
                return buffer[start..<newline]
            }
            if atEnd {
                guard start < buffer.count else { return nil }
                defer { start = buffer.count }
                return buffer[start...]
            }
            buffer.removeFirst(start)
            start = 0
            let data: Data?
            do { data = try handle.read(upToCount: chunkSize) } catch {
                throw ReadError(description: "\(path): \(error.localizedDescription)")
            }
            if let data, !data.isEmpty {
                buffer.append(contentsOf: data)
            } else {
                atEnd = true
            }
        }
    }
}
