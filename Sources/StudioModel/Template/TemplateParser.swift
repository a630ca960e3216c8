/// Builds the node tree from lexer tokens and parses each tag's expression.
struct TemplateParser {
    /// How deep blocks (an `{{else if}}` chain counts one per link) and subexpressions may nest. Parsing and
    /// rendering recurse once per level, so a bound keeps a hostile template from overflowing the stack of the
    /// thread that renders it; real templates stay under ten. As deep as `JSONValue.parse` allows data to nest.
    static let maximumNesting = 512

    private let lexer: TemplateLexer
    private let tokens: [TemplateLexer.Token]
    private var position = 0
    private var nesting = 0
    /// The block parameters (`as |item index|`) of the block bodies around the tag being read: such a
    /// name is the parameter, never the helper of that name, as in handlebars.js.
    private var blockParamsInScope: [String] = []

    private var source: String { lexer.source }
    private var bytes: [UInt8] { lexer.bytes }

    init(source: String) throws(TemplateError) {
        lexer = TemplateLexer(source: source)
        tokens = try lexer.tokenize()
    }

    /// The whole template as nodes.
    mutating func parse() throws(TemplateError) -> [TemplateNode] {
        let (nodes, terminator) = try parseNodes()
        switch terminator {
        case .end: return nodes
        case .close(let token, let name):
            throw TemplateError.at(token.start, in: source, "unexpected {{/\(name)}}: no block is open")
        case .elseTag(let token):
            let written = String(decoding: bytes[token.start..<token.end], as: UTF8.self)
            throw TemplateError.at(token.start, in: source, "unexpected \(written) outside a block")
        }
    }

    // MARK: - Tree

    private enum Terminator {
        case end
        case close(TemplateLexer.Token, String)
        case elseTag(TemplateLexer.Token)
    }

    private mutating func parseNodes() throws(TemplateError) -> ([TemplateNode], Terminator) {
        var nodes: [TemplateNode] = []
        while position < tokens.count {
            let token = tokens[position]
            position += 1
            switch token.kind {
            case .text:
                if token.end > token.start {
                    let text = String(decoding: bytes[token.start..<token.end], as: UTF8.self)
                    if case .text(let previous) = nodes.last, previous.offset + previous.text.utf8.count == token.start {
                        nodes[nodes.count - 1] = .text(TemplateText(text: previous.text + text, offset: previous.offset))
                    } else {
                        nodes.append(.text(TemplateText(text: text, offset: token.start)))
                    }
                }
            case .comment:
                continue
            case .partial:
                throw TemplateError.at(token.start, in: source, "partials ({{> name}}) are not supported")
            case .value(let raw):
                var scanner = ExpressionScanner(parser: self, start: token.contentStart, end: token.contentEnd)
                let expression = try scanner.parseTagExpression(allowPathOnly: true)
                nodes.append(.value(TemplateValueTag(expression: expression, isRaw: raw, offset: token.start)))
            case .open(let inverted):
                nodes.append(.block(try parseBlock(token, inverted: inverted, closingName: nil)))
            case .close:
                let content = lexer.trimmedContent(token)
                return (nodes, .close(token, String(decoding: bytes[content.start..<content.end], as: UTF8.self)))
            case .elseTag:
                return (nodes, .elseTag(token))
            }
        }
        return (nodes, .end)
    }

