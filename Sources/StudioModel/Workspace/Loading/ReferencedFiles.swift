import Foundation

/// Reads the files that workspace definitions point to, such as a webhook's `tls.ca`, by a
/// path relative to the workspace root (or absolute), so each reader can report a missing
/// file at the key that names it.
struct ReferencedFiles {
    /// The text of the file at a path as written, or why it cannot be read.
    let read: (String) -> Result<String, Problem>

    /// What is wrong with a file, starting with its quoted path: `'certs/ca.pem' not found`.
    struct Problem: Error {
        var message: String
    }

    /// Largest referenced file read: 1 MiB (a CA bundle is a few hundred KiB at most).
    static let maximumBytes = 1 << 20

    /// Files on disk, relative paths resolved against `root`.
    static func disk(root: URL) -> ReferencedFiles {
        ReferencedFiles { path in
            let url = path.hasPrefix("/") ? URL(fileURLWithPath: path) : root.appendingPathComponent(path)
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: url.path, isDirectory: &isDirectory) else {
                return .failure(Problem(message: "'\(path)' not found"))
            }
            guard !isDirectory.boolValue else { return .failure(Problem(message: "'\(path)' is a folder")) }
            let data: Data
            do {
                data = try Data(contentsOf: url)
            } catch {
                return .failure(Problem(message: "'\(path)' cannot be read: \(error.localizedDescription)"))
            }
            return text(of: data, path: path)
        }
    }

    /// In-memory files (relative path → contents), as ``WorkspaceLoader/load(files:)`` gets them.
    static func memory(_ files: [String: String]) -> ReferencedFiles {
        ReferencedFiles { path in
            let key = path.hasPrefix("./") ? String(path.dropFirst(2)) : path
            guard let contents = files[key] else { return .failure(Problem(message: "'\(path)' not found")) }
            return text(of: Data(contents.utf8), path: path)
        }
    }

    private static func text(of data: Data, path: String) -> Result<String, Problem> {
        guard data.count <= maximumBytes else {
            return .failure(Problem(message: "'\(path)' is larger than 1 MiB"))
        }
        guard let text = String(data: data, encoding: .utf8) else {
            return .failure(Problem(message: "'\(path)' is not UTF-8 text"))
        }
        return .success(text)
    }
}
