/// Iterable's string helpers: `cut`, `replace`, `substring`, `abbreviate`, `center`, `split` and `concat`.
///
/// Positions and widths count as Iterable's Java helpers count: `substring`'s indices are UTF-16
/// code units, as `size` and `.length` count them; `abbreviate` and `center` count characters,
/// so that neither cuts one in two.
extension TemplateRenderer {
    mutating func callTextHelper(_ call: TemplateCall) throws(TemplateError) -> JSONValue? {
        switch call.helper {
        case .cut:
            let removed = try text(call.params[1])
            return try mapText(call) { removed.isEmpty ? $0 : $0.replacing(removed, with: "") }
        case .replace:
            let target = try text(call.params[1])
            let replacement = try text(call.params[2])
            return try mapText(call) { target.isEmpty ? $0 : $0.replacing(target, with: replacement) }
        case .substring:
            let start = try index(call, 1)
            let end = call.params.count > 2 ? try index(call, 2) : nil
            return try mapText(call) { Self.substring($0, from: start, to: end) }
        case .abbreviate:
            let width = try index(call, 1)
            do { try Self.checkAbbreviationWidth(width) } catch { throw self.error(call.offset, error.message) }
            return try mapText(call) { $0.count <= width ? $0 : $0.prefix(width - 3) + "..." }
        case .center:
            let size: Int
            if call.params.count > 1 {
                size = try index(call, 1)
            } else if let written = call.hash.first(where: { $0.key == "size" }) {
                let value = try evaluate(written.value)
                do { size = try Self.wholeNumber(value, for: call.helper) } catch { throw self.error(call.offset, error.message) }
            } else {
                throw error(call.offset, Self.centerWithoutWidth)
            }
            let pad = try hashText("pad", call.hash) ?? " "
            return try mapText(call) { Self.center($0, width: size, pad: pad.isEmpty ? " " : pad) }
        case .split:
            guard let value = try evaluate(call.params[0]) else { return nil }
            if case .null = value { return nil }
            let separator = try text(call.params[1])
            let whole = value.displayText
            let parts = separator.isEmpty ? whole.map(String.init) : whole.split(separator: separator, omittingEmptySubsequences: false).map(String.init)
            return .array(parts.map(JSONValue.string))
        case .concat:
            var joined = ""
            for parameter in call.params {
                if let value = try evaluate(parameter), value != .null { joined += value.displayText }
            }
            return .string(joined)
        default:
            throw error(call.offset, "'\(call.helper.rawValue)' is not a string helper")
        }
    }

    /// Positional parameter `position` of `call` as a whole number.
    private mutating func index(_ call: TemplateCall, _ position: Int) throws(TemplateError) -> Int {
        let value = try evaluate(call.params[position])
        do { return try Self.wholeNumber(value, for: call.helper) } catch { throw self.error(call.offset, error.message) }
    }

    /// `value` as the whole number a position or width of `helper` is.
    static func wholeNumber(_ value: JSONValue?, for helper: TemplateHelper) throws(TemplateArgumentProblem) -> Int {
        guard let number = value.flatMap(Self.number), number == number.rounded(), abs(number) < 1e9 else {
            throw TemplateArgumentProblem(message: "'\(helper.rawValue)' needs a whole number, found '\(value?.displayText ?? "")'")
        }
        return Int(number)
    }

    /// `abbreviate`'s width, which holds the `...`.
    static func checkAbbreviationWidth(_ width: Int) throws(TemplateArgumentProblem) {
        guard width >= 4 else {
            throw TemplateArgumentProblem(message: "'abbreviate' needs a width of at least 4 (3 of it are the '...'), found \(width)")
        }
    }

    static let centerWithoutWidth = "'center' needs a width: {{center text size=20}}"

    /// The UTF-16 code units `start..<end` of `text` (to its end when `end` is nil), each clamped to the text.
    static func substring(_ text: String, from start: Int, to end: Int?) -> String {
        let units = Array(text.utf16)
        let lower = min(max(start, 0), units.count)
        let upper = min(max(end ?? units.count, lower), units.count)
        return String(decoding: units[lower..<upper], as: UTF16.self)
    }

    /// `text` padded on both sides to `width` characters with `pad` repeated, the odd one on the right.
    static func center(_ text: String, width: Int, pad: String) -> String {
        let missing = width - text.count
        guard missing > 0 else { return text }
        func padding(_ count: Int) -> String { String(repeating: pad, count: count / pad.count + 1).prefix(count).description }
        return padding(missing / 2) + text + padding(missing - missing / 2)
    }
}
