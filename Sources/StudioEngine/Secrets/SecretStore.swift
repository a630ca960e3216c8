import Foundation
import StudioModel
import Yams

/// Reads a workspace's secrets: ``SecretsFile`` (`.hookline/secrets.yaml`, file mode 0600) and
/// `HOOKLINE_SECRET_<NAME>` environment variables, which win (in capitals, they also set the name
/// in lower case).
public enum SecretStore {
    public static let environmentPrefix = "HOOKLINE_SECRET_"

    /// Secret names mapped to values. A missing file is no error.
    /// - Throws: ``SecretsFileError`` when the file is not a flat mapping of names to values, with
    ///   where, or is not UTF-8 (at its first bad byte); the file system's error when it cannot be read.
    public static func load(
        workspaceRoot: URL, environment: [String: String] = ProcessInfo.processInfo.environment
    ) throws -> [String: String] {
        var secrets: [String: String] = [:]
        let file = workspaceRoot.appendingPathComponent(SecretsFile.path)
        if FileManager.default.fileExists(atPath: file.path) {
            let data = try Data(contentsOf: file)
            guard let text = String(data: data, encoding: .utf8) else {
                let at = InvalidUTF8.firstLocation(in: data) ?? SourceLocation(line: 1, column: 1)
                throw SecretsFileError(
                    diagnostic: Diagnostic(
                        path: SecretsFile.path, line: at.line, column: at.column, message: "not UTF-8 text; save the file as UTF-8"))
            }
            secrets = try SecretsFile.parse(text)
        }
        secrets.merge(fromEnvironment(environment)) { _, variable in variable }
        return secrets
    }

    /// The secrets `HOOKLINE_SECRET_<NAME>` variables set. Shells write variables in capitals, so
    /// one in capitals also sets the name in lower case (`HOOKLINE_SECRET_LOB_KEY` sets `lob_key`);
    /// a variable that spells the name exactly wins over that.
    static func fromEnvironment(_ environment: [String: String]) -> [String: String] {
        var exact: [String: String] = [:]
        var lowered: [String: String] = [:]
        for (key, value) in environment where key.hasPrefix(environmentPrefix) {
            let name = String(key.dropFirst(environmentPrefix.count))
            exact[name] = value
            if name.lowercased() != name { lowered[name.lowercased()] = value }
        }
        return lowered.merging(exact) { _, exactly in exactly }
    }

    /// Why `.hookline/secrets.yaml` is not private (group or others may read it), as a warning
    /// `validate` shows; nil when it is private or missing.
    public static func exposure(workspaceRoot: URL) -> String? {
        let file = workspaceRoot.appendingPathComponent(SecretsFile.path)
        guard let mode = (try? FileManager.default.attributesOfItem(atPath: file.path))?[.posixPermissions] as? Int,
            mode & 0o077 != 0
        else { return nil }
        return "the secrets file can be read by \(mode & 0o007 != 0 ? "every user" : "its group") (mode \(String(mode, radix: 8)))"
    }

    /// Writes secrets with mode 0600 so only the owner can read them.
    public static func save(_ secrets: [String: String], workspaceRoot: URL) throws {
        let folder = workspaceRoot.appendingPathComponent(".hookline")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let file = folder.appendingPathComponent("secrets.yaml")
        let text = try Yams.dump(object: secrets)
        guard FileManager.default.createFile(
            atPath: file.path, contents: Data(text.utf8), attributes: [.posixPermissions: 0o600])
        else {
            throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: file.path])
        }
    }
}
