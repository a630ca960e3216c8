import CYaml
import Yams

/// How far a YAML text grows once its aliases are expanded, read from libyaml's events before
/// Yams composes the text.
///
/// Yams hands out an alias as the anchored node itself, so a "billion laughs" file (anchors whose
/// lists repeat the previous anchor ten times, nine deep) composes cheaply into a tree that is
/// exponentially large when walked: Yams hashes mapping keys to find duplicates and the loader
/// converts values, and either never finishes. This count is linear in the text.
enum YAMLAliasExpansion {
    /// The most nodes aliases may add to a file. Sharing a few headers or a condition takes
    /// dozens; a file that needs more is better written out.
    static let maximumAddedNodes = 100_000

    /// Where the alias that takes the file over ``maximumAddedNodes`` starts, as 1-based line and
    /// libyaml column (Unicode scalars); nil when the file stays under it, or when it does not parse
    /// (Yams reports that).
    static func firstExcessiveAlias(in text: String) -> (line: Int, scalarColumn: Int)? {
        var parser = yaml_parser_t()
        guard yaml_parser_initialize(&parser) == 1 else { return nil }
        defer { yaml_parser_delete(&parser) }
        let bytes = Array(text.utf8)
        return bytes.withUnsafeBufferPointer { buffer in
            yaml_parser_set_encoding(&parser, YAML_UTF8_ENCODING)
            yaml_parser_set_input_string(&parser, buffer.baseAddress, buffer.count)
            var expandedSize: [String: Int] = [:]
            // The open collections: their anchor and how many nodes had been seen when each opened.
            var open: [(anchor: String?, nodesBefore: Int)] = []
            var nodes = 0
            var added = 0
            while true {
                var event = yaml_event_t()
                guard yaml_parser_parse(&parser, &event) == 1 else { return nil }
                defer { yaml_event_delete(&event) }
                switch event.type {
                case YAML_STREAM_END_EVENT:
                    return nil
                case YAML_SCALAR_EVENT:
                    nodes += 1
                    if let anchor = name(event.data.scalar.anchor) { expandedSize[anchor] = 1 }
                case YAML_SEQUENCE_START_EVENT:
                    open.append((name(event.data.sequence_start.anchor), nodes))
                    nodes += 1
                case YAML_MAPPING_START_EVENT:
                    open.append((name(event.data.mapping_start.anchor), nodes))
                    nodes += 1
                case YAML_SEQUENCE_END_EVENT, YAML_MAPPING_END_EVENT:
                    if let collection = open.popLast(), let anchor = collection.anchor {
                        expandedSize[anchor] = nodes - collection.nodesBefore
                    }
                case YAML_ALIAS_EVENT:
                    // An undefined alias is Yams's to report.
                    let size = name(event.data.alias.anchor).flatMap { expandedSize[$0] } ?? 1
                    nodes += size
                    added += size
                    if added > maximumAddedNodes {
                        return (Int(event.start_mark.line) + 1, Int(event.start_mark.column) + 1)
                    }
                default:
                    break
                }
            }
        }
    }

    /// Yams' `compose`, refusing first a text whose aliases expand past ``maximumAddedNodes``:
    /// for the studio's edits and themes, which compose text the loader has not checked.
    static func compose(_ text: String) throws -> Node? {
        if let alias = firstExcessiveAlias(in: text) { throw TooLarge(line: alias.line) }
        return try Yams.compose(yaml: text)
    }

    /// A text refused by ``compose(_:)``.
    struct TooLarge: Error, CustomStringConvertible {
        var line: Int
        var description: String {
            "aliases here expand to more than \(YAMLAliasExpansion.maximumAddedNodes) values"
        }
    }

    private static func name(_ anchor: UnsafeMutablePointer<yaml_char_t>?) -> String? {
        anchor.map { String(cString: $0) }
    }
}
