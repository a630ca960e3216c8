import StudioModel

/// The bottom hint bar, generated from the binding table: `? help  ⏎ open  j/k move  Tab pane  q quit`.
enum HintBarView {
    static func render(_ state: AppState, area: Rect, into grid: inout CellGrid) {
        var x = area.x + 1
        let maxX = area.maxX - 1
        if let confirmation = state.confirmation {
            grid.put(Sanitizer.clean(confirmation.question), at: Point(x: x, y: area.y), token: .statusWarn, maxWidth: maxX - x)
            return
        }
        if let input = state.users.findInput {
            return renderLineInput(
                "find user: ", input, placeholder: "the start of an address", help: "⏎ find  Esc cancel", state: state,
                area: area, into: &grid)
        }
        if let input = state.fieldInput {
            return renderLineInput(
                input.prompt, input.text, placeholder: input.placeholder, help: "⏎ save  Esc cancel", state: state, area: area,
                into: &grid)
        }
        let editor = state.details == nil ? state.bodyEditor : nil
        if let editor, editor.confirmingDiscard {
            // What the keys do first: at 80 columns the path gives way, never the question (QA F10).
            let question = editor.quitAfterDiscard
                ? "unsaved changes: y discards them and quits, any other key goes back to them"
                : "unsaved changes: y discards them, any other key goes back to them"
            let text = grid.displayed(question + " · " + Sanitizer.clean(editor.path))
            grid.put(DisplayWidth.truncate(text, to: maxX - x), at: Point(x: x, y: area.y), token: .statusWarn)
            return
        }
        if let input = editor?.userInput {
            return renderLineInput(
                "preview for ", input, placeholder: "first stored user", help: "⏎ render  Esc cancel", state: state, area: area,
                into: &grid)
        }
        if let input = state.traffic.filterInput {
            return renderLineInput("/", input, help: "⏎ apply  Esc cancel", state: state, area: area, into: &grid)
        }
        if let input = state.stepUserInput {
            let (prompt, help) = switch input.purpose {
            case .preview: ("preview \(input.webhookID) for ", "⏎ preview  Esc cancel")
            case .testSend: ("test send \(input.webhookID) to ", "⏎ send  Esc cancel")
            }
            return renderLineInput(
                prompt, input.email, placeholder: "first stored user", help: help, state: state, area: area, into: &grid)
        }
        if let input = state.runInput {
            let placeholder = state.workspace.workflow(id: input.workflowID).map { workflow in
                if case .list(let name) = workflow.start { "its list, \(name)" } else { "every user" }
            }
            return renderLineInput(
                "run \(input.workflowID) for ", input.text, placeholder: (placeholder ?? "every user") + " · list:NAME · email",
                help: "⏎ run  Esc cancel", state: state, area: area, into: &grid)
        }
        var shown = keyBindings(state)
        func width(_ binding: Binding) -> Int { keyWidth(binding, ascii: state.ascii) }
        var statusWidth = 0
        if let status = state.status, !isLong(status, state: state, area: area, grid: grid) {
            let text = grid.displayed(shownText(of: status, in: state))
            statusWidth = DisplayWidth.width(of: text) + 2
            grid.put(text, at: Point(x: maxX - statusWidth + 2, y: area.y), token: token(status))
        }
        // When they do not all fit, the ones before the last give way: the last is how to quit
        // (or close the editor), which must always show.
        while shown.count > 1, shown.reduce(0, { $0 + width($1) }) - 2 > maxX - statusWidth - x {
            shown.remove(at: shown.count - 2)
        }
        for binding in shown {
            let key = keyLabel(binding, ascii: state.ascii)
            if x + width(binding) - 2 > maxX - statusWidth { break }
            x += grid.put(key, at: Point(x: x, y: area.y), token: .hintKey)
            x += grid.put(" " + (binding.short ?? ""), at: Point(x: x, y: area.y), token: .hintText)
            x += 2
        }
    }

    /// The keys the bar offers: the body editor's while it is open, else the focused pane's,
    /// navigation and global ones (the problems list only while there are problems).
    private static func keyBindings(_ state: AppState) -> [Binding] {
        if let details = state.details { return detailsBindings(state, replayable: details.isReplayable) }
        let bindings = state.bodyEditor != nil
            ? state.keyMap.bindings(in: .bodyEditor, readonly: state.readonly).filter(\.showInBar)
            : state.keyMap.barBindings(
                focus: state.focus, readonly: state.readonly, hasProblems: Problems.any(state))
        return bindings.filter { binding in
            // `G follow` is offered once the pane has stopped following.
            binding.short != nil && state.disabledReason(binding) == nil && !(binding.id == .bottom && state.traffic.follow)
        }
    }

