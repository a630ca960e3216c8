/// Iterable's list helpers: `maxInList`, `minInList` and `inLeftNotInRight`.
extension TemplateRenderer {
    mutating func callListHelper(_ call: TemplateCall) throws(TemplateError) -> JSONValue? {
        switch call.helper {
        case .maxInList, .minInList:
            guard case .array(let items)? = try evaluate(call.params[0]) else { return nil }
            // Numbers and numeric text compare as numbers; the item is returned as it is stored.
            let numbered = items.compactMap { item in Self.number(item).map { (item, $0) } }
            let chosen = call.helper == .maxInList
                ? numbered.max { $0.1 < $1.1 }
                : numbered.min { $0.1 < $1.1 }
            return chosen?.0
        case .inLeftNotInRight:
            guard case .array(let left)? = try evaluate(call.params[0]) else { return nil }
            guard case .array(let right)? = try evaluate(call.params[1]) else { return .array(left) }
            // By their text, so that 1 and "1" (a CSV import's and an API call's) are one item.
            let excluded = Set(right.map(\.displayText))
            return .array(left.filter { !excluded.contains($0.displayText) })
        default:
            throw error(call.offset, "'\(call.helper.rawValue)' is not a list helper")
        }
    }
}
