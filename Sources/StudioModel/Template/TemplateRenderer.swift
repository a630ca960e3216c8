/// Walks a parsed template once, appending to one output string.
struct TemplateRenderer {
    /// One entry of the scope stack: the context value plus `@index`/`@key` data.
    struct Frame {
        /// nil for the root (looked up through `TemplateContext`).
        var value: JSONValue?
        var index: Int = -1
        var count: Int = 0
        var key: String?
        /// Block parameter names bound in this frame (`as |item index|`) and their values.
        var blockParams: [String] = []
        var blockValues: [JSONValue] = []
        /// False for a frame that only changes the context (`#with`, a section): it keeps its
        /// parent's `@index`/`@key`, and `@../index` looks past it, as in Handlebars.
        var opensData = true
        /// False when the frame's value is the very context around it (`{{#with this}}`): handlebars.js
        /// adds no level for `../` then, so `../` looks past the frame.
        var opensContext = true
    }

    /// Where a stretch of output came from, for mapping JSON errors back to the template and
    /// telling what a template's data wrote from what its text did.
    struct Mark {
        var outputOffset: Int
        var sourceOffset: Int
        var isText: Bool
    }

    let context: TemplateContext
    let mode: OutputMode
    let source: String
    var out: TemplateOutputBuffer
    var frames: [Frame]
    var jsonState: UInt8 = JSONLexState.outside
    var marks: [Mark]?
    /// Whether the template's own text is form-encoded too, not only what it merges: a form
    /// field's value is a value, not form syntax (``Template/renderFormFieldValue(_:)``).
    var encodesText = false
    /// How many `{{#breaklines}}` blocks are open around what is being written: inside one, each line
    /// break written becomes `<br>`.
    var breaksLines = 0
    /// The secrets this render reads and what helpers computed from them; off when it reads none.
    var secretTrace = TemplateSecretTrace()

    /// - Parameter tracingSecrets: Whether the template reads the secret store
    ///   (``Template/readsSecrets``): then, when the context has secrets, ``secretTrace`` follows them.
    init(
        context: TemplateContext, mode: OutputMode, source: String, capacity: Int, recordMarks: Bool = false,
        tracingSecrets: Bool = false
    ) {
        self.context = context
        self.mode = mode
        self.source = source
        self.frames = [Frame(value: nil)]
        self.frames.reserveCapacity(8)
        self.out = TemplateOutputBuffer(capacity: capacity)
        if recordMarks { marks = [] }
        if tracingSecrets { secretTrace = TemplateSecretTrace(secretValues: context.secrets.values) }
    }

    func error(_ offset: Int, _ message: String) -> TemplateError {
        TemplateError.at(offset, in: source, message)
    }

    /// `error` with the secrets read and the text helpers computed from them masked: a helper's
    /// message quotes the value it could not read (`dateFormat cannot read '…'`), which may be
    /// another helper's rewrite of a secret.
    func maskingSecrets(in error: TemplateError) -> TemplateError {
        guard secretTrace.isOn else { return error }
        var masked = error
        masked.message = SecretMasker(secretValues: secretTrace.maskedValues).mask(error.message)
        return masked
    }

    // MARK: - Nodes

    mutating func render(_ nodes: [TemplateNode]) throws(TemplateError) {
        for node in nodes {
            switch node {
            case .text(let text):
                if marks != nil { mark(text.offset, isText: true) }
                if breaksLines > 0, Self.hasLineBreak(text.text) {
                    let broken = Self.breakingLines(text.text)
                    Array(broken.utf8).withUnsafeBufferPointer { appendText($0) }
                } else {
                    text.bytes.withUnsafeBufferPointer { appendText($0) }
                }
                if mode == .json { jsonState = text.exitState(from: jsonState) }
            case .value(let tag):
                if marks != nil { mark(tag.offset, isText: false) }
                try renderValue(tag)
            case .block(let block):
                try renderBlock(block)
            }
        }
    }

