/// The helpers the engine knows: Iterable's Handlebars helpers plus the Handlebars built-ins.
enum TemplateHelper: String, Sendable, Hashable, CaseIterable {
    // Blocks.
    case `if`, unless, each, with
    case ifEq, ifGt, ifGte, ifLt, ifLte, ifContainsStr, ifMatchesRegexStr, ifModEq
    case and, or
    case breaklines
    // Both.
    case urlEncode, base64
    // Inline.
    case defaultIfEmpty, toJson, join, upper, lower, capitalize, capitalizeFirst
    case dateFormat, dateMath, now, timestamp, math, numberFormat, size, lookup
    case eq, lt, lte, gt, gte, not
    case cut, replace, substring, abbreviate, center, split, concat
    case toUrlEncodedJson, hexEncode, md5, sha1, sha256, hmacSHA1, hmacSHA256
    case maxInList, minInList, inLeftNotInRight

    /// Usable as `{{#name}}`.
    var isBlock: Bool {
        switch self {
        case .if, .unless, .each, .with, .ifEq, .ifGt, .ifGte, .ifLt, .ifLte, .ifContainsStr, .ifMatchesRegexStr,
            .ifModEq, .and, .or, .urlEncode, .base64, .breaklines:
            true
        default: false
        }
    }

    /// Usable as `{{name …}}` or `(name …)`.
    var isInline: Bool {
        switch self {
        case .if, .unless, .each, .with, .ifEq, .ifGt, .ifGte, .ifLt, .ifLte, .ifContainsStr, .ifMatchesRegexStr,
            .ifModEq, .and, .or, .breaklines:
            false
        default: true
        }
    }

    /// Fewest positional parameters.
    var minimumParams: Int {
        switch self {
        case .now, .timestamp, .breaklines: 0
        case .urlEncode, .base64: 0
        case .if, .unless, .each, .with, .toJson, .upper, .lower, .capitalize, .capitalizeFirst, .dateFormat, .size,
            .numberFormat, .not, .defaultIfEmpty, .join, .center, .concat, .toUrlEncodedJson, .hexEncode, .md5, .sha1,
            .sha256, .maxInList, .minInList:
            1
        case .and, .or, .ifEq, .ifGt, .ifGte, .ifLt, .ifLte, .ifContainsStr, .ifMatchesRegexStr, .dateMath, .lookup, .eq,
            .lt, .lte, .gt, .gte, .cut, .substring, .abbreviate, .split, .hmacSHA1, .hmacSHA256, .inLeftNotInRight:
            2
        case .ifModEq, .math, .replace: 3
        }
    }

    /// Fewest positional parameters of `{{name …}}` and `(name …)`: `urlEncode` and `base64` encode
    /// their block's text without one, and their parameter inline.
    var minimumInlineParams: Int { self == .urlEncode || self == .base64 ? 1 : minimumParams }

    /// Most positional parameters, or nil for no limit.
    var maximumParams: Int? {
        switch self {
        case .defaultIfEmpty, .and, .or, .dateMath, .concat: nil
        case .now, .timestamp, .breaklines: 0
        case .urlEncode, .base64: 1
        case .if, .unless, .each, .with, .toJson, .upper, .lower, .capitalize, .capitalizeFirst, .dateFormat, .size,
            .not, .toUrlEncodedJson, .hexEncode, .md5, .sha1, .sha256, .maxInList, .minInList:
            1
        case .join, .lookup, .eq, .lt, .lte, .gt, .gte, .ifEq, .ifGt, .ifGte, .ifLt, .ifLte, .ifContainsStr,
            .ifMatchesRegexStr, .cut, .abbreviate, .center, .split, .hmacSHA1, .hmacSHA256, .inLeftNotInRight:
            2
        case .numberFormat, .ifModEq, .math, .replace, .substring: 3
        }
    }

    /// Iterable's helpers that Hookline does not implement, with what to write instead. Each is an error at its
    /// line and column wherever a helper name stands, `{{name}}` and `{{#name}}…{{/name}}` alone included:
    /// read as a field, as other unknown names are, it would render nothing (a migrated body would lose its
    /// unsubscribe link without a word).
    static let refusedIterableNames: [String: String] = [
        "hostedUnsubscribeUrl": "Hookline hosts no unsubscribe page; merge the link from a field",
        "smartOptInUrl": "Hookline hosts no opt-in page; merge the link from a field",
        "unsubscribeByPhoneUrl": "Hookline hosts no unsubscribe page; merge the link from a field",
        "slugify": "use lower and replace",
        "assign": "compute the value in the event or profile data",
        "catalog": "Hookline has no catalogs; put the item in the event data",
        "metadata": "Hookline has no catalogs; put the item in the event data",
        "snippet": "Hookline has no snippets; write the text in the template",
        "sendSkip": "Hookline has no send skips; use a journey filter",
    ]

    /// The error message for a refused Iterable helper `name`, or nil when it is not one.
    static func refusalMessage(_ name: String) -> String? {
        guard let hint = refusedIterableNames[name] else { return nil }
        return "'\(name)' is an Iterable helper Hookline does not implement (\(hint)); "
            + "write {{this.\(name)}} to read a field of that name"
    }

    static let blockNames = allCases.filter(\.isBlock).map(\.rawValue)
    static let inlineNames = allCases.filter(\.isInline).map(\.rawValue)
}