    /// Parses a block from its opening tag (or an `{{else name …}}` tag in a chain) through its closer.
    private mutating func parseBlock(
        _ open: TemplateLexer.Token, inverted: Bool, closingName: String?
    ) throws(TemplateError) -> TemplateBlock {
        nesting += 1
        defer { nesting -= 1 }
        guard nesting <= Self.maximumNesting else {
            let message = "blocks nested more than \(Self.maximumNesting) levels deep; flatten the template"
            throw TemplateError.at(open.start, in: source, message)
        }
        let (headEnd, blockParams) = try blockParameters(open)
        var scanner = ExpressionScanner(parser: self, start: open.contentStart, end: headEnd)
        let (name, kind, params, hash) = try scanner.parseBlockHead(inverted: inverted, tagOffset: open.start)
        if !blockParams.isEmpty {
            guard case .helper(let helper) = kind, helper == .each || helper == .with, !inverted else {
                throw TemplateError.at(open.start, in: source, "block parameters (as |x|) work with {{#each}} and {{#with}} only")
            }
            guard blockParams.count <= (helper == .each ? 2 : 1) else {
                throw TemplateError.at(
                    open.start, in: source,
                    helper == .each
                        ? "{{#each}} binds at most 2 block parameters: the item and its index or key"
                        : "{{#with}} binds 1 block parameter")
            }
        }
        let closer = closingName ?? name
        var inverse: [TemplateNode] = []
        // Block parameters are bound in the body only, not in the `{{else}}` part.
        blockParamsInScope.append(contentsOf: blockParams)
        var (body, terminator) = try parseNodes()
        blockParamsInScope.removeLast(blockParams.count)
        switch terminator {
        case .end:
            throw unclosed(open, name: closer)
        case .close(let token, let closeName):
            try checkCloser(token, found: closeName, expected: closer, open: open)
        case .elseTag(let elseToken):
            let content = lexer.trimmedContent(elseToken)
            if content.end > content.start {
                // `{{else if x}}`: the rest of the chain is a nested block closed by the outer closer.
                var chained = elseToken
                chained.contentStart = content.start
                inverse = [.block(try parseBlock(chained, inverted: false, closingName: closer))]
            } else {
                let (elseNodes, next) = try parseNodes()
                inverse = elseNodes
                switch next {
                case .end: throw unclosed(open, name: closer)
                case .elseTag(let token):
                    throw TemplateError.at(
                        token.start, in: source, "a second {{else}} in the {{#\(closer)}} block; expected {{/\(closer)}}")
                case .close(let token, let closeName):
                    try checkCloser(token, found: closeName, expected: closer, open: open)
                }
            }
        }
        if inverted { swap(&body, &inverse) }
        return TemplateBlock(
            kind: kind, params: params, hash: hash, body: body, inverse: inverse, offset: open.start,
            blockParams: blockParams)
    }