    private mutating func mark(_ offset: Int, isText: Bool) {
        marks?.append(Mark(outputOffset: out.count, sourceOffset: offset, isText: isText))
    }

    mutating func renderValue(_ tag: TemplateValueTag) throws(TemplateError) {
        if mode == .json, !tag.isRaw, jsonState == JSONLexState.outside {
            // Unquoted in JSON: a typed value. `toJson x` is the same as `x` here.
            var value: JSONValue?
            if case .call(let call) = tag.expression, call.helper == .toJson {
                value = try evaluate(call.params[0])
            } else {
                value = try evaluate(tag.expression)
            }
            if breaksLines > 0, case .string(let text)? = value { value = .string(Self.breakingLines(text)) }
            TemplateEncoding.appendTypedJSON(value, to: &out)
            return
        }
        let value = try evaluate(tag.expression)
        try emit(value, raw: tag.isRaw || isEncodedForMode(tag.expression), offset: tag.offset)
    }

    /// Whether `expression` is `urlEncode`'s or `toUrlEncodedJson`'s output in a mode that would
    /// percent-encode it a second time.
    private func isEncodedForMode(_ expression: TemplateExpression) -> Bool {
        guard mode.percentEncodes, case .call(let call) = expression else { return false }
        return call.helper == .urlEncode || call.helper == .toUrlEncodedJson
    }

    /// Appends a value's text escaped for the output mode and the JSON lexical state.
    mutating func emit(_ value: JSONValue?, raw: Bool, offset: Int) throws(TemplateError) {
        guard let value else { return }
        switch value {
        case .null: return
        case .string(let string): try emit(text: string, raw: raw, offset: offset)
        default: try emit(text: value.displayText, raw: raw, offset: offset)
        }
    }

    private mutating func emit(text: String, raw: Bool, offset: Int) throws(TemplateError) {
        if breaksLines > 0, Self.hasLineBreak(text) {
            // `<br>` is markup, written as the template's own text: in HTML the lines are escaped, not it.
            guard mode == .html, !raw else { return try emit(text: Self.breakingLines(text), raw: raw, offset: offset) }
            for (number, line) in Self.lines(text).enumerated() {
                if number > 0 { out += "<br>" }
                try emit(text: line, raw: raw, offset: offset)
            }
            return
        }
        switch mode {
        case .header:
            if TemplateEncoding.hasHeaderBreak(text) {
                throw error(offset, "header value contains CR, LF or NUL; remove line breaks from the merged value")
            }
            out += text
        case _ where raw:
            out += text
        case .html: TemplateEncoding.appendHTMLEscaped(text, to: &out)
        case .text: out += text
        case .json:
            if jsonState == JSONLexState.outside {
                TemplateEncoding.appendTypedJSON(.string(text), to: &out)
            } else {
                TemplateEncoding.appendJSONStringEscaped(text, to: &out)
                jsonState = JSONLexState.inString
            }
        case .form: TemplateEncoding.appendFormEncoded(text, to: &out)
        case .urlPath, .urlQuery: TemplateEncoding.appendUnreservedEncoded(text, to: &out)
        }
    }

    // MARK: - Blocks

    mutating func renderBlock(_ block: TemplateBlock) throws(TemplateError) {
        switch block.kind {
        case .section(let path):
            guard let value = resolve(path), Self.opensSection(value) else { return try render(block.inverse) }
            switch value {
            case .array(let items): try iterate(items, body: block.body)
            // As in Handlebars: only `true` keeps the context; any other value becomes it.
            case .bool: try render(block.body)
            default: try withFrame(value) { renderer throws(TemplateError) in try renderer.render(block.body) }
            }
        case .helper(let helper):
            try renderHelperBlock(helper, block)
        }
    }

