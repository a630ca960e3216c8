import StudioModel

/// Pasted text goes where text is being typed: into the body editor's template with its line
/// breaks, or onto the line of a prompt with its line breaks as spaces. Anywhere else it is not
/// taken for keys: a pasted `q` does not quit, a pasted `d` deletes nothing.
func paste(_ pasted: String, into state: inout AppState) -> [Effect] {
    // As typing would give it: a tab is two spaces, other control characters are dropped.
    var kept = String.UnicodeScalarView()
    for scalar in pasted.unicodeScalars {
        if scalar == "\t" {
            kept.append(contentsOf: "  ".unicodeScalars)
        } else if scalar == "\n" || !Sanitizer.isControl(scalar) {
            kept.append(scalar)
        }
    }
    let text = String(kept)
    let line = text.replacingOccurrences(of: "\n", with: " ")
    if state.fieldInput != nil {
        state.fieldInput?.text += line
    } else if state.palette != nil {
        state.palette?.query += line
        state.palette?.selected = 0
    } else if state.traffic.filterInput != nil {
        state.traffic.filterInput? += line
    } else if state.stepUserInput != nil {
        state.stepUserInput?.email += line
    } else if state.runInput != nil {
        state.runInput?.text += line
    } else if state.users.findInput != nil {
        state.users.findInput? += line
    } else if var editor = state.bodyEditor, state.details == nil, state.confirmation == nil, state.choice == nil,
        !editor.confirmingDiscard
    {
        if editor.userInput != nil {
            editor.userInput? += line
        } else {
            editor.buffer.insert(contentsOf: text)
            let layout = BodyEditorView.Layout(state.size, lineCount: editor.buffer.lines.count)
            editor.keepCursorVisible(height: layout.editor.height, width: layout.editorTextWidth)
            editor.renderPreview(now: state.now)
        }
        state.bodyEditor = editor
    } else {
        state.status = StatusMessage(
            "pasted text is not taken for keys: paste where text is typed (b body, / filter, a form field)", level: .warning)
    }
    return []
}
