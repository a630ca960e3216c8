import Foundation

/// A colour theme: styles for semantic tokens, read from `Themes/<name>.yaml`.
///
/// ```swift
/// let (theme, warnings) = try ThemeSpec.parse(yaml: text, path: "Themes/mono.yaml")
/// let style = theme.style(for: .logStatus5xx)   // falls back to `error`, then `foreground`
/// ```
public struct ThemeSpec: Sendable, Hashable {
    public var name: String
    public var tokens: [ThemeToken: StyleSpec]

    public init(name: String, tokens: [ThemeToken: StyleSpec]) {
        self.name = name
        self.tokens = tokens
    }

    /// The effective style of a token: each colour from the first token along the fallback chain
    /// that sets it, attributes from the first token the theme defines.
    public func style(for token: ThemeToken) -> StyleSpec {
        var result = StyleSpec()
        var attributesTaken = false
        for link in token.fallbackChain {
            guard let spec = tokens[link] else { continue }
            if result.foreground == nil { result.foreground = spec.foreground }
            if result.background == nil { result.background = spec.background }
            if !attributesTaken {
                result.attributes = spec.attributes
                attributesTaken = true
            }
        }
        return result
    }
}

/// Why a theme file was rejected, with where.
public struct ThemeError: Error, Sendable, Hashable, CustomStringConvertible {
    public var diagnostic: Diagnostic
    public init(_ diagnostic: Diagnostic) { self.diagnostic = diagnostic }
    public var description: String { diagnostic.description }
}