    private mutating func renderHelperBlock(_ helper: TemplateHelper, _ block: TemplateBlock) throws(TemplateError) {
        switch helper {
        case .each:
            let value = try evaluate(block.params[0])
            switch value {
            case .array(let items)? where !items.isEmpty:
                try iterate(items, body: block.body, blockParams: block.blockParams)
            case .object(let object)? where !object.isEmpty:
                let keys = Self.iterationOrder(object)
                let outer = currentContext
                frames.append(Frame(value: nil, index: 0, count: keys.count))
                for (position, key) in keys.enumerated() {
                    let item = object[key] ?? .null
                    frames[frames.count - 1] = Frame(
                        value: item, index: position, count: keys.count, key: key,
                        blockParams: block.blockParams,
                        blockValues: block.blockParams.isEmpty ? [] : [item, .string(key)],
                        opensContext: !Self.isSameInstance(item, outer))
                    try render(block.body)
                }
                frames.removeLast()
            default: try render(block.inverse)
            }
        case .with:
            let value = try evaluate(block.params[0])
            // Handlebars' `with` skips only empty values: 0 is a value.
            guard let value, value.isTruthy || value.isZero else { return try render(block.inverse) }
            try withFrame(value, blockParams: block.blockParams) { renderer throws(TemplateError) in
                try renderer.render(block.body)
            }
        case .urlEncode, .base64:
            let text: String
            if block.params.isEmpty {
                text = try renderDetached(block.body)
            } else {
                text = try evaluate(block.params[0])?.displayText ?? ""
            }
            if marks != nil { mark(block.offset, isText: false) }
            if helper == .urlEncode {
                if secretTrace.isOn { secretTrace.recordEncoded(in: text) }
                try emit(.string(TemplateEncoding.formEncoded(text)), raw: mode.percentEncodes, offset: block.offset)
            } else {
                let encoded = Self.base64(text)
                if secretTrace.isOn { secretTrace.recordComputed(encoded, from: text) }
                // Base64's `+`, `/` and `=` are percent-encoded where the mode encodes.
                try emit(.string(encoded), raw: false, offset: block.offset)
            }
        case .breaklines:
            breaksLines += 1
            defer { breaksLines -= 1 }
            try render(block.body)
        default:
            let condition = try blockCondition(helper, block)
            try render(condition ? block.body : block.inverse)
        }
    }

    private mutating func iterate(
        _ items: [JSONValue], body: [TemplateNode], blockParams: [String] = []
    ) throws(TemplateError) {
        let outer = currentContext
        frames.append(Frame(value: nil))
        for (position, item) in items.enumerated() {
            frames[frames.count - 1] = Frame(
                value: item, index: position, count: items.count, blockParams: blockParams,
                blockValues: blockParams.isEmpty ? [] : [item, .int(position)],
                opensContext: !Self.isSameInstance(item, outer))
            try render(body)
        }
        frames.removeLast()
    }

    private mutating func withFrame(
        _ value: JSONValue, blockParams: [String] = [], _ body: (inout TemplateRenderer) throws(TemplateError) -> Void
    ) throws(TemplateError) {
        var frame = frames[frames.count - 1]
        frame.opensContext = !Self.isSameInstance(value, currentContext)
        frame.value = value
        frame.opensData = false
        frame.blockParams = blockParams
        frame.blockValues = blockParams.isEmpty ? [] : [value]
        frames.append(frame)
        defer { frames.removeLast() }
        try body(&self)
    }

    /// Whether `text` holds a line break (LF, CR or CRLF), which `{{#breaklines}}` writes as `<br>`.
    static func hasLineBreak(_ text: String) -> Bool {
        text.utf8.contains { $0 == UInt8(ascii: "\n") || $0 == UInt8(ascii: "\r") }
    }

    /// `text` cut at each line break: LF, CR, or CRLF as one.
    static func lines(_ text: String) -> [String] {
        var lines = [""]
        var afterCR = false
        for scalar in text.unicodeScalars {
            if scalar == "\n", afterCR {
                afterCR = false
                continue
            }
            afterCR = scalar == "\r"
            if scalar == "\n" || scalar == "\r" {
                lines.append("")
            } else {
                lines[lines.count - 1].unicodeScalars.append(scalar)
            }
        }
        return lines
    }

