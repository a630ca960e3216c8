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
