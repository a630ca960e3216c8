/// Why a helper argument cannot work whatever the data: a `numberFormat` pattern, a regular expression, a
/// `math` operator, a `dateMath` offset, a date pattern, a time zone or a rounding mode. Rendering reports it at
/// the helper's tag; `Template.literalArgumentProblems` reports it from the template alone when the argument is a
/// literal.
struct TemplateArgumentProblem: Error {
    var message: String
}

extension Template {
    /// The errors rendering will throw, whatever the data, for helper arguments written as literals
    /// (`{{numberFormat n "0.05"}}`, `{{#ifMatchesRegexStr plan "(pro"}}`, `tz="Europe/Pariss"`), at the
    /// helper's tag, in source order. Arguments read from merge parameters are left to render time.
    public var literalArgumentProblems: [TemplateError] {
        var problems: [(offset: Int, message: String)] = []
        TemplateArgumentCheck.collect(nodes, into: &problems)
        return problems.sorted { $0.offset < $1.offset }.map { TemplateError.at($0.offset, in: source, $0.message) }
    }
}

/// Walks a template for `Template.literalArgumentProblems`, checking literal arguments with the parsers
/// rendering uses, so both report the same message.
enum TemplateArgumentCheck {
    static func collect(_ nodes: [TemplateNode], into problems: inout [(offset: Int, message: String)]) {
        for node in nodes {
            switch node {
            case .text: continue
            case .value(let tag): collect(tag.expression, into: &problems)
            case .block(let block):
                if case .helper(let helper) = block.kind,
                    let message = problem(helper, params: block.params, hash: block.hash)
                {
                    problems.append((block.offset, message))
                }
                for parameter in block.params { collect(parameter, into: &problems) }
                for argument in block.hash { collect(argument.value, into: &problems) }
                collect(block.body, into: &problems)
                collect(block.inverse, into: &problems)
            }
        }
    }

    private static func collect(_ expression: TemplateExpression, into problems: inout [(offset: Int, message: String)]) {
        guard case .call(let call) = expression else { return }
        if let message = problem(call.helper, params: call.params, hash: call.hash) {
            problems.append((call.offset, message))
        }
        for parameter in call.params { collect(parameter, into: &problems) }
        for argument in call.hash { collect(argument.value, into: &problems) }
    }

    /// The first problem rendering would meet among the helper's literal arguments, or nil.
    private static func problem(
        _ helper: TemplateHelper, params: [TemplateExpression], hash: [TemplateHashArgument]
    ) -> String? {
        do throws(TemplateArgumentProblem) {
            switch helper {
            case .numberFormat:
                if let style = literalText(params, 1) { try TemplateRenderer.checkNumberStyle(style) }
                if let mode = literalText(hash, "roundingMode") { _ = try TemplateRenderer.roundingMode(named: mode) }
            case .ifMatchesRegexStr:
                if let pattern = literalText(params, 1) { _ = try TemplateRenderer.regularExpression(pattern) }
            case .math:
                if let operation = literalText(params, 1) { _ = try TemplateRenderer.MathOperator(named: operation) }
            case .dateMath:
                try checkDateFormat(hash)
                try checkTimeZone(hash)
                for index in params.indices.dropFirst() {
                    if let offsets = literalText(params, index) { _ = try TemplateRenderer.dateOffsets(offsets) }
                }
            case .dateFormat, .now:
                try checkDateFormat(hash)
                try checkTimeZone(hash)
            case .substring:
                for index in [1, 2] {
                    if let value = literal(params, index) { _ = try TemplateRenderer.wholeNumber(value, for: helper) }
                }
            case .abbreviate:
                if let value = literal(params, 1) {
                    try TemplateRenderer.checkAbbreviationWidth(try TemplateRenderer.wholeNumber(value, for: helper))
                }
            case .center:
                if let value = literal(params, 1) ?? literal(hash, "size") {
                    _ = try TemplateRenderer.wholeNumber(value, for: helper)
                } else if params.count < 2, !hash.contains(where: { $0.key == "size" }) {
                    throw TemplateArgumentProblem(message: TemplateRenderer.centerWithoutWidth)
                }
            default:
                return nil
            }
            return nil
        } catch {
            return error.message
        }
    }

    /// `format=`: a style name or a pattern Joda-Time reads.
    private static func checkDateFormat(_ hash: [TemplateHashArgument]) throws(TemplateArgumentProblem) {
        if let format = literalText(hash, "format") { _ = try TemplateRenderer.DateStyle(format) }
    }

    /// `tz=`, or `timezone=` without it, as rendering reads them.
    private static func checkTimeZone(_ hash: [TemplateHashArgument]) throws(TemplateArgumentProblem) {
        let argument = hash.first { $0.key == "tz" } ?? hash.first { $0.key == "timezone" }
        guard case .literal(let value)? = argument?.value else { return }
        _ = try JodaDatePattern.Zone.named(value.displayText)
    }

    /// Positional parameter `index` when it is a literal.
    private static func literal(_ params: [TemplateExpression], _ index: Int) -> JSONValue? {
        guard params.indices.contains(index), case .literal(let value) = params[index] else { return nil }
        return value
    }

    private static func literal(_ hash: [TemplateHashArgument], _ key: String) -> JSONValue? {
        guard case .literal(let value)? = hash.first(where: { $0.key == key })?.value else { return nil }
        return value
    }

    /// The text of positional parameter `index` when it is a literal, as rendering reads it.
    private static func literalText(_ params: [TemplateExpression], _ index: Int) -> String? {
        literal(params, index)?.displayText
    }

    private static func literalText(_ hash: [TemplateHashArgument], _ key: String) -> String? {
        literal(hash, key)?.displayText
    }
}