    /// Iterable's `{{#breaklines}}`: each line break becomes `<br>`.
    static func breakingLines(_ text: String) -> String {
        lines(text).joined(separator: "<br>")
    }

    /// Appends the template's own text: as it is, or form-encoded when ``encodesText`` says so.
    mutating func appendText(_ bytes: UnsafeBufferPointer<UInt8>) {
        guard encodesText else { return out.append(bytes) }
        TemplateEncoding.appendFormEncoded(String(decoding: bytes, as: UTF8.self), to: &out)
    }

    /// Renders nodes into a separate string (as plain text), leaving the main output and JSON state alone.
    mutating func renderDetached(_ nodes: [TemplateNode]) throws(TemplateError) -> String {
        var inner = TemplateRenderer(context: context, mode: .text, source: source, capacity: 64)
        inner.frames = frames
        inner.secretTrace = secretTrace
        defer { secretTrace = inner.secretTrace }
        try inner.render(nodes)
        return inner.out.string
    }

    // MARK: - Values

    mutating func evaluate(_ expression: TemplateExpression) throws(TemplateError) -> JSONValue? {
        switch expression {
        case .path(let path):
            let value = resolve(path)
            if secretTrace.isOn { secretTrace.noteRead(of: value) }
            return value
        case .literal(let value):
            if secretTrace.isOn { secretTrace.noteRead(of: value) }
            return value
        case .call(let call):
            return try secretTrace.isOn ? tracedCall(call) : callHelper(call)
        }
    }

    /// ``callHelper(_:)``, its result recorded as derived when the helper read a secret. Kept out
    /// of `evaluate`, whose stack frame each level of nested helpers (512 at most) adds, also in
    /// renders that read no secret.
    @inline(never)
    private mutating func tracedCall(_ call: TemplateCall) throws(TemplateError) -> JSONValue? {
        let reads = secretTrace.reads
        let value = try callHelper(call)
        if let value, secretTrace.reads > reads { secretTrace.record(value) }
        return value
    }

    /// `@index`, `@first`, `@last` or `@key` of the block frame at `frameIndex`; nil for `@root`,
    /// which callers resolve from the context.
    /// `@index`, `@first`, `@last` or `@key` of the `#each` `up` levels out (`@../index`).
    func frameVariable(_ data: TemplatePath.DataVariable, up: Int) -> JSONValue? {
        var position = frames.count - 1
        for _ in 0..<up {
            while position > 0, !frames[position].opensData { position -= 1 }
            position -= 1
            guard position >= 0 else { return nil }
        }
        let frame = frames[position]
        let index = frame.index
        switch data {
        case .index: return index >= 0 ? .int(index) : nil
        case .first: return index >= 0 ? .bool(index == 0) : nil
        case .last: return index >= 0 ? .bool(index == frame.count - 1) : nil
        // Over an array, `@key` is the index, as in Handlebars.
        case .key: return frame.key.map(JSONValue.string) ?? (index >= 0 ? .int(index) : nil)
        case .root: return nil
        }
    }

    func resolve(_ path: TemplatePath) -> JSONValue? {
        // `../` past the outermost context finds nothing, as in Handlebars.
        let frameIndex = contextFrame(up: path.up)
        guard frameIndex >= 0 || path.data != nil else { return nil }
        let segments = path.segments
        var current: JSONValue?
        var next = 0
        if let data = path.data {
            if data == .root {
                guard !segments.isEmpty else { return context.rootValue }
                current = context.lookupRoot(segments[0])
                next = 1
            } else {
                current = frameVariable(data, up: path.up)
            }
        } else if let bound = blockParameter(path) {
            current = bound
            next = 1
        } else if frameIndex > 0 || frames[0].value != nil {
            current = frames[frameIndex].value
        } else {
            guard !segments.isEmpty else { return context.rootValue }
            current = context.lookupRoot(segments[0])
            next = 1
        }
        while next < segments.count {
            guard let value = current else { return nil }
            current = Self.member(value, segments[next])
            next += 1
        }
        return current
    }

