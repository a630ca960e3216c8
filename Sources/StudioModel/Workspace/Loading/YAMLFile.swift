import Foundation
import Yams

/// One workspace file being read: its text, its parsed root, and the problems found in it.
///
/// Readers report through this file so every diagnostic carries the file's path and a
/// 1-based line and column counted in Characters (Yams counts Unicode scalars).
final class YAMLFile {
    /// The path relative to the workspace root, such as `workflows/welcome.yaml`.
    let path: String
    let source: String
    private let lines: [Substring]
    private(set) var diagnostics: [Diagnostic] = []

    init(path: String, source: String) {
        self.path = path
        self.source = source
        self.lines = source.split(separator: "\n", omittingEmptySubsequences: false)
    }

    /// The file name without its directory and `.yaml` extension.
    var stem: String {
        let name = path.split(separator: "/").last.map(String.init) ?? path
        return name.hasSuffix(".yaml") ? String(name.dropLast(5)) : name
    }

    /// The root node; nil when the file is empty or is not valid YAML (the latter is reported).
    func composeRoot() -> Node? {
        do {
            return try Yams.compose(yaml: source)
        } catch let error as YamlError {
            report(error)
        } catch {
            add(.error, "invalid YAML: \(error)", at: SourceLocation(line: 1, column: 1))
        }
        return nil
    }

    // MARK: Reporting

    func error(_ message: String, at node: Node?, hint: String? = nil) {
        add(.error, message, at: location(of: node?.mark), hint: hint)
    }

    func warning(_ message: String, at node: Node?, hint: String? = nil) {
        add(.warning, message, at: location(of: node?.mark), hint: hint)
    }

    func add(_ severity: Diagnostic.Severity, _ message: String, at location: SourceLocation, hint: String? = nil) {
        diagnostics.append(
            Diagnostic(
                path: path, line: location.line, column: location.column, severity: severity, message: message,
                hint: hint))
    }

    /// Converts a Yams mark (scalar columns) into a line and a Character column.
    func location(of mark: Mark?) -> SourceLocation {
        guard let mark else { return SourceLocation(line: 1, column: 1) }
        guard mark.line >= 1, mark.line <= lines.count else {
            return SourceLocation(line: max(1, mark.line), column: max(1, mark.column))
        }
        let scalars = lines[mark.line - 1].unicodeScalars
        let wanted = max(0, mark.column - 1)
        let prefix = String(String.UnicodeScalarView(scalars.prefix(wanted)))
        return SourceLocation(line: mark.line, column: prefix.count + 1 + max(0, wanted - scalars.count))
    }

    /// The line and column of a UTF-8 byte offset.
    func location(ofUTF8Offset offset: Int) -> SourceLocation {
        var line = 1
        var lineStart = source.utf8.startIndex
        var index = source.utf8.startIndex
        var remaining = offset
        while remaining > 0, index < source.utf8.endIndex {
            if source.utf8[index] == UInt8(ascii: "\n") {
                line += 1
                lineStart = source.utf8.index(after: index)
            }
            index = source.utf8.index(after: index)
            remaining -= 1
        }
        let column = String(decoding: source.utf8[lineStart..<index], as: UTF8.self).count + 1
        return SourceLocation(line: line, column: column)
    }

    private func report(_ error: YamlError) {
        switch error {
        case .scanner(_, let problem, let mark, _), .parser(_, let problem, let mark, _),
            .composer(_, let problem, let mark, _):
            add(.error, "invalid YAML: \(problem)", at: location(of: mark))
        case .reader(let problem, let offset, _, _):
            add(.error, "invalid YAML: \(problem)", at: offset.map(location(ofUTF8Offset:)) ?? SourceLocation(line: 1, column: 1))
        case .duplicatedKeysInMapping(let duplicates, let context):
            let names = duplicates.map { "'\($0)'" }.joined(separator: ", ")
            add(
                .error, "duplicate key \(names)", at: location(of: context.mark),
                hint: "each key may appear once in a mapping")
        default:
            add(.error, "invalid YAML: \(error)", at: SourceLocation(line: 1, column: 1))
        }
    }
}

extension Node {
    /// How a node is named in messages: `'text'`, `a mapping`, `a list`.
    var kindDescription: String {
        switch self {
        case .scalar(let scalar): "'\(scalar.string)'"
        case .mapping: "a mapping"
        case .sequence: "a list"
        case .alias: "an alias"
        }
    }

    /// Whether this is an empty plain scalar or `~`/`null`.
    var isNullScalar: Bool {
        guard case .scalar(let scalar) = self, scalar.style == .plain || scalar.style == .any else { return false }
        return ["", "~", "null", "Null", "NULL"].contains(scalar.string)
    }
}
