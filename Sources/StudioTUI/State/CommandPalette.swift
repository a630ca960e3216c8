import Foundation

/// The `:` / Ctrl+P palette: the commands of the binding table that work where it was opened,
/// found by typing letters of their title in order (as lazygit's menu and Textual's palette do),
/// run with ⏎.
public struct CommandPalette: Sendable, Equatable {
    /// The pane it was opened from: its commands are offered first, and run there.
    public var focus: Pane
    public var query = ""
    /// Index into ``matches(in:readonly:)``.
    public var selected = 0

    public init(focus: Pane) { self.focus = focus }

    /// The bindings whose title holds the query's letters in order, best first: a word of the
    /// title starting with the query as typed, then the query anywhere in it, then the letters
    /// spread out; among equals, the earliest match, then the table's order (the pane's own
    /// commands, navigation, global). Each command appears once.
    public func matches(in keyMap: KeyMap, readonly: Bool) -> [Binding] {
        var seen = Set<CommandID>()
        let offered = [focus.bindingGroup, .navigation, .global].flatMap { keyMap.bindings(in: $0, readonly: readonly) }
            .filter { !Self.notOffered.contains($0.id) && seen.insert($0.id).inserted }
        let typed = query.lowercased().trimmingCharacters(in: .whitespaces)
        guard !typed.isEmpty else { return offered }
        let scored = offered.enumerated().compactMap { order, binding -> (rank: Int, position: Int, order: Int, Binding)? in
            let title = binding.title.lowercased()
            if let range = title.range(of: typed) {
                let position = title.distance(from: title.startIndex, to: range.lowerBound)
                let atWordStart = range.lowerBound == title.startIndex || !title[title.index(before: range.lowerBound)].isLetter
                return (atWordStart ? 0 : 1, position, order, binding)
            }
            guard let start = Self.subsequenceStart(of: typed.filter { !$0.isWhitespace }, in: title) else { return nil }
            return (2, start, order, binding)
        }
        return scored.sorted { ($0.rank, $0.position, $0.order) < ($1.rank, $1.position, $1.order) }.map(\.3)
    }

    /// Commands that make no sense from the palette: opening it again, closing an overlay.
    private static let notOffered: Set<CommandID> = [.palette, .closeOverlay]

    /// Where the first letter of `needle` matches when all of its letters appear in `text` in
    /// order; nil when they do not.
    private static func subsequenceStart(of needle: String, in text: String) -> Int? {
        var start: Int?
        var remaining = needle[...]
        for (offset, character) in text.enumerated() where character == remaining.first {
            if start == nil { start = offset }
            remaining = remaining.dropFirst()
            if remaining.isEmpty { return start }
        }
        return nil
    }
}
