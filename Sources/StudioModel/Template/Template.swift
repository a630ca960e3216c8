/// A parsed merge-parameter template (Handlebars as Iterable uses it), rendered many times without re-parsing.
///
/// ```swift
/// let template = try Template(parsing: #"{"name": "{{firstName}}", "age": {{age}}}"#)
/// let (text, value) = try template.renderJSON(TemplateContext(profile: ["firstName": "Ada", "age": 36]))
/// let greeting = try Template(parsing: "Hi {{defaultIfEmpty firstName \"there\"}}").render(context, mode: .html)
/// ```
public struct Template: Sendable, Hashable {
    /// The template text as written.
    public let source: String
    let nodes: [TemplateNode]
    /// `nodes` compiled for rendering.
    let program: TemplateProgram
    /// Top-level field paths the template reads (e.g. "firstName", "address.city"), for `validate` warnings.
    public let referencedFields: Set<String>
    /// The secrets it reads (`secret.NAME`), so a caller can refuse to render without them.
    public let secretNames: [String]
    /// The secrets whose value a render can write out: read other than through a hash helper
    /// (`{{sha256 secret.salt}}`) or as a block's condition (`{{#if secret.token}}`). Computed on each call.
    public var secretNamesWrittenOut: [String] { TemplateFieldCollector.secretNamesWrittenOut(in: nodes) }
    /// Whether it reads the secret store at all: `secret.NAME`, or `secret` whole (`{{#with secret}}`).
    let readsSecrets: Bool
    let capacityHint: Int

    /// Parses `source`.
    ///
    /// - Throws: `TemplateError` at the first syntax problem: unclosed tags or blocks, mismatched closers,
    ///   unknown helpers (with a "did you mean"), wrong parameter counts, Handlebars syntax we do not support
    ///   (partials, raw blocks, decorators, set-delimiter tags), blocks or subexpressions nested more than 512 deep.
    public init(parsing source: String) throws(TemplateError) {
        var parser = try TemplateParser(source: source)
        self.source = source
        self.nodes = try parser.parse()
        self.program = TemplateProgram(compiling: nodes)
        self.referencedFields = TemplateFieldCollector.fields(in: nodes)
        self.secretNames = TemplateFieldCollector.secretNames(in: nodes)
        self.readsSecrets = TemplateFieldCollector.readsSecrets(in: nodes)
        self.capacityHint = source.utf8.count + source.utf8.count / 2 + 16
    }

    /// Renders against `context`, escaping each merged value for `mode`.
    ///
    /// - Throws: `TemplateError` at the tag that failed: a header value with CR/LF/NUL, a bad date or
    ///   number for a formatting helper, division by zero, an invalid regular expression.
    public func render(_ context: TemplateContext, mode: OutputMode) throws(TemplateError) -> String {
        var derived: [String] = []
        return try render(context, mode: mode, derivedSecrets: &derived)
    }

    /// Renders as ``render(_:mode:)`` does, and appends to `derivedSecrets` the text helpers
    /// computed here from secrets (`{{upper secret.key}}`, `{{urlEncode (toJson secret.key)}}`):
    /// a ``SecretMasker`` must hide it wherever it hides the secrets.
    public func render(
        _ context: TemplateContext, mode: OutputMode, derivedSecrets: inout [String]
    ) throws(TemplateError) -> String {
        try run(context, mode: mode, encodingText: false, derivedSecrets: &derivedSecrets)
    }

    /// Runs the compiled template. A helper's error that quotes a value computed from a secret
    /// is masked here, since only the render knows what it computed.
    private func run(
        _ context: TemplateContext, mode: OutputMode, encodingText: Bool, derivedSecrets: inout [String]
    ) throws(TemplateError) -> String {
        var renderer = TemplateRenderer(
            context: context, mode: mode, source: source, capacity: capacityHint, tracingSecrets: readsSecrets)
        renderer.encodesText = encodingText
        do {
            try renderer.run(program, program.main)
        } catch {
            throw renderer.maskingSecrets(in: error)
        }
        derivedSecrets += renderer.secretTrace.derived
        return renderer.out.string
    }

    /// The template as one field of a form body: rendered in ``OutputMode/form``, its own text
    /// form-encoded as well, since a field's value is a value and the body's `=` and `&` are
    /// written around it (`Tom & Jerry` is sent `Tom+%26+Jerry`). A raw tag (`{{{x}}}`) and
    /// `urlEncode`'s output are sent as they are, as in every percent-encoding mode.
    public func renderFormFieldValue(_ context: TemplateContext) throws(TemplateError) -> String {
        var derived: [String] = []
        return try renderFormFieldValue(context, derivedSecrets: &derived)
    }

    /// ``renderFormFieldValue(_:)``, appending what helpers computed from secrets to
    /// `derivedSecrets` as ``render(_:mode:derivedSecrets:)`` does.
    public func renderFormFieldValue(
        _ context: TemplateContext, derivedSecrets: inout [String]
    ) throws(TemplateError) -> String {
        try run(context, mode: .form, encodingText: true, derivedSecrets: &derivedSecrets)
    }

    /// Whether the template is one escaped value tag (`{{age}}`), with at most spaces or line breaks around it:
    /// `renderJSON` gives the value it names, typed. A raw tag (`{{{x}}}`, `{{& x}}`) is text, as anywhere else.
    public var isSingleValueTag: Bool {
        var tags = 0
        for node in nodes {
            switch node {
            case .text(let text) where text.bytes.allSatisfy(Self.isJSONWhitespace): continue
            case .value(let tag) where !tag.isRaw: tags += 1
            default: return false
            }
        }
        return tags == 1
    }