    /// The keys of an open exchange or preview (QA: the bar kept the screen's, `⏎ fields` among
    /// them, which closes it): scroll, copy as curl, replay what was sent (not a preview's or a
    /// test send's), close.
    private static func detailsBindings(_ state: AppState, replayable: Bool) -> [Binding] {
        let shown: [(CommandID, String)] =
            [(.help, "help"), (.moveDown, "scroll"), (.copyCurl, "curl")] + (replayable ? [(.replay, "replay")] : [])
        let keys = shown.compactMap { id, short -> Binding? in
            guard var binding = state.keyMap.bindings.first(where: { $0.id == id }) else { return nil }
            binding.short = short
            return state.disabledReason(binding) == nil ? binding : nil
        }
        return keys + [Binding(id: .closeOverlay, keys: [.escape], title: "Close", short: "close", group: .global)]
    }

    /// Columns a key and its hint take, with the gap after them.
    private static func keyWidth(_ binding: Binding, ascii: Bool) -> Int {
        DisplayWidth.width(of: keyLabel(binding, ascii: ascii)) + 1 + DisplayWidth.width(of: binding.short ?? "") + 2
    }

    private static func token(_ status: StatusMessage) -> ThemeToken {
        switch status.level {
        case .info: .statusInfo
        case .warning: .statusWarn
        case .error: .statusError
        }
    }

    /// Whether the row shows the keys (no line is being typed, no question asked).
    private static func showsKeys(_ state: AppState) -> Bool {
        let editor = state.details == nil ? state.bodyEditor : nil
        return state.confirmation == nil && state.users.findInput == nil && state.fieldInput == nil
            && editor?.confirmingDiscard != true && editor?.userInput == nil && state.traffic.filterInput == nil
            && state.stepUserInput == nil && state.runInput == nil
    }

    /// Whether a line is typed in the hint row (not in the palette, an overlay of its own).
    private static func typesInHintRow(_ state: AppState) -> Bool {
        state.isTypingALine && state.palette == nil && state.confirmation == nil
    }

    /// Whether `status` is too long for the row beside the first and the last key (help, quit):
    /// then it is shown whole on rows of its own (``renderLongMessage(_:area:into:)``).
    private static func isLong(_ status: StatusMessage, state: AppState, area: Rect, grid: CellGrid) -> Bool {
        // Beside a line being typed, a message may take half the row: the text typed (kept
        // after a refusal, to be fixed) needs the other half.
        if typesInHintRow(state) { return grid.width(of: shownText(of: status, in: state)) + 2 > (area.width - 2) / 2 }
        let keys = keyBindings(state)
        let fewestKeys = (keys.first.map { keyWidth($0, ascii: state.ascii) } ?? 0)
            + (keys.count > 1 ? keys.last.map { keyWidth($0, ascii: state.ascii) } ?? 0 : 0)
        return grid.width(of: shownText(of: status, in: state)) + 2 > area.width - 2 - fewestKeys
    }

    /// Rows the longest message takes above the keys: it covers the bottom of the traffic pane
    /// (never its title row) until the next key.
    static func maximumMessageRows(_ state: AppState) -> Int {
        max(1, min(6, AppLayout.compute(state).traffic.height - 1))
    }

    /// A message too long for the hint row, wrapped on rows of its own between a line of the
    /// frame and the keys, over the panes and any overlay (drawn last); cut with an ellipsis
    /// only past ``maximumMessageRows(_:)``.
    /// A status message as shown: control characters cleaned, and any value of the secret store
    /// masked (an error text can quote what a server answered).
    static func shownText(of status: StatusMessage, in state: AppState) -> String {
        SecretDisplay.hiding(state.secretValues, in: Sanitizer.clean(status.text))
    }

    static func renderLongMessage(_ state: AppState, area: Rect, into grid: inout CellGrid) {
        guard let status = state.status, let lines = longMessageLines(state, area: area, grid: grid) else { return }
        let border = state.glyphs.border
        let top = area.y - 1 - lines.count
        grid.put(
            border.teeLeft + String(repeating: border.horizontal, count: area.width) + border.teeRight,
            at: Point(x: area.x - 1, y: top), token: .border)
        for (index, line) in lines.enumerated() {
            let y = top + 1 + index
            grid.fill(Rect(x: area.x, y: y, width: area.width, height: 1))
            grid.put(border.vertical, at: Point(x: area.x - 1, y: y), token: .border)
            grid.put(border.vertical, at: Point(x: area.maxX, y: y), token: .border)
            grid.put(line, at: Point(x: area.x + 1, y: y), token: token(status), maxWidth: area.width - 2)
        }
    }

    /// The lines of a message too long for the hint row, as ``renderLongMessage(_:area:into:)``
    /// draws them; nil when the message fits the row (or there is none).
    private static func longMessageLines(_ state: AppState, area: Rect, grid: CellGrid) -> [String]? {
        guard let status = state.status, showsKeys(state) || typesInHintRow(state),
            isLong(status, state: state, area: area, grid: grid)
        else { return nil }
        var lines = wrap(grid.displayed(shownText(of: status, in: state)), width: area.width - 2)
        let limit = maximumMessageRows(state)
        if lines.count > limit {
            let ellipsis = grid.displayed(state.glyphs.ellipsis)
            lines = Array(lines.prefix(limit))
            lines[limit - 1] = DisplayWidth.truncate(lines[limit - 1] + " " + ellipsis, to: area.width - 2, ellipsis: ellipsis)
        }
        return lines
    }

