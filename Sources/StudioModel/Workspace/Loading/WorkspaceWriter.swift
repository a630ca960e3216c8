import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// Writes workspace files so readers never see a half-written file.
public enum WorkspaceWriter {
    /// Errors from `writeAtomically`, with the path and the failing step.
    public struct WriteError: Error, Sendable, Equatable, CustomStringConvertible {
        public var path: String
        public var step: String
        public var code: Int32

        public var description: String {
            "cannot write \(path): \(step) failed: \(String(cString: strerror(code)))"
        }
    }

    /// Writes `contents` to a temporary file in the same folder, fsyncs it, and renames it over `url`.
    ///
    /// The folder is fsynced too, so the rename survives a crash. An existing file's permission
    /// bits are kept; a new file gets 0644.
    public static func writeAtomically(_ contents: String, to url: URL) throws {
        let path = url.path
        let directory = url.deletingLastPathComponent().path
        let temporary = "\(directory)/.\(url.lastPathComponent).\(getpid()).\(UInt32.random(in: 0...UInt32.max)).tmp"
        var mode: mode_t = 0o644
        var existing = stat()
        if stat(path, &existing) == 0 { mode = existing.st_mode & 0o7777 }

        let descriptor = open(temporary, O_WRONLY | O_CREAT | O_EXCL, mode)
        guard descriptor >= 0 else { throw WriteError(path: path, step: "open", code: errno) }
        var closed = false
        defer {
            if !closed { close(descriptor) }
        }
        do {
            var bytes = Array(contents.utf8)
            var offset = 0
            while offset < bytes.count {
                let written = bytes.withUnsafeMutableBytes { buffer in
                    write(descriptor, buffer.baseAddress.map { $0 + offset }, buffer.count - offset)
                }
                if written < 0 {
                    if errno == EINTR { continue }
                    throw WriteError(path: path, step: "write", code: errno)
                }
                offset += written
            }
            if fchmod(descriptor, mode) != 0 { throw WriteError(path: path, step: "chmod", code: errno) }
            if fsync(descriptor) != 0 { throw WriteError(path: path, step: "fsync", code: errno) }
            closed = true
            if close(descriptor) != 0 { throw WriteError(path: path, step: "close", code: errno) }
            if rename(temporary, path) != 0 { throw WriteError(path: path, step: "rename", code: errno) }
        } catch {
            unlink(temporary)
            throw error
        }
        let directoryDescriptor = open(directory, O_RDONLY)
        if directoryDescriptor >= 0 {
            _ = fsync(directoryDescriptor)
            close(directoryDescriptor)
        }
    }
}