    /// Splits a trailing `as |a b|` off a block's opening tag: where the rest of the head ends, and
    /// the names (empty when there are none).
    private func blockParameters(_ open: TemplateLexer.Token) throws(TemplateError) -> (Int, [String]) {
        var end = open.contentEnd
        while end > open.contentStart, bytes[end - 1] == UInt8(ascii: " ") || bytes[end - 1] == UInt8(ascii: "\n")
            || bytes[end - 1] == UInt8(ascii: "\t") || bytes[end - 1] == UInt8(ascii: "\r")
        {
            end -= 1
        }
        guard end > open.contentStart, bytes[end - 1] == UInt8(ascii: "|") else { return (open.contentEnd, []) }
        guard let opening = bytes[open.contentStart..<(end - 1)].lastIndex(of: UInt8(ascii: "|")) else {
            throw TemplateError.at(end - 1, in: source, "unmatched '|'; block parameters are written as |name|")
        }
        let names = String(decoding: bytes[(opening + 1)..<(end - 1)], as: UTF8.self)
            .split(whereSeparator: \.isWhitespace).map(String.init)
        let before = String(decoding: bytes[open.contentStart..<opening], as: UTF8.self)
        let trimmed = before.reversed().drop { $0.isWhitespace }
        guard trimmed.starts(with: "sa"), let asStart = before.range(of: "as", options: .backwards),
            before[..<asStart.lowerBound].last?.isWhitespace == true
        else {
            throw TemplateError.at(opening, in: source, "block parameters must follow 'as', as in {{#each items as |item|}}")
        }
        guard !names.isEmpty else { throw TemplateError.at(opening, in: source, "expected a name between '|' and '|'") }
        for name in names where !name.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "_" || $0 == "-" }) {
            throw TemplateError.at(opening, in: source, "'\(name)' is not a block parameter name")
        }
        return (open.contentStart + before[..<asStart.lowerBound].utf8.count, names)
    }

    /// The helper a call's name word names: `upper` for `upper` and for `[upper]`, as in handlebars.js
    /// 4.7.7, where a path of one segment names the helper by its part, brackets or not
    /// (`{{[upper] x}}` calls `upper`, `{{#[if] x}}…{{/if}}` is an `if` block); a longer path
    /// (`[upper].[x]`) is returned as written, and is no helper.
    static func helperName(_ word: String) -> String {
        guard word.utf8.first == UInt8(ascii: "["), word.utf8.last == UInt8(ascii: "]"),
            let close = word.utf8.firstIndex(of: UInt8(ascii: "]")), word.utf8.index(after: close) == word.utf8.endIndex
        else { return word }
        let inner = word.dropFirst().dropLast()
        return inner.isEmpty ? word : String(inner)
    }

    private func unclosed(_ open: TemplateLexer.Token, name: String) -> TemplateError {
        TemplateError.at(open.start, in: source, "unclosed {{#\(name)}} block; expected {{/\(name)}} before the end of the template")
    }

    private func checkCloser(
        _ token: TemplateLexer.Token, found: String, expected: String, open: TemplateLexer.Token
    ) throws(TemplateError) {
        guard Self.helperName(found) != Self.helperName(expected) else { return }
        let opened = TemplateError.location(ofUTF8Offset: open.start, in: source)
        var error = TemplateError.at(
            token.start, in: source,
            "{{/\(found)}} does not match {{#\(expected)}} \(TemplateError.openedAtText(opened)); expected {{/\(expected)}}")
        error.openedAt = opened
        throw error
    }

    // MARK: - Expressions

    /// Reads the expression inside one tag.
    struct ExpressionScanner {
        let source: String
        let bytes: [UInt8]
        var index: Int
        let end: Int
        let blockParamsInScope: [String]
        /// Open subexpressions around the current token.
        private var nesting = 0

        init(parser: TemplateParser, start: Int, end: Int) {
            self.source = parser.source
            self.bytes = parser.bytes
            self.index = start
            self.end = end
            self.blockParamsInScope = parser.blockParamsInScope
        }

        enum Token {
            case open(Int)
            case close(Int)
            case string(String, Int)
            case number(JSONValue, Int)
            case word(String, Int)
            case hashKey(String, Int)
            case eof(Int)

            var offset: Int {
                switch self {
                case .open(let offset), .close(let offset), .string(_, let offset), .number(_, let offset),
                    .word(_, let offset), .hashKey(_, let offset), .eof(let offset):
                    offset
                }
            }
        }

        private func error(_ offset: Int, _ message: String) -> TemplateError {
            TemplateError.at(offset, in: source, message)
        }

        private func isSpace(_ byte: UInt8) -> Bool { byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0D }

        private mutating func skipSpace() {
            while index < end, isSpace(bytes[index]) { index += 1 }
        }

        private mutating func peek() throws(TemplateError) -> Token {
            let saved = index
            let token = try next()
            index = saved
            return token
        }

        private mutating func next() throws(TemplateError) -> Token {
            skipSpace()
            guard index < end else { return .eof(index) }
            let start = index
            let current = bytes[index]
            switch current {
            case UInt8(ascii: "("):
                index += 1
                return .open(start)
            case UInt8(ascii: ")"):
                index += 1
                return .close(start)
            case UInt8(ascii: "\""), UInt8(ascii: "'"):
                index += 1
                var scalars: [UInt8] = []
                while index < end, bytes[index] != current {
                    if bytes[index] == UInt8(ascii: "\\"), index + 1 < end, bytes[index + 1] == current { index += 1 }
                    scalars.append(bytes[index])
                    index += 1
                }
                guard index < end else { throw error(start, "unterminated string literal") }
                index += 1
                return .string(String(decoding: scalars, as: UTF8.self), start)
            default:
                while index < end {
                    let byte = bytes[index]
                    if isSpace(byte) || byte == UInt8(ascii: "(") || byte == UInt8(ascii: ")") || byte == UInt8(ascii: "=") {
                        break
                    }
                    // As in handlebars.js, no name holds a brace: `{{a}{{b}}` lost a `}` and is no field `a}{{b`.
                    if byte == UInt8(ascii: "}") {
                        throw error(index, "unexpected '}' in a name; a tag is closed by '}}'")
                    }
                    if byte == UInt8(ascii: "{") {
                        throw error(index, "unexpected '{' in a name; a tag is opened by '{{'")
                    }
                    if byte == UInt8(ascii: "[") {
                        while index < end, bytes[index] != UInt8(ascii: "]") { index += 1 }
                        guard index < end else { throw error(start, "unclosed '[' in path; expected ']'") }
                    }
                    index += 1
                }
                let word = String(decoding: bytes[start..<index], as: UTF8.self)
                if index < end, bytes[index] == UInt8(ascii: "=") {
                    index += 1
                    return .hashKey(word, start)
                }
                if word.isEmpty { throw error(start, "unexpected '\(String(decoding: [current], as: UTF8.self))'") }
                if let number = Self.number(word) { return .number(number, start) }
                return .word(word, start)
            }
        }

        private static func number(_ word: String) -> JSONValue? {
            guard let first = word.utf8.first,
                first == UInt8(ascii: "-") || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(first)
            else { return nil }
            if let value = Int(word) { return .int(value) }
            if let value = Double(word), value.isFinite { return .double(value) }
            return nil
        }

        /// `{{expr}}`: a path, a literal, or a helper call with parameters.
        mutating func parseTagExpression(allowPathOnly: Bool) throws(TemplateError) -> TemplateExpression {
            let first = try next()
            if case .eof(let offset) = first { throw error(offset, "empty tag; expected a field name or helper") }
            if let key = try loneLiteralKey(first) {
                // As handlebars.js: `{{"a b"}}`, `{{12}}`, `{{true}}` or `{{null}}` alone reads the field of that
                // name, unless a helper has it (`{{"upper"}}`).
                let path = TemplatePath(up: 0, data: nil, segments: [key], offset: first.offset)
                if let helper = try helperNamed(by: path) { return try loneHelperCall(helper, offset: first.offset) }
                return .path(path)
            }
            if case .word(let name, let offset) = first {
                let following = try peek()
                if case .eof = following {
                    let value = try literalOrPath(name, offset)
                    if case .path(let path) = value, let helper = try helperNamed(by: path) {
                        return try loneHelperCall(helper, offset: offset)
                    }
                    return value
                }
                let call = try parseCall(name: name, offset: offset, block: false)
                try expectEnd()
                return .call(call)
            }
            let value = try parseValue(first)
            try expectEnd()
            return value
        }

        /// The helper a path alone in a tag or a block's opening tag calls: in handlebars.js a helper wins over
        /// a field of the same name when the name is simple, one segment without `this.`, `./` or `../`
        /// (`{{upper}}`, `{{[upper]}}` and `{{"upper"}}` alike), unless a block parameter binds it.
        /// - Throws: the name is one of Iterable's helpers that Hookline refuses (`{{hostedUnsubscribeUrl}}`).
        private func helperNamed(by path: TemplatePath) throws(TemplateError) -> TemplateHelper? {
            guard path.up == 0, path.data == nil, !path.isExplicitContext, path.segments.count == 1,
                let name = path.segments.first, !blockParamsInScope.contains(name)
            else { return nil }
            if let refusal = TemplateHelper.refusalMessage(name) { throw error(path.offset, refusal) }
            return TemplateHelper(rawValue: name)
        }

        /// `{{now}}` alone is a call; `{{upper}}` or `{{if}}` alone is the error the helper gives wherever it
        /// lacks its parameters (`(upper)`, `{{upper format="x"}}`), with how to read the field instead.
        private func loneHelperCall(_ helper: TemplateHelper, offset: Int) throws(TemplateError) -> TemplateExpression {
            if helper.isInline, helper.minimumInlineParams == 0 {
                return .call(TemplateCall(helper: helper, params: [], hash: [], offset: offset))
            }
            let name = helper.rawValue
            let problem = helper.isInline
                ? Self.tooFewParameters(name, minimum: helper.minimumInlineParams, found: 0)
                : Self.blockHelperInline(name)
            throw error(offset, "\(problem) (a helper wins over a field of its name: write {{this.\(name)}} for the field)")
        }

        private static func tooFewParameters(_ name: String, minimum: Int, found: Int) -> String {
            "'\(name)' needs at least \(counted(minimum, "parameter")), found \(found)"
        }

        private static func blockHelperInline(_ name: String) -> String {
            "'\(name)' is a block helper; use {{#\(name) …}}…{{/\(name)}}"
        }

        /// The field name a literal written alone in a tag stands for (`"a b"`, `12.5`, `true`), as written;
        /// nil when `token` is not a literal or more follows it.
        private mutating func loneLiteralKey(_ token: Token) throws(TemplateError) -> String? {
            let key: String
            switch token {
            case .string(let value, _): key = value
            case .number(_, let offset): key = String(decoding: bytes[offset..<index], as: UTF8.self)
            case .word(let word, _) where ["true", "false", "null", "undefined"].contains(word): key = word
            default: return nil
            }
            guard case .eof = try peek() else { return nil }
            return key
        }

        /// `{{#name params… hash…}}`.
        mutating func parseBlockHead(
            inverted: Bool, tagOffset: Int
        ) throws(TemplateError) -> (String, TemplateBlock.Kind, [TemplateExpression], [TemplateHashArgument]) {
            let first = try next()
            if let key = try loneLiteralKey(first) {
                // `{{#"a b"}}…{{/"a b"}}`: a section over the field of that name, as in handlebars.js.
                let written = String(decoding: bytes[first.offset..<index], as: UTF8.self)
                let path = TemplatePath(up: 0, data: nil, segments: [key], offset: first.offset)
                if let helper = try helperNamed(by: path) { throw notABlock(helper, offset: first.offset) }
                return (written, .section(path), [], [])
            }
            guard case .word(let name, let offset) = first else {
                throw error(first.offset, "expected a block name after '{{#'")
            }
            let following = try peek()
            let hasArguments: Bool
            if case .eof = following { hasArguments = false } else { hasArguments = true }
            // `{{#[if] x}}` is `{{#if x}}`: handlebars.js names a helper by a one-segment path's part.
            let helperName = TemplateParser.helperName(name)
            let withoutInverse: [TemplateHelper] = [.urlEncode, .base64, .breaklines]
            if inverted, withoutInverse.contains(where: { $0.rawValue == helperName }) {
                throw error(offset, "'\(helperName)' has no inverse; use {{#\(helperName)}}…{{/\(helperName)}}")
            }
            // `{{^if x}}…{{/if}}` is `{{#if x}}{{else}}…{{/if}}`, as in handlebars.js.
            if let helper = TemplateHelper(rawValue: helperName), helper.isBlock {
                let call = try parseCall(name: name, offset: offset, block: true)
                try expectEnd()
                return (helperName, .helper(helper), call.params, call.hash)
            }
            if let helper = TemplateHelper(rawValue: helperName), hasArguments {
                throw notABlock(helper, offset: offset)
            }
            if hasArguments {
                if let refusal = TemplateHelper.refusalMessage(helperName) { throw error(offset, refusal) }
                var message = "unknown block helper '\(helperName)'"
                if let suggestion = nearestName(to: helperName, in: TemplateHelper.blockNames) {
                    message += "; did you mean '\(suggestion)'?"
                }
                throw error(offset, message)
            }
            // A block's name is otherwise a field, as in Handlebars: `{{#null}}` reads the key `null`; but
            // `{{#upper}}`, as `{{upper}}`, calls the helper, which is no block helper.
            let path = try parsePath(name, offset)
            if let helper = try helperNamed(by: path) { throw notABlock(helper, offset: offset) }
            return (name, .section(path), [], [])
        }

        private func notABlock(_ helper: TemplateHelper, offset: Int) -> TemplateError {
            error(offset, "'\(helper.rawValue)' cannot be used as a block; use {{\(helper.rawValue) …}}")
        }

        private mutating func expectEnd() throws(TemplateError) {
            let token = try next()
            if case .eof = token { return }
            throw error(token.offset, "unexpected text in tag; expected '}}'")
        }

        private mutating func parseCall(name written: String, offset: Int, block: Bool) throws(TemplateError) -> TemplateCall {
            let name = TemplateParser.helperName(written)
            guard let helper = TemplateHelper(rawValue: name), block ? helper.isBlock : helper.isInline else {
                if let helper = TemplateHelper(rawValue: name) {
                    let message = helper.isBlock
                        ? Self.blockHelperInline(name)
                        : "'\(name)' is not a block helper"
                    throw error(offset, message)
                }
                if let refusal = TemplateHelper.refusalMessage(name) { throw error(offset, refusal) }
                var message = "unknown helper '\(name)'"
                let candidates = block ? TemplateHelper.blockNames : TemplateHelper.inlineNames
                if let suggestion = nearestName(to: name, in: candidates) { message += "; did you mean '\(suggestion)'?" }
                throw error(offset, message)
            }
            var params: [TemplateExpression] = []
            var hash: [TemplateHashArgument] = []
            loop: while true {
                let token = try peek()
                switch token {
                case .eof, .close: break loop
                case .hashKey(let key, _):
                    _ = try next()
                    let valueToken = try next()
                    hash.append(TemplateHashArgument(key: key, value: try parseValue(valueToken)))
                default:
                    _ = try next()
                    if !hash.isEmpty { throw error(token.offset, "positional parameters must come before key=value arguments") }
                    params.append(try parseValue(token))
                }
            }
            let minimum = block ? helper.minimumParams : helper.minimumInlineParams
            if params.count < minimum {
                throw error(offset, Self.tooFewParameters(name, minimum: minimum, found: params.count))
            }
            if let maximum = helper.maximumParams, params.count > maximum {
                throw error(offset, "'\(name)' takes at most \(counted(maximum, "parameter")), found \(params.count)")
            }
            return TemplateCall(helper: helper, params: params, hash: hash, offset: offset)
        }

        private mutating func parseValue(_ token: Token) throws(TemplateError) -> TemplateExpression {
            switch token {
            case .string(let value, _): return .literal(.string(value))
            case .number(let value, _): return .literal(value)
            case .word(let word, let offset): return try literalOrPath(word, offset)
            case .open(let offset):
                nesting += 1
                defer { nesting -= 1 }
                guard nesting <= TemplateParser.maximumNesting else {
                    throw error(offset, "subexpressions nested more than \(TemplateParser.maximumNesting) levels deep")
                }
                let nameToken = try next()
                guard case .word(let name, let offset) = nameToken else {
                    throw error(nameToken.offset, "expected a helper name after '('")
                }
                let call = try parseCall(name: name, offset: offset, block: false)
                let closing = try next()
                guard case .close = closing else { throw error(closing.offset, "expected ')' to close the subexpression") }
                return .call(call)
            case .close(let offset): throw error(offset, "unexpected ')'")
            case .hashKey(let key, let offset): throw error(offset, "unexpected '\(key)='")
            case .eof(let offset): throw error(offset, "expected a value")
            }
        }

        private func literalOrPath(_ word: String, _ offset: Int) throws(TemplateError) -> TemplateExpression {
            switch word {
            case "true": return .literal(.bool(true))
            case "false": return .literal(.bool(false))
            case "null", "undefined": return .literal(.null)
            default: return .path(try parsePath(word, offset))
            }
        }

        /// Splits `../a.[b c]/d` into a scope step count and segments.
        private func parsePath(_ word: String, _ offset: Int) throws(TemplateError) -> TemplatePath {
            var path = TemplatePath(up: 0, data: nil, segments: [], offset: offset)
            var rest = Substring(word)
            if rest.hasPrefix("@") {
                rest = rest.dropFirst()
                while rest.hasPrefix("../") {
                    path.up += 1
                    rest = rest.dropFirst(3)
                }
                let name = rest.prefix { $0 != "." && $0 != "/" }
                guard !name.isEmpty else { throw error(offset, "expected a name after '@'") }
                guard let data = TemplatePath.DataVariable(rawValue: String(name)) else {
                    throw error(offset, "unknown data variable '@\(name)'; expected @index, @first, @last, @key or @root")
                }
                path.data = data
                rest = rest.dropFirst(name.count)
                if !rest.isEmpty { rest = rest.dropFirst() }
            } else {
                while true {
                    if rest.hasPrefix("../") {
                        path.up += 1
                        rest = rest.dropFirst(3)
                    } else if rest == ".." {
                        path.up += 1
                        rest = ""
                    } else if rest.hasPrefix("./") {
                        rest = rest.dropFirst(2)
                    } else {
                        break
                    }
                }
                if rest == "this" || rest == "." {
                    rest = ""
                    path.isExplicitContext = true
                } else if rest.hasPrefix("this.") || rest.hasPrefix("this/") {
                    rest = rest.dropFirst(5)
                    path.isExplicitContext = true
                } else if word.hasPrefix("./") {
                    path.isExplicitContext = true
                }
            }
            var segment = ""
            var isLiteral = false
            var index = rest.startIndex
            var expectSegment = !rest.isEmpty
            while index < rest.endIndex {
                let character = rest[index]
                if character == "[" {
                    guard let close = rest[index...].firstIndex(of: "]") else {
                        throw error(offset, "unclosed '[' in '\(word)'; expected ']'")
                    }
                    segment += rest[rest.index(after: index)..<close]
                    isLiteral = true
                    index = rest.index(after: close)
                    continue
                }
                // As handlebars.js, whose names hold neither: `{{../@index}}` is a parse error (the parent's
                // @index is `{{@../index}}`), and so is the stray `]` of `{{a.[b]]}}`.
                if character == "@" || character == "]" {
                    let at = offset + word.utf8.distance(from: word.startIndex, to: index)
                    throw error(
                        at,
                        character == "@"
                            ? "unexpected '@' in path '\(word)'; '@' starts a path only, as in @index or @../index"
                            : "unexpected ']' in path '\(word)'; a ']' closes a '[' only")
                }
                if character == "." || character == "/" {
                    try append(segment, isLiteral: isLiteral, to: &path, word: word, offset: offset)
                    segment = ""
                    isLiteral = false
                    expectSegment = true
                } else {
                    segment.append(character)
                }
                index = rest.index(after: index)
            }
            if expectSegment { try append(segment, isLiteral: isLiteral, to: &path, word: word, offset: offset) }
            return path
        }

        /// Adds one segment after the path's start, where `this` cannot stand (handlebars.js refuses `a/this/b`
        /// as an invalid path); `[this]` is the field named "this".
        private func append(
            _ segment: String, isLiteral: Bool, to path: inout TemplatePath, word: String, offset: Int
        ) throws(TemplateError) {
            guard !segment.isEmpty else { throw error(offset, "empty segment in path '\(word)'") }
            if !isLiteral, segment == "this" {
                throw error(
                    offset, "invalid path '\(word)': 'this' can only start a path; write [this] for a field named 'this'")
            }
            path.segments.append(segment)
        }
    }
}