    /// Rows at the bottom of the traffic pane a long message covers: its frame line and its
    /// lines, less the last, drawn over the line above the keys; 0 when there is none.
    static func rowsCoveredByLongMessage(_ state: AppState, area: Rect, grid: CellGrid) -> Int {
        longMessageLines(state, area: area, grid: grid)?.count ?? 0
    }

    /// A long message's lines, broken at spaces: a word that fits on a line (a URL, a path) starts
    /// the next one whole rather than be split (QA); one longer than a line is broken after a `/`.
    static func wrap(_ text: String, width: Int) -> [String] {
        guard width > 0, DisplayWidth.width(of: text) > width else { return [text] }
        var lines: [String] = []
        var line = ""
        for word in text.split(separator: " ", omittingEmptySubsequences: false).map(String.init) {
            let joined = line.isEmpty ? word : line + " " + word
            if DisplayWidth.width(of: joined) <= width {
                line = joined
            } else if DisplayWidth.width(of: word) <= width {
                lines.append(line)
                line = word
            } else {
                var pieces = StyledLines.wrap(joined, width: width, breaks: [" ", "/"])
                line = pieces.popLast() ?? ""
                lines += pieces
            }
        }
        lines.append(line)
        return lines.map { $0.trimmingSuffix(" ") }
    }

    /// A line being typed after `prompt`, the caret and the text around it visible
    /// (`placeholder` while it is empty), with the keys that finish it (`help`) or the error it met.
    private static func renderLineInput(
        _ prompt: String, _ input: String, placeholder: String = "", help: String, state: AppState, area: Rect,
        into grid: inout CellGrid
    ) {
        // A long message is shown whole above the row (``renderLongMessage``): the keys' help stays here.
        let shown = state.status.flatMap { isLong($0, state: state, area: area, grid: grid) ? nil : $0 }
        let helpText = grid.displayed(shown.map { "  " + Sanitizer.clean($0.text) } ?? "  " + help)
        let room = max(4, area.width - 4 - grid.width(of: prompt) - DisplayWidth.width(of: helpText))
        let (before, after) = split(input, atCursor: state.lineCursor)
        // After the caret, at most half the room: the text being typed stays in view.
        let shownAfter = visibleStart(of: after, columns: (room - 1) / 2, in: grid)
        let shownBefore = visibleEnd(of: before, columns: room - 1 - grid.width(of: shownAfter), in: grid)
        var x = area.x + 1
        x += grid.put(Sanitizer.clean(prompt), at: Point(x: x, y: area.y), token: .hintKey)
        x += grid.put(shownBefore, at: Point(x: x, y: area.y), token: .foreground)
        x += grid.put(state.ascii ? "_" : "▏", at: Point(x: x, y: area.y), token: .hintKey)
        x += grid.put(shownAfter, at: Point(x: x, y: area.y), token: .foreground)
        if input.isEmpty, !placeholder.isEmpty {
            x += grid.put("(\(placeholder))", at: Point(x: x, y: area.y), token: .hintText, maxWidth: area.maxX - 1 - x)
        }
        grid.put(helpText, at: Point(x: x, y: area.y), token: shown == nil ? .hintText : .statusError, maxWidth: area.maxX - 1 - x)
    }

    /// `input` cut at the caret, `cursor` characters from its end.
    static func split(_ input: String, atCursor cursor: Int) -> (before: Substring, after: Substring) {
        let caret = caretIndex(in: input, cursor: cursor)
        return (input[..<caret], input[caret...])
    }

    /// The start of `input` that fits in `columns`, cleaned, with `…` when some is left out.
    static func visibleStart(of input: Substring, columns: Int, in grid: CellGrid) -> String {
        var kept = ""
        var used = 0
        var index = input.startIndex
        while index < input.endIndex {
            let cleaned = Sanitizer.clean(String(input[index]))
            let width = grid.width(of: cleaned)
            let next = input.index(after: index)
            // Room is kept for the `…` unless this is the last character.
            if used + width + (next < input.endIndex ? 1 : 0) > columns { return used < columns ? kept + "…" : kept }
            kept += cleaned
            used += width
            index = next
        }
        return kept
    }

    /// The end of `input` that fits in `columns`, cleaned. Only that end is measured: a pasted
    /// line may be megabytes long, and the frame must not wait for it.
    static func visibleEnd(of input: some StringProtocol, columns: Int, in grid: CellGrid) -> String {
        var kept: [String] = []
        var used = 0
        for character in input.reversed() {
            let cleaned = Sanitizer.clean(String(character))
            let width = grid.width(of: cleaned)
            if used + width > columns { break }
            kept.append(cleaned)
            used += width
        }
        return kept.reversed().joined()
    }

    static func keyLabel(_ binding: Binding, ascii: Bool) -> String {
        if binding.id == .moveDown { return "j/k" }
        return binding.keys.first.map { $0.displayName(ascii: ascii) } ?? ""
    }
}

extension String {
    /// The string without `character` at its end.
    fileprivate func trimmingSuffix(_ character: Character) -> String {
        var text = self
        while text.last == character { text.removeLast() }
        return text
    }
}
