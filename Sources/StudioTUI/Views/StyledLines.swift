import StudioModel

/// One line of a details pane or overlay: runs of text, each in its own style.
struct StyledLine: Equatable {
    var segments: [Segment]

    init(_ segments: [Segment]) { self.segments = segments }

    init(text: String, token: ThemeToken) { self.segments = [Segment(text, token)] }

    var text: String { segments.map(\.text).joined() }
}

/// Builds the lines of a details view, each cut to a width: long values wrap under themselves.
/// Definition text is cleaned of control characters here, so no caller can forget it.
struct StyledLines {
    let width: Int
    private(set) var lines: [StyledLine] = []
    /// Width of the label column of ``add(label:_:_:)``.
    var labelWidth = 10
    /// Values of the secret store, masked wherever they appear in what is added.
    var hidden: [String] = [] {
        didSet { masker = SecretMasker(secretValues: hidden) }
    }
    private var masker = SecretMasker(secretValues: [])

    init(width: Int) { self.width = max(8, width) }

    /// Longest text one ``add(_:_:indent:)`` keeps: a whole stored body, which is cut at 64 KiB.
    static let longestLine = 1 << 17

    /// `text` after `indent`; a line too long continues under its own indentation (a nested
    /// JSON value under itself).
    mutating func add(_ text: String, _ token: ThemeToken = .foreground, indent: String = "") {
        // Wrapped, not cut: a stored body line (up to 64 KiB) is shown whole, as the exchange promises.
        let text = Sanitizer.clean(masker.mask(text), upTo: Self.longestLine)
        let hanging = String(text.prefix { $0 == " " })
        let pieces = Self.wrap(String(text.dropFirst(hanging.count)), width: width - DisplayWidth.width(of: indent + hanging))
        for piece in pieces {
            lines.append(StyledLine(text: indent + hanging + piece, token: token))
        }
    }

    /// `label     value`, the value wrapping under itself.
    mutating func add(label: String, _ value: String, _ token: ThemeToken = .foreground) {
        let label = DisplayWidth.pad(label, to: labelWidth)
        let indent = String(repeating: " ", count: DisplayWidth.width(of: label))
        let value = Sanitizer.clean(masker.mask(value))
        for (index, piece) in Self.wrap(value, width: width - DisplayWidth.width(of: label)).enumerated() {
            lines.append(StyledLine([Segment(index == 0 ? label : indent, .muted), Segment(piece, token)]))
        }
    }

    /// Every line of `text` (a template, a JSON document) indented under a label.
    mutating func addBlock(_ text: String, _ token: ThemeToken = .foreground, indent: String = "  ") {
        for line in text.components(separatedBy: "\n") { add(line, token, indent: indent) }
    }

    mutating func blank() { lines.append(StyledLine([])) }

    /// `text` cut into pieces of at most `width` columns: after a space (or another of `breaks`,
    /// such as `/` in paths) when the piece has one in its second half (prose), else at the width
    /// (URLs, JSON, tokens).
    static func wrap(_ text: String, width: Int, breaks: Set<Character> = [" "]) -> [String] {
        guard width > 0, DisplayWidth.width(of: text) > width else { return [text] }
        var pieces: [String] = []
        var current = ""
        var columns = 0
        for character in text {
            let characterWidth = DisplayWidth.width(of: character)
            if columns + characterWidth > width {
                var carried = ""
                if character != " ", let space = current.lastIndex(where: breaks.contains),
                    DisplayWidth.width(of: String(current[..<space])) >= width / 2
                {
                    carried = String(current[current.index(after: space)...])
                    current = String(current[...space])
                }
                pieces.append(current)
                current = carried
                columns = DisplayWidth.width(of: carried)
                // The space the line breaks at ends it: the next line does not start with it.
                if character == " " { continue }
            }
            current.append(character)
            columns += characterWidth
        }
        if !current.isEmpty { pieces.append(current) }
        return pieces
    }
}
