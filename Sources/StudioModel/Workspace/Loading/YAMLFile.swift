import Foundation
import Yams

/// One workspace file being read: its text, its parsed root, and the problems found in it.
///
/// Readers report through this file so every diagnostic carries the file's path and a
/// 1-based line and column counted in Characters (Yams counts Unicode scalars). Other files
/// of the package that read YAML (the receiver's scripts) report through it too.
package final class YAMLFile {
    /// The path relative to the workspace root, such as `workflows/welcome.yaml`.
    package let path: String
    package let source: String
    let lines: [Substring]
    package private(set) var diagnostics: [Diagnostic] = []

    package init(path: String, source: String) {
        self.path = path
        self.source = source
        self.lines = Self.lines(of: source)
    }

    /// The lines of `text`, without their line ends. `\r\n` is one Character in Swift: a file with
    /// CRLF line ends splits on it too, as YAML reads it.
    static func lines(of text: String) -> [Substring] {
        text.split(omittingEmptySubsequences: false) { $0 == "\n" || $0 == "\r\n" }
    }

    /// The file name without its directory and `.yaml` (or `.yml`) extension.
    var stem: String {
        let name = path.split(separator: "/").last.map(String.init) ?? path
        guard let ending = WorkspaceLoader.definitionExtensions.first(where: name.hasSuffix) else { return name }
        return String(name.dropLast(ending.count))
    }

    /// The root node; nil when the file is empty or is not valid YAML (the latter is reported).
    package func composeRoot() -> Node? {
        if let alias = YAMLAliasExpansion.firstExcessiveAlias(in: source) {
            add(
                .error,
                "aliases here expand to more than \(YAMLAliasExpansion.maximumAddedNodes) values; the file is not read",
                at: location(line: alias.line, scalarColumn: alias.scalarColumn),
                hint: "write the values out, or share fewer through anchors")
            return nil
        }
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
    package func location(of mark: Mark?) -> SourceLocation {
        guard let mark else { return SourceLocation(line: 1, column: 1) }
        return location(line: mark.line, scalarColumn: mark.column)
    }

    /// A 1-based line and column counted in Unicode scalars as a line and a Character column.
    func location(line: Int, scalarColumn: Int) -> SourceLocation {
        guard line >= 1 else { return SourceLocation(line: 1, column: max(1, scalarColumn)) }
        guard line <= lines.count else {
            // libyaml puts the end of a file with no final line break on the line after it.
            return SourceLocation(line: max(1, lines.count), column: (lines.last?.count ?? 0) + 1)
        }
        let scalars = lines[line - 1].unicodeScalars
        let wanted = max(0, scalarColumn - 1)
        let prefix = String(String.UnicodeScalarView(scalars.prefix(wanted)))
        return SourceLocation(line: line, column: prefix.count + 1 + max(0, wanted - scalars.count))
    }

    /// Where the value of top-level `key` starts (`id: hook` → the `h`); nil when it is not
    /// written as a block key.
    func topLevelValue(of key: String) -> SourceLocation? {
        for (index, line) in lines.enumerated() where line.hasPrefix(key + ":") {
            let value = line.dropFirst(key.count + 1).prefix { $0 == " " }.count
            return SourceLocation(line: index + 1, column: key.count + 2 + value)
        }
        return nil
    }

    /// Where `key` is written the second time in the block mapping that starts at `mark`: the
    /// line a duplicate-key error should point at (Yams gives the mapping's start).
    private func secondKey(_ key: String, inMappingAt mark: Mark) -> SourceLocation? {
        guard mark.line >= 1, mark.line <= lines.count else { return nil }
        let indent = mark.column - 1
        var seen = 0
        for index in (mark.line - 1)..<lines.count {
            let line = lines[index]
            let text: Substring
            if index == mark.line - 1 {
                // The mapping's first key, perhaps after `- `.
                text = line.dropFirst(indent)
            } else {
                let leading = line.prefix { $0 == " " }.count
                let content = line.dropFirst(leading)
                if leading < indent, !content.isEmpty, !content.hasPrefix("#") { break }
                guard leading == indent else { continue }
                text = content
            }
            guard text.hasPrefix(key + ":") || text.hasPrefix("\"\(key)\":") || text.hasPrefix("'\(key)':") else { continue }
            seen += 1
            if seen == 2 { return SourceLocation(line: index + 1, column: line.count - text.count + 1) }
        }
        return nil
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
        if let (message, mark) = error.syntaxProblem(locating: { let place = location(of: $0); return (place.line, place.column) }) {
            return add(.error, "invalid YAML: \(message)", at: location(of: mark))
        }
        switch error {
        case .reader(let problem, let offset, _, _):
            add(.error, "invalid YAML: \(problem)", at: offset.map(location(ofUTF8Offset:)) ?? SourceLocation(line: 1, column: 1))
        case .duplicatedKeysInMapping(let duplicates, let context):
            let names = duplicates.map { "'\($0)'" }.joined(separator: ", ")
            add(
                .error, "duplicate key \(names)",
                at: duplicates.first.flatMap { secondKey($0, inMappingAt: context.mark) } ?? location(of: context.mark),
                hint: "each key may appear once in a mapping")
        default:
            add(.error, "invalid YAML: \(error)", at: SourceLocation(line: 1, column: 1))
        }
    }
}

extension Node {
    /// How a node is named in messages: `'text'`, `a mapping`, `a list`.
    package var kindDescription: String {
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