    private static func isJSONWhitespace(_ byte: UInt8) -> Bool {
        byte == UInt8(ascii: " ") || byte == UInt8(ascii: "\t") || byte == UInt8(ascii: "\n") || byte == UInt8(ascii: "\r")
    }

    /// Where each `{{{x}}}` and `{{& x}}` starts (UTF-8 offsets), blocks included: the tags whose
    /// value is written as it is, whatever the output mode escapes.
    var rawTagOffsets: [Int] {
        func collect(_ nodes: [TemplateNode], into offsets: inout [Int]) {
            for node in nodes {
                switch node {
                case .text: continue
                case .value(let tag): if tag.isRaw { offsets.append(tag.offset) }
                case .block(let block):
                    collect(block.body, into: &offsets)
                    collect(block.inverse, into: &offsets)
                }
            }
        }
        var offsets: [Int] = []
        collect(nodes, into: &offsets)
        return offsets
    }

    /// Where each use of `urlEncode` starts (UTF-8 offsets): `{{urlEncode x}}`, a `(urlEncode x)`
    /// inside another tag, and `{{#urlEncode}}` blocks, nested ones included.
    var urlEncodeOffsets: [Int] {
        func collect(_ expression: TemplateExpression, into offsets: inout [Int]) {
            guard case .call(let call) = expression else { return }
            if call.helper == .urlEncode { offsets.append(call.offset) }
            for parameter in call.params { collect(parameter, into: &offsets) }
            for argument in call.hash { collect(argument.value, into: &offsets) }
        }
        func collect(_ nodes: [TemplateNode], into offsets: inout [Int]) {
            for node in nodes {
                switch node {
                case .text: continue
                case .value(let tag): collect(tag.expression, into: &offsets)
                case .block(let block):
                    if case .helper(.urlEncode) = block.kind { offsets.append(block.offset) }
                    for parameter in block.params { collect(parameter, into: &offsets) }
                    for argument in block.hash { collect(argument.value, into: &offsets) }
                    collect(block.body, into: &offsets)
                    collect(block.inverse, into: &offsets)
                }
            }
        }
        var offsets: [Int] = []
        collect(nodes, into: &offsets)
        return offsets.sorted()
    }

    public static func == (lhs: Template, rhs: Template) -> Bool { lhs.source == rhs.source }
    public func hash(into hasher: inout Hasher) { hasher.combine(source) }
}

extension Template {
    /// Renders in JSON mode and parses the result.
    ///
    /// - Throws: `TemplateError`; for output that is not valid JSON, its line and column point into the
    ///   template (the literal text or the tag that produced the offending output).
    public func renderJSON(_ context: TemplateContext) throws(TemplateError) -> (text: String, value: JSONValue) {
        let text = try render(context, mode: .json)
        do {
            return (text, try JSONValue.parse(text))
        } catch {
            throw try invalidJSON(error, context)
        }
    }

    /// Renders in JSON mode and checks that the result is valid JSON, without building its value:
    /// `renderJSON(context).text`, with the same errors at the same positions.
    public func renderJSONText(_ context: TemplateContext) throws(TemplateError) -> String {
        var derived: [String] = []
        return try renderJSONText(context, derivedSecrets: &derived)
    }

    /// ``renderJSONText(_:)``, appending what helpers computed from secrets to `derivedSecrets`
    /// as ``render(_:mode:derivedSecrets:)`` does.
    public func renderJSONText(
        _ context: TemplateContext, derivedSecrets: inout [String]
    ) throws(TemplateError) -> String {
        let text = try render(context, mode: .json, derivedSecrets: &derivedSecrets)
        if JSONValidator.isValid(text) { return text }
        do {
            _ = try JSONValue.parse(text)
            return text
        } catch {
            throw try invalidJSON(error, context)
        }
    }

    /// The error `renderJSON(context)` reports when the output is not valid JSON; nil when the output parses
    /// or rendering itself fails (`validate` checks structure with an empty context, where a helper may fail on
    /// a value only the data would make right; `literalArgumentProblems` are the failures it reports).
    func jsonStructureProblem(_ context: TemplateContext) -> TemplateError? {
        guard let text = try? render(context, mode: .json) else { return nil }
        do {
            _ = try JSONValue.parse(text)
            return nil
        } catch {
            return try? invalidJSON(error, context)
        }
    }

    /// Maps a JSON parse error in the output back into the template.
    private func invalidJSON(_ error: JSONParseError, _ context: TemplateContext) throws(TemplateError) -> TemplateError {
        // Render again recording where each stretch of output came from; only failures pay for this.
        var renderer = TemplateRenderer(
            context: context, mode: .json, source: source, capacity: capacityHint, recordMarks: true)
        try renderer.render(nodes)
        let offset = Self.sourceOffset(forOutputOffset: error.offset, marks: renderer.marks ?? [], source: source)
        return TemplateError.at(offset, in: source, "rendered JSON is invalid: \(error.message) "
            + "(output \(error.line):\(error.column))")
    }

    static func sourceOffset(forOutputOffset offset: Int, marks: [TemplateRenderer.Mark], source: String) -> Int {
        guard let mark = marks.last(where: { $0.outputOffset <= offset }) else { return 0 }
        guard mark.isText else { return mark.sourceOffset }
        return min(mark.sourceOffset + (offset - mark.outputOffset), source.utf8.count)
    }
}
