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

/// Why `fields` cannot be a profile update, at any depth (in nested objects, and in objects
/// inside arrays): a name with a period (`address.city`), which a lookup would read as a path, so
/// the field could never be read back; an empty name, which no merge parameter can name; or a name
/// with a control character (NUL, a line break), which no one can see or type. Nil when every name
/// is fine. Iterable skips dotted names; an import or an API call says so instead of losing them.
///
/// The message names where the name is (`in 'prefs.channels[0]'`) when it is not at the top; the
/// names on the way there are fine, since each object's names are checked before its values.
public func fieldNameProblem(in fields: JSONObject) -> String? {
    fieldNameProblem(in: fields, at: "")
}

private func fieldNameProblem(in fields: JSONObject, at path: String) -> String? {
    let place = path.isEmpty ? "" : " in '\(path)'"
    for name in fields.keys {
        if let problem = fieldNameProblem(name) { return problem(place) }
    }
    for (name, value) in fields.pairs {
        if let problem = fieldNameProblem(in: value, at: path.isEmpty ? name : path + "." + name) { return problem }
    }
    return nil
}

private func fieldNameProblem(in value: JSONValue, at path: String) -> String? {
    switch value {
    case .object(let object):
        return fieldNameProblem(in: object, at: path)
    case .array(let items):
        for (index, item) in items.enumerated() {
            if let problem = fieldNameProblem(in: item, at: "\(path)[\(index)]") { return problem }
        }
        return nil
    default:
        return nil
    }
}

/// Whether `name` can name a field a template reads: not empty, no control character, and no
/// `.` (a lookup reads it as a path). The rule ``fieldNameProblem(in:)`` refuses a write by.
public func isReadableFieldName(_ name: String) -> Bool {
    fieldNameProblem(name) == nil && !name.contains(".")
}

/// Why the column `path` of an import (`address.city`, a path: its periods nest) cannot name a
/// profile field: a name on it is empty (`address..city`, `.city`) or has a control character.
public func fieldPathProblem(_ path: String) -> String? {
    for name in path.split(separator: ".", omittingEmptySubsequences: false) {
        if name.isEmpty { return "the column '\(path)' has an empty name in its path" }
        if let problem = fieldNameProblem(String(name)) { return problem(" in the column '\(path.showingControlCharacters)'") }
    }
    return nil
}

/// Why `name` cannot name a field, as a message given where it is (`" in 'prefs'"`, or nothing
/// at the top); nil when it can.
private func fieldNameProblem(_ name: String) -> ((String) -> String)? {
    if name.isEmpty { return { place in "a field name may not be empty\(place.isEmpty ? "" : " (one\(place) is)")" } }
    if let control = name.unicodeScalars.first(where: { $0.properties.generalCategory == .control }) {
        return { place in
            "field '\(name.showingControlCharacters)'\(place): a name may not contain a control character (\(control.codePoint))"
        }
    }
    guard name.contains(".") else { return nil }
    let parts = name.split(separator: ".", omittingEmptySubsequences: false)
    let nested = parts.reversed().reduce("…") { inner, part in "{\"\(part)\": \(inner)}" }
    return { place in "field '\(name)'\(place): a name may not contain '.'; nest it instead: \(nested)" }
}
