import Foundation

/// The definition files of a workspace folder, and its secrets file, as the file system describes
/// them — path, size and modification time — so that a change on disk (an editor, a `git pull`)
/// is noticed without reading the files.
public struct DefinitionFiles: Sendable, Hashable {
    /// What is compared for one file.
    public struct Stamp: Sendable, Hashable {
        public var size: Int
        public var modified: Date

        public init(size: Int, modified: Date) {
            self.size = size
            self.modified = modified
        }
    }

    /// Relative path (`workflows/welcome.yaml`) → its stamp; the files ``WorkspaceLoader`` reads
    /// and ``SecretsFile/path``.
    public var stamps: [String: Stamp]

    public init(stamps: [String: Stamp] = [:]) {
        self.stamps = stamps
    }

    /// Stamps the files `WorkspaceLoader.load(from:)` would read under `root` — `hookline.yaml`
    /// and the `*.yaml` and `*.yml` files of `workflows/`, `webhooks/` and `system-webhooks/` — and the
    /// secrets file.
    public static func scan(root: URL) -> DefinitionFiles {
        var stamps: [String: Stamp] = [:]
        for path in WorkspaceLoader.definitionPaths(in: root) + [SecretsFile.path] {
            guard let attributes = try? FileManager.default.attributesOfItem(atPath: root.appendingPathComponent(path).path)
            else { continue }
            stamps[path] = Stamp(
                size: (attributes[.size] as? NSNumber)?.intValue ?? 0,
                modified: attributes[.modificationDate] as? Date ?? .distantPast)
        }
        return DefinitionFiles(stamps: stamps)
    }

    /// The paths added, changed or removed since `earlier`, sorted.
    public func changedPaths(since earlier: DefinitionFiles) -> [String] {
        Set(stamps.keys).union(earlier.stamps.keys).filter { stamps[$0] != earlier.stamps[$0] }.sorted()
    }
}
