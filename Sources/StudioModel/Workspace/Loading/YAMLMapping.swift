import Foundation
import Yams

/// A mapping node of a workspace file, with typed accessors that report bad values.
///
/// `what` names the mapping in messages ("webhook", "node 'wait'", "auth").
struct YAMLMapping {
    let node: Node
    let file: YAMLFile
    let what: String
    let entries: [(key: String, keyNode: Node, value: Node)]

    /// Nil, after an error, when `node` is not a mapping.
    init?(_ node: Node, in file: YAMLFile, what: String) {
        guard let mapping = node.mapping else {
            file.error("\(what) must be a mapping, found \(node.kindDescription)", at: node)
            return nil
        }
        self.node = node
        self.file = file
        self.what = what
        self.entries = mapping.map { (key: $0.key.scalar?.string ?? "", keyNode: $0.key, value: $0.value) }
    }

    subscript(key: String) -> Node? { entries.first { $0.key == key }?.value }

    /// Warns about every key not in `known`, suggesting the nearest known one.
    func checkKeys(_ known: [String]) {
        for entry in entries where !known.contains(entry.key) {
            file.warning(
                "unknown key '\(entry.key)' in \(what)", at: entry.keyNode, hint: NameHint.hint(for: entry.key, in: known))
        }
    }

    /// A present value, or nil after "missing required key" when absent or null.
    func required(_ key: String) -> Node? {
        guard let value = self[key], !value.isNullScalar else {
            file.error("missing required key '\(key)' in \(what)", at: node)
            return nil
        }
        return value
    }

    /// The text of a scalar; nil when absent, or after an error when not a scalar.
    func string(_ key: String) -> String? {
        guard let value = self[key], !value.isNullScalar else { return nil }
        return text(of: value, key: key)
    }

    /// The text of a required scalar that must not be empty.
    func requiredString(_ key: String) -> String? {
        guard let value = required(key), let text = text(of: value, key: key) else { return nil }
        if text.trimmingCharacters(in: .whitespaces).isEmpty {
            file.error("'\(key)' in \(what) must not be empty", at: value)
            return nil
        }
        return text
    }

    func text(of value: Node, key: String) -> String? {
        guard case .scalar(let scalar) = value else {
            file.error("'\(key)' in \(what) must be a text value, found \(value.kindDescription)", at: value)
            return nil
        }
        return scalar.string
    }

    /// Whether `key` is written, and not null, but `value`, what reading it gave, is nil: it was
    /// reported as an error. The definition must then not load, rather than run as if the key were
    /// absent (unsigned, with the default timeout, enabled).
    func wasWrittenButNotRead<Value>(_ key: String, _ value: Value?) -> Bool {
        value == nil && !(self[key]?.isNullScalar ?? true)
    }

    func bool(_ key: String) -> Bool? {
        guard let value = self[key], !value.isNullScalar else { return nil }
        guard value.scalar != nil, let result = value.bool else {
            file.error("'\(key)' in \(what) must be true or false, found \(value.kindDescription)", at: value)
            return nil
        }
        return result
    }

    func int(_ key: String, minimum: Int) -> Int? {
        guard let value = self[key], !value.isNullScalar else { return nil }
        guard value.scalar != nil, let result = value.int, result >= minimum else {
            file.error(
                "'\(key)' in \(what) must be an integer of at least \(minimum), found \(value.kindDescription)", at: value)
            return nil
        }
        return result
    }

    func duration(_ key: String) -> WorkflowDuration? {
        guard let value = self[key], !value.isNullScalar else { return nil }
        return duration(of: value, key: key)
    }

    /// A timeout: at least 1 ms (0 s would fail every attempt at once) and at most an hour (an
    /// attempt holds a connection and a delivery slot that long); nil when absent, or after an error.
    func timeout(_ key: String) -> WorkflowDuration? {
        guard let duration = duration(key) else { return nil }
        // Timeouts are kept in whole milliseconds: less would be 0.
        guard duration.seconds >= 0.001 else {
            file.error("'\(key)' must be at least 1 ms: every attempt would fail at once", at: self[key], hint: "write, say, 10s")
            return nil
        }
        guard duration.seconds <= WorkflowDuration.longestTimeout else {
            file.error(
                "'\(key)' must be at most 1h: an attempt holds a connection and a delivery slot that long", at: self[key],
                hint: "write, say, 30s")
            return nil
        }
        return duration
    }

    /// A duration written as `value`, or nil after an error naming `key`.
    func duration(of value: Node, key: String) -> WorkflowDuration? {
        guard let text = text(of: value, key: key) else { return nil }
        guard let duration = WorkflowDuration(parsing: text) else {
            file.error(
                "invalid duration '\(text)' for '\(key)'", at: value,
                hint: "write a number and a unit: 500ms, 90s, 5m, 2h, 2d or 1w")
            return nil
        }
        guard duration.seconds <= WorkflowDuration.longest else {
            file.error("'\(key)' must be at most 100 years, found '\(text)'", at: value, hint: "write, say, 52w")
            return nil
        }
        return duration
    }

    /// A nested mapping; nil when absent, or after an error when not a mapping.
    func mapping(_ key: String, what nestedWhat: String? = nil) -> YAMLMapping? {
        guard let value = self[key], !value.isNullScalar else { return nil }
        return YAMLMapping(value, in: file, what: nestedWhat ?? "'\(key)'")
    }

    /// A list; nil when absent, or after an error when not a list.
    func sequence(_ key: String) -> [Node]? {
        guard let value = self[key], !value.isNullScalar else { return nil }
        guard let sequence = value.sequence else {
            file.error("'\(key)' in \(what) must be a list, found \(value.kindDescription)", at: value)
            return nil
        }
        return Array(sequence)
    }

    /// One of `names`; nil when absent, or after "unknown <noun>" when not among them.
    func choice(_ key: String, from names: [String], noun: String) -> String? {
        guard let value = self[key], !value.isNullScalar, let text = text(of: value, key: key) else { return nil }
        guard names.contains(text) else {
            file.error("unknown \(noun) '\(text)'", at: value, hint: NameHint.hint(for: text, in: names))
            return nil
        }
        return text
    }

    /// Text-valued pairs in file order, such as headers or form fields.
    func pairs(_ key: String) -> [HeaderTemplate]? {
        guard let nested = mapping(key) else { return nil }
        return nested.entries.compactMap { entry in
            nested.text(of: entry.value, key: entry.key).map { HeaderTemplate(name: entry.key, value: $0) }
        }
    }
}
