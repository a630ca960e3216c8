/// One node of a parsed template. Offsets are UTF-8 byte offsets into the template source.
enum TemplateNode: Sendable, Hashable {
    /// Literal template text, copied as is.
    case text(TemplateText)
    /// `{{expr}}`, `{{{expr}}}` or `{{& expr}}`.
    case value(TemplateValueTag)
    /// `{{#name …}}…{{else}}…{{/name}}` or `{{^name}}…{{/name}}`.
    case block(TemplateBlock)
}

/// Literal text with its JSON lexical-state transitions precomputed, so JSON mode never rescans it.
///
/// Node payloads are immutable classes so that walking the tree costs one retain per node, not one per field.
final class TemplateText: Sendable, Hashable {
    let text: String
    /// `text` as UTF-8, appended by the renderer.
    let bytes: [UInt8]
    let offset: Int
    /// Exit JSON state for each entry state (see `JSONLexState`).
    let exitStates: (UInt8, UInt8, UInt8)

    init(text: String, offset: Int) {
        self.text = text
        self.bytes = Array(text.utf8)
        self.offset = offset
        self.exitStates = (
            JSONLexState.scan(text, from: JSONLexState.outside),
            JSONLexState.scan(text, from: JSONLexState.inString),
            JSONLexState.scan(text, from: JSONLexState.afterBackslash)
        )
    }

    @inline(__always)
    func exitState(from state: UInt8) -> UInt8 {
        switch state {
        case JSONLexState.outside: exitStates.0
        case JSONLexState.inString: exitStates.1
        default: exitStates.2
        }
    }

    static func == (lhs: TemplateText, rhs: TemplateText) -> Bool { lhs.text == rhs.text && lhs.offset == rhs.offset }
    func hash(into hasher: inout Hasher) {
        hasher.combine(text)
        hasher.combine(offset)
    }
}

/// Whether literal JSON text rendered so far leaves us inside a string literal.
enum JSONLexState {
    static let outside: UInt8 = 0
    static let inString: UInt8 = 1
    static let afterBackslash: UInt8 = 2

    static func scan(_ text: String, from start: UInt8) -> UInt8 {
        var state = start
        for byte in text.utf8 {
            switch state {
            case outside: if byte == UInt8(ascii: "\"") { state = inString }
            case inString:
                if byte == UInt8(ascii: "\"") {
                    state = outside
                } else if byte == UInt8(ascii: "\\") {
                    state = afterBackslash
                }
            default: state = inString
            }
        }
        return state
    }
}

/// A tag that prints one value.
final class TemplateValueTag: Sendable, Hashable {
    let expression: TemplateExpression
    /// `{{{x}}}` or `{{& x}}`: never escaped.
    let isRaw: Bool
    let offset: Int

    init(expression: TemplateExpression, isRaw: Bool, offset: Int) {
        self.expression = expression
        self.isRaw = isRaw
        self.offset = offset
    }

    static func == (lhs: TemplateValueTag, rhs: TemplateValueTag) -> Bool {
        lhs.expression == rhs.expression && lhs.isRaw == rhs.isRaw && lhs.offset == rhs.offset
    }

    func hash(into hasher: inout Hasher) {
        hasher.combine(expression)
        hasher.combine(offset)
    }
}

/// A block: a helper such as `#if`/`#each`, or a Mustache-style section over a path.
final class TemplateBlock: Sendable, Hashable {
    enum Kind: Sendable, Hashable {
        case helper(TemplateHelper)
        /// `{{#path}}`: iterate a non-empty array, render once for `true`, skip null, false and missing values,
        /// and otherwise render once with the value as the context (0 and "" included, as in handlebars.js).
        case section(TemplatePath)
    }

    let kind: Kind
    let params: [TemplateExpression]
    let hash: [TemplateHashArgument]
    let body: [TemplateNode]
    let inverse: [TemplateNode]
    let offset: Int
    /// Names bound by `as |item index|`: the current item (or `#with`'s value), then its index or key.
    let blockParams: [String]

    init(
        kind: Kind, params: [TemplateExpression], hash: [TemplateHashArgument], body: [TemplateNode],
        inverse: [TemplateNode], offset: Int, blockParams: [String] = []
    ) {
        self.blockParams = blockParams
        self.kind = kind
        self.params = params
        self.hash = hash
        self.body = body
        self.inverse = inverse
        self.offset = offset
    }

    static func == (lhs: TemplateBlock, rhs: TemplateBlock) -> Bool {
        lhs.kind == rhs.kind && lhs.params == rhs.params && lhs.hash == rhs.hash && lhs.body == rhs.body
            && lhs.inverse == rhs.inverse && lhs.offset == rhs.offset && lhs.blockParams == rhs.blockParams
    }

    func hash(into hasher: inout Hasher) {
        hasher.combine(kind)
        hasher.combine(offset)
    }
}

/// A value inside a tag: a path, a literal or a helper call (subexpression).
enum TemplateExpression: Sendable, Hashable {
    case path(TemplatePath)
    case literal(JSONValue)
    case call(TemplateCall)
}

/// `helper param… key=value…`.
struct TemplateCall: Sendable, Hashable {
    var helper: TemplateHelper
    var params: [TemplateExpression]
    var hash: [TemplateHashArgument]
    var offset: Int

    func hashValue(_ key: String) -> TemplateExpression? {
        for argument in hash where argument.key == key { return argument.value }
        return nil
    }
}

/// `key=value` inside a tag.
struct TemplateHashArgument: Sendable, Hashable {
    var key: String
    var value: TemplateExpression
}

/// `a.b`, `a/b`, `this`, `../x`, `@index`, `[Field Name]`, `items.[0].name`.
struct TemplatePath: Sendable, Hashable {
    /// How many `../` steps up the scope stack.
    var up: Int
    /// `@name` data variable, or nil for a context path.
    var data: DataVariable?
    /// Path segments after `this`/`../`/`@name`.
    var segments: [String]
    /// Where the path is written: a UTF-8 byte offset into the template source (for `validate` warnings).
    var offset: Int = 0
    /// Written with `this.` or `./`, which always reads the context, never a block parameter.
    var isExplicitContext = false

    /// The data variables `#each` and the root provide.
    enum DataVariable: String, Sendable, Hashable {
        case index, first, last, key, root
    }
}
