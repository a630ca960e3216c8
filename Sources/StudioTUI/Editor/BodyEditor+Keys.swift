import StudioModel

/// Keys while the body editor is open: its bindings (save, test send, user, close) first, then
/// typing. The views' page heights come from ``BodyEditorView``.
func editBody(_ key: KeyEvent, in state: inout AppState) -> [Effect] {
    guard var editor = state.bodyEditor else { return [] }
    defer { if state.bodyEditor != nil { state.bodyEditor = editor } }
    if editor.confirmingDiscard {
        editor.confirmingDiscard = false
        guard key == .char("y") else { return [] }
        state.bodyEditor = nil
        return editor.discardDraft() + (editor.quitAfterDiscard ? [.quit(code: 0)] : [])
    }
    // Ctrl+C quits, as everywhere (README), but asks first, as Esc does, over unsaved typing (QA F12).
    if state.keyMap.command(for: key, in: .global, readonly: state.readonly) == .quit, key != .char("q") {
        guard editor.isDirty else { return editor.discardDraft() + [.quit(code: 0)] }
        editor.confirmingDiscard = true
        editor.quitAfterDiscard = true
        return []
    }
    if let input = editor.userInput {
        switch editLine(input, with: key, cursor: &state.lineCursor) {
        case .cancel: editor.userInput = nil
        case .edited(let text): editor.userInput = text
        case .submit(let email):
            editor.userInput = nil
            return [.loadPreviewUser(email: email.isEmpty ? nil : email)]
        case .ignored: break
        }
        return []
    }
    let layout = BodyEditorView.Layout(state.size)
    if let command = state.keyMap.command(for: key, in: .bodyEditor, readonly: state.readonly) {
        switch command {
        case .saveBody, .saveAndTestSend:
            state.status = StatusMessage(command == .saveBody ? "saving \(editor.path)…" : "saving, then test sending…")
            return [.saveBody(BodySave(
                webhookID: editor.webhookID, path: editor.path, template: editor.buffer.text, fileText: editor.fileText,
                thenTestSend: command == .saveAndTestSend, email: editor.previewUser?.email))]
        case .previewUser:
            editor.userInput = ""
        case .closeOverlay:
            if editor.isDirty {
                editor.confirmingDiscard = true
                editor.quitAfterDiscard = false
            } else {
                state.bodyEditor = nil
                return editor.discardDraft()
            }
        case .previewDown:
            let last = max(0, editor.preview.lines.count - (layout.preview.height - 1))
            editor.previewScroll = min(last, editor.previewScroll + max(1, layout.preview.height - 1))
        case .previewUp: editor.previewScroll = max(0, editor.previewScroll - max(1, layout.preview.height - 1))
        default: break
        }
        return []
    }
    switch key {
    case .char(let character): editor.buffer.insert(character)
    case .enter: editor.buffer.breakLine()
    case .tab: for _ in 0..<2 { editor.buffer.insert(" ") }
    case .backspace: editor.buffer.deleteBackward()
    case .delete, .ctrl("d"): editor.buffer.deleteForward()
    case .ctrl("u"): editor.buffer.deleteToLineStart()
    case .left: editor.buffer.moveLeft()
    case .right: editor.buffer.moveRight()
    case .up: editor.buffer.moveLines(-1)
    case .down: editor.buffer.moveLines(1)
    case .pageUp: editor.buffer.moveLines(-max(1, layout.editor.height - 1))
    case .pageDown: editor.buffer.moveLines(max(1, layout.editor.height - 1))
    case .home, .ctrl("a"): editor.buffer.moveToLineStart()
    case .end, .ctrl("e"): editor.buffer.moveToLineEnd()
    default: return []
    }
    let textWidth = BodyEditorView.Layout(state.size, lineCount: editor.buffer.lines.count).editorTextWidth
    editor.keepCursorVisible(height: layout.editor.height, width: textWidth)
    editor.renderPreview(now: state.now)
    return []
}

extension BodyEditor {
    /// Scrolls so that the cursor's line, and its column on that line, are on screen.
    mutating func keepCursorVisible(height: Int, width: Int) {
        let height = max(1, height)
        if buffer.line < scroll { scroll = buffer.line }
        if buffer.line >= scroll + height { scroll = buffer.line - height + 1 }
        columnOffset = HorizontalScroll.offset(columnOffset, caret: caretColumn, lineWidth: cursorLineWidth, width: width)
    }

    /// Columns before the cursor on its line.
    var caretColumn: Int { DisplayWidth.width(of: buffer.lines[buffer.line].prefix(buffer.column)) }

    /// Columns of the cursor's line.
    var cursorLineWidth: Int { DisplayWidth.width(of: buffer.lines[buffer.line]) }
}
