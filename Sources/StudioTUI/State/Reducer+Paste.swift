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
    let cursor = state.isTypingALine ? state.lineCursor : 0
    if var input = state.fieldInput {
        insert(line, into: &input.text, atCursor: cursor)
        state.fieldInput = input
    } else if var palette = state.palette {
        insert(line, into: &palette.query, atCursor: cursor)
        palette.selected = 0
        state.palette = palette
    } else if var filter = state.traffic.filterInput {
        insert(line, into: &filter, atCursor: cursor)
        state.traffic.filterInput = filter
    } else if var input = state.stepUserInput {
        insert(line, into: &input.email, atCursor: cursor)
        state.stepUserInput = input
    } else if var input = state.runInput {
        insert(line, into: &input.text, atCursor: cursor)
        state.runInput = input
    } else if var find = state.users.findInput {
        insert(line, into: &find, atCursor: cursor)
        state.users.findInput = find
    } else if var editor = state.bodyEditor, state.details == nil, state.confirmation == nil, state.choice == nil,
        !editor.confirmingDiscard
    {
        if var input = editor.userInput {
            insert(line, into: &input, atCursor: cursor)
            editor.userInput = input
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
