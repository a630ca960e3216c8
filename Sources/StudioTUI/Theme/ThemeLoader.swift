import Foundation
import StudioModel

/// Finds and reads a theme by name, falling back to the built-in default with a message rather
/// than failing.
///
/// Search order: `directory` if given, else `Themes/` next to the executable, then `Themes/`
/// in the current directory; then the themes compiled in (default, mono, high-contrast).
public enum ThemeLoader {
    public struct Result: Sendable {
        public var theme: ThemeSpec
        /// A problem to show on the status line (bad file, unknown name), or nil.
        public var message: String?
        /// Where the theme came from: a file path or `built-in`.
        public var source: String
    }

    /// - Parameter name: A theme's name, or the path of a theme file (it holds a `/` or ends in
    ///   `.yaml`/`.yml`), as `--theme` takes either.
    public static func load(name: String, directory: String?) -> Result {
        let isPath = name.contains("/") || name.hasSuffix(".yaml") || name.hasSuffix(".yml")
        let candidates = isPath ? [name] : searchDirectories(explicit: directory).map { "\($0)/\(name).yaml" }
        for path in candidates where FileManager.default.fileExists(atPath: path) {
            guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
                return fallback("theme \(path): cannot read the file; using the built-in default")
            }
            do {
                let (theme, warnings) = try ThemeSpec.parse(yaml: text, path: path)
                return Result(theme: theme, message: warnings.first.map { "theme: \($0)" }, source: path)
            } catch {
                return fallback("theme \(error); using the built-in default")
            }
        }
        if let builtin = ThemeSpec.builtin[name] { return Result(theme: builtin, message: nil, source: "built-in") }
        let known = ThemeSpec.builtin.keys.sorted().joined(separator: ", ")
        return fallback(
            "theme '\(name)' not found in \(candidates.joined(separator: ", ")) nor built in (\(known)); using the built-in default")
    }

    static func fallback(_ message: String) -> Result {
        Result(theme: .builtinDefault, message: message, source: "built-in")
    }

    static func searchDirectories(explicit: String?) -> [String] {
        if let explicit { return [explicit] }
        var result: [String] = []
        if let executable = Bundle.main.executableURL?.resolvingSymlinksInPath() {
            result.append(executable.deletingLastPathComponent().appendingPathComponent("Themes").path)
        }
        result.append(FileManager.default.currentDirectoryPath + "/Themes")
        return result
    }
}