    /// The frame whose value `../` repeated `up` times reads, or -1 past the root. As handlebars.js keeps its
    /// `depths`, a frame over the very context around it is no level of its own.
    func contextFrame(up: Int) -> Int {
        var position = frames.count - 1
        guard up > 0 else { return position }
        while position > 0, !frames[position].opensContext { position -= 1 }
        for _ in 0..<up {
            position -= 1
            while position > 0, !frames[position].opensContext { position -= 1 }
            if position < 0 { return -1 }
        }
        return position
    }

    /// What `this` is here: the innermost frame's value, or the data root (nil for a layered root, which no
    /// block value can be).
    var currentContext: JSONValue? {
        if let value = frames[frames.count - 1].value { return value }
        if case .data(let value) = context.root { return value }
        return nil
    }

    /// JavaScript identity of a block's value and the context around it: the same object or array of the
    /// data (not an equal copy), or an equal string, number, boolean or null.
    static func isSameInstance(_ value: JSONValue, _ other: JSONValue?) -> Bool {
        switch (value, other) {
        case (.object(let a), .object(let b)?): return a.isSameInstance(as: b)
        case (.array(let a), .array(let b)?):
            return a.withUnsafeBufferPointer { a in
                b.withUnsafeBufferPointer { b in a.count > 0 && a.baseAddress == b.baseAddress && a.count == b.count }
            }
        case (.array, _), (.object, _), (_, .array?), (_, .object?), (_, nil): return false
        case (_, let other?): return value == other
        }
    }

    /// Whether a section `{{#path}}` renders its body, as handlebars.js decides for a field that is no helper:
    /// not for a missing value, null, false or an empty list; for anything else, 0 and "" included.
    static func opensSection(_ value: JSONValue) -> Bool {
        switch value {
        case .null, .bool(false): false
        case .array(let items): !items.isEmpty
        default: true
        }
    }

    /// An object's keys in the order JavaScript enumerates them, which `#each` follows: keys that are array
    /// indices ("0", "7", not "07" or "-1") first, in numeric order, then the others as written.
    static func iterationOrder(_ object: JSONObject) -> [String] {
        let keys = object.keys
        guard keys.contains(where: { arrayIndex($0) != nil }) else { return keys }
        let indices = keys.compactMap { key in arrayIndex(key).map { (key, $0) } }.sorted { $0.1 < $1.1 }.map(\.0)
        return indices + keys.filter { arrayIndex($0) == nil }
    }

    /// The array index a key spells in JavaScript: digits without a leading zero, below 2^32 − 1.
    private static func arrayIndex(_ key: String) -> UInt64? {
        let utf8 = key.utf8
        guard let first = utf8.first, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(first), utf8.count <= 10,
            first != UInt8(ascii: "0") || utf8.count == 1, let value = UInt64(key), value < 4_294_967_295
        else { return nil }
        return value
    }

    /// The value of the block parameter a plain path starts with, innermost block first; nil when
    /// its first segment names none (or the path is `this.x`, `../x` or `@x`).
    private func blockParameter(_ path: TemplatePath) -> JSONValue? {
        guard frames.count > 1, path.up == 0, !path.isExplicitContext, let name = path.segments.first else { return nil }
        for frame in frames.reversed() {
            if let position = frame.blockParams.firstIndex(of: name), position < frame.blockValues.count {
                return frame.blockValues[position]
            }
        }
        return nil
    }

    /// `value.segment`: object key, array index, or `size`/`length` of an array, object or string.
    static func member(_ value: JSONValue, _ segment: String) -> JSONValue? {
        switch value {
        case .object(let object):
            if let found = object[segment] { return found }
            return segment == "size" || segment == "length" ? .int(object.count) : nil
        case .array(let items):
            if let index = Int(segment) { return items.indices.contains(index) ? items[index] : nil }
            return segment == "size" || segment == "length" ? .int(items.count) : nil
        // JavaScript's `length`: UTF-16 code units.
        case .string(let string):
            return segment == "size" || segment == "length" ? .int(string.utf16.count) : nil
        default:
            return nil
        }
    }
}
