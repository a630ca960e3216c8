import Foundation
import Yams

extension ThemeSpec {
    /// Parses a theme file.
    ///
    /// The file is a mapping with an optional `name` and a `tokens` mapping from token names to
    /// styles. A style is either words (`"white on 25 bold"`, `[red, bold]`: colours, `on` before
    /// the background, attribute names) or a mapping `{fg: 75, bg: default, attrs: [bold]}`.
    ///
    /// - Returns: the theme and warnings (unknown tokens or keys).
    /// - Throws: ``ThemeError`` for YAML errors and values that are not styles.
    public static func parse(yaml: String, path: String) throws(ThemeError) -> (ThemeSpec, [Diagnostic]) {
        let root: Node?
        do {
            root = try YAMLAliasExpansion.compose(yaml)
        } catch let error as YamlError {
            throw ThemeError(Self.diagnostic(for: error, path: path))
        } catch let error as YAMLAliasExpansion.TooLarge {
            throw ThemeError(Diagnostic(path: path, line: error.line, column: 1, message: error.description))
        } catch {
            throw ThemeError(Diagnostic(path: path, line: 0, column: 0, message: "\(error)"))
        }
        var parser = ThemeParser(path: path)
        let spec = try parser.theme(from: root, defaultName: Self.baseName(of: path))
        return (spec, parser.warnings)
    }

    static func baseName(of path: String) -> String {
        let file = path.split(separator: "/").last.map(String.init) ?? path
        return file.hasSuffix(".yaml") ? String(file.dropLast(5)) : file
    }

    static func diagnostic(for error: YamlError, path: String) -> Diagnostic {
        guard let (message, mark) = error.syntaxProblem(locating: { ($0.line, $0.column) }) else {
            return Diagnostic(path: path, line: 0, column: 0, message: "YAML: \(error)")
        }
        return Diagnostic(path: path, line: mark.line, column: mark.column, message: "YAML: \(message)")
    }
}

/// Walks the composed YAML tree, keeping positions for messages.
struct ThemeParser {
    let path: String
    var warnings: [Diagnostic] = []

    init(path: String) { self.path = path }

    mutating func theme(from root: Node?, defaultName: String) throws(ThemeError) -> ThemeSpec {
        guard let root, let mapping = root.mapping else {
            throw error(root, "a theme must be a mapping with a 'tokens' mapping")
        }
        var name = defaultName
        var tokens: [ThemeToken: StyleSpec] = [:]
        var sawTokens = false
        for (key, value) in mapping {
            switch key.string ?? "" {
            case "name":
                guard let text = value.string else { throw error(value, "'name' must be text") }
                name = text
            case "description", "extends":
                continue
            case "tokens":
                guard let entries = value.mapping else { throw error(value, "'tokens' must be a mapping") }
                sawTokens = true
                for (tokenKey, styleNode) in entries {
                    guard let tokenName = tokenKey.string, !tokenName.isEmpty else {
                        throw error(tokenKey, "a token name must be text")
                    }
                    let token = ThemeToken(tokenName)
                    if !ThemeToken.known.contains(token) {
                        warn(tokenKey, "unknown token '\(tokenName)'", hint: nearestToken(tokenName))
                    }
                    tokens[token] = try style(from: styleNode, token: tokenName)
                }
            default:
                warn(key, "unknown key '\(key.string ?? "?")' (expected name, description, tokens)")
            }
        }
        guard sawTokens else { throw error(root, "a theme needs a 'tokens' mapping") }
        return ThemeSpec(name: name, tokens: tokens)
    }

    func style(from node: Node, token: String) throws(ThemeError) -> StyleSpec {
        if let text = node.string { return try words(text.split(whereSeparator: \.isWhitespace).map(String.init), node, token) }
        if let sequence = node.sequence {
            var list: [String] = []
            for item in sequence {
                guard let text = item.string else { throw error(item, "'\(token)': list items must be words") }
                list.append(text)
            }
            return try words(list, node, token)
        }
        guard let mapping = node.mapping else { throw error(node, "'\(token)': expected a style") }
        var spec = StyleSpec()
        for (key, value) in mapping {
            switch key.string ?? "" {
            case "fg", "foreground": spec.foreground = try color(value, token)
            case "bg", "background": spec.background = try color(value, token)
            case "attrs", "attributes":
                let names = value.sequence.map { $0.compactMap(\.string) }
                    ?? (value.string?.split(whereSeparator: { $0 == " " || $0 == "," }).map(String.init) ?? [])
                for attributeName in names {
                    guard let attribute = TextAttributes(name: attributeName) else {
                        throw error(value, "'\(token)': unknown attribute '\(attributeName)' (bold, dim, underline, reverse, italic)")
                    }
                    spec.attributes.insert(attribute)
                }
            default:
                throw error(key, "'\(token)': unknown style key '\(key.string ?? "?")' (fg, bg, attrs)")
            }
        }
        return spec
    }

    func words(_ words: [String], _ node: Node, _ token: String) throws(ThemeError) -> StyleSpec {
        var spec = StyleSpec()
        var nextIsBackground = false
        for word in words {
            if word.lowercased() == "on" {
                nextIsBackground = true
            } else if let attribute = TextAttributes(name: word) {
                spec.attributes.insert(attribute)
            } else if let color = ColorSpec(parsing: word) {
                if nextIsBackground || spec.foreground != nil {
                    spec.background = color
                } else {
                    spec.foreground = color
                }
                nextIsBackground = false
            } else {
                throw error(node, "'\(token)': '\(word)' is not a colour (name, 0-255, #rrggbb, default) or attribute")
            }
        }
        return spec
    }

    func color(_ node: Node, _ token: String) throws(ThemeError) -> ColorSpec {
        guard let text = node.string, let color = ColorSpec(parsing: text) else {
            throw error(node, "'\(token)': '\(node.string ?? "?")' is not a colour (name, 0-255, #rrggbb, default)")
        }
        return color
    }

    func nearestToken(_ name: String) -> String? {
        NameHint.suggestion(for: name, in: ThemeToken.known.map(\.rawValue))
    }

    func error(_ node: Node?, _ message: String) -> ThemeError {
        let mark = node?.mark
        return ThemeError(Diagnostic(path: path, line: mark?.line ?? 0, column: mark?.column ?? 0, message: message))
    }

    mutating func warn(_ node: Node, _ message: String, hint: String? = nil) {
        let mark = node.mark
        warnings.append(
            Diagnostic(path: path, line: mark?.line ?? 0, column: mark?.column ?? 0, severity: .warning,
                       message: message, hint: hint))
    }
}
