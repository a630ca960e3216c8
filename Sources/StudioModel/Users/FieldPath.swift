/// Resolves a dotted field path (`address.city`, `items.0.sku`) inside a JSON value.
public func lookupField(_ path: String, in root: JSONObject) -> JSONValue? {
    var current: JSONValue = .object(root)
    for component in path.split(separator: ".") {
        switch current {
        case .object(let object):
            guard let next = object[String(component)] else { return nil }
            current = next
        case .array(let array):
            guard let index = Int(component), array.indices.contains(index) else { return nil }
            current = array[index]
        default:
            return nil
        }
    }
    return current
}

/// Sets the value at a dotted path (`address.city`), making the objects on the way; a value
/// that is not an object on the way is replaced by one.
public func setField(_ path: String, to value: JSONValue, in root: inout JSONObject) {
    setField(path.split(separator: ".").map(String.init)[...], to: value, in: &root)
}

private func setField(_ path: ArraySlice<String>, to value: JSONValue, in object: inout JSONObject) {
    guard let key = path.first else { return }
    if path.count == 1 {
        object[key] = value
        return
    }
    var nested = object[key]?.objectValue ?? JSONObject()
    setField(path.dropFirst(), to: value, in: &nested)
    object[key] = .object(nested)
}

/// Why `fields` cannot be a profile update: a top-level name with a period (`address.city`),
/// which a lookup would read as a path, so the field could never be read back. Nil when none
/// has one. Iterable skips such names; an import or an API call says so instead of losing them.
public func dottedFieldProblem(in fields: JSONObject) -> String? {
    guard let name = fields.keys.first(where: { $0.contains(".") }) else { return nil }
    let parts = name.split(separator: ".", omittingEmptySubsequences: false)
    let nested = parts.reversed().reduce("…") { inner, part in "{\"\(part)\": \(inner)}" }
    return "field '\(name)': a name may not contain '.'; nest it instead: \(nested)"
}
