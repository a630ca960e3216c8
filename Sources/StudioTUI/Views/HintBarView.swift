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
            grid.put("unsaved changes to \(Sanitizer.clean(editor.path)): y discards them, any other key goes back to them",
                     at: Point(x: x, y: area.y), token: .statusWarn, maxWidth: maxX - x)
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
        var statusWidth = 0
        if let status = state.status {
            // An error (a file:line:column diagnostic) gets the whole row; the keys return with the next key.
            let room = status.level == .error ? area.width - 4 : area.width / 2
            let text = DisplayWidth.truncate(Sanitizer.clean(status.text), to: max(0, room), ellipsis: state.glyphs.ellipsis)
            statusWidth = DisplayWidth.width(of: text) + 2
            let token: ThemeToken = switch status.level {
            case .info: .statusInfo
            case .warning: .statusWarn
            case .error: .statusError
            }
            grid.put(text, at: Point(x: maxX - statusWidth + 2, y: area.y), token: token)
        }
        let bindings = editor == nil
            ? state.keyMap.barBindings(focus: state.focus, readonly: state.readonly)
            : state.keyMap.bindings(in: .bodyEditor, readonly: state.readonly).filter(\.showInBar)
        // When they do not all fit, the ones before the last give way: the last is how to quit
        // (or close the editor), which must always show.
        var shown = bindings.filter { $0.short != nil }
        func width(_ binding: Binding) -> Int {
            DisplayWidth.width(of: keyLabel(binding, ascii: state.ascii)) + 1 + DisplayWidth.width(of: binding.short ?? "") + 2
        }
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

    /// A line being typed after `prompt`, its end visible (`placeholder` while it is empty),
    /// with the keys that finish it (`help`) or the error it met.
    private static func renderLineInput(
        _ prompt: String, _ input: String, placeholder: String = "", help: String, state: AppState, area: Rect,
        into grid: inout CellGrid
    ) {
        let help = state.status.map { "  " + Sanitizer.clean($0.text) } ?? "  " + help
        let helpText = state.ascii ? help.replacingOccurrences(of: "⏎", with: "Enter") : help
        let room = max(4, area.width - 4 - DisplayWidth.width(of: prompt) - DisplayWidth.width(of: helpText))
        var shown = Sanitizer.clean(input)
        while DisplayWidth.width(of: shown) > room - 1, !shown.isEmpty { shown.removeFirst() }
        var x = area.x + 1
        x += grid.put(Sanitizer.clean(prompt), at: Point(x: x, y: area.y), token: .hintKey)
        x += grid.put(shown, at: Point(x: x, y: area.y), token: .foreground)
        x += grid.put(state.ascii ? "_" : "▏", at: Point(x: x, y: area.y), token: .hintKey)
        if input.isEmpty, !placeholder.isEmpty {
            x += grid.put("(\(placeholder))", at: Point(x: x, y: area.y), token: .hintText, maxWidth: area.maxX - 1 - x)
        }
        grid.put(helpText, at: Point(x: x, y: area.y), token: state.status == nil ? .hintText : .statusError, maxWidth: area.maxX - 1 - x)
    }

    static func keyLabel(_ binding: Binding, ascii: Bool) -> String {
        if binding.id == .moveDown { return "j/k" }
        return binding.keys.first.map { $0.displayName(ascii: ascii) } ?? ""
    }
}
