import StudioModel

/// The body editor over the panes: the template with line numbers at the left, the preview for
/// the chosen user at the right, and a line saying whether it renders (and parses as JSON).
enum BodyEditorView {
    /// Where its parts go for a terminal size.
    struct Layout {
        /// Columns of the line numbers and the space after them: wide enough for the last one.
        var gutterWidth: Int
        var box: Rect
        var editor: Rect
        var preview: Rect
        var separatorY: Int
        var statusY: Int

        init(_ size: Size, lineCount: Int = 1) {
            gutterWidth = max(4, String(max(1, lineCount)).count + 1)
            box = Rect(x: 1, y: 1, width: max(0, size.width - 2), height: max(0, size.height - 4))
            let inner = box.inset(by: 1)
            let paneHeight = max(1, inner.height - 2)
            let editorWidth = max(10, inner.width * 11 / 20)
            editor = Rect(x: inner.x, y: inner.y, width: editorWidth, height: paneHeight)
            preview = Rect(x: inner.x + editorWidth + 1, y: inner.y, width: max(1, inner.width - editorWidth - 1), height: paneHeight)
            separatorY = inner.y + paneHeight
            statusY = separatorY + 1
        }

        /// Columns of template text shown after the line numbers.
        var editorTextWidth: Int { max(1, editor.width - gutterWidth) }
    }

    static func render(_ state: AppState, into grid: inout CellGrid) {
        guard let editor = state.bodyEditor else { return }
        let layout = Layout(state.size, lineCount: editor.buffer.lines.count)
        let box = layout.box
        guard box.width > 20, box.height > 6 else { return }
        let glyphs = state.glyphs
        FrameView.cover(box, border: state.glyphs.border, into: &grid)
        grid.drawBorder(box, set: glyphs.border, token: .borderFocused)
        grid.put(" Body \(glyphs.dot) \(Sanitizer.clean(editor.webhookID)) \(glyphs.dot) \(editor.type) ",
                 at: Point(x: box.x + 2, y: box.y), token: .titleFocused, clip: box)
        let file = " \(Sanitizer.clean(editor.path))\(editor.isDirty ? " \(glyphs.dot) modified" : "") "
        grid.put(file, at: Point(x: max(box.x + 2, box.maxX - 2 - DisplayWidth.width(of: file)), y: box.y),
                 token: editor.isDirty ? .statusWarn : .muted, clip: box)
        for y in layout.editor.y..<layout.separatorY {
            grid.put(glyphs.border.vertical, at: Point(x: layout.editor.maxX, y: y), token: .border)
        }
        let border = glyphs.border
        grid.put(border.teeLeft + String(repeating: border.horizontal, count: box.width - 2) + border.teeRight,
                 at: Point(x: box.x, y: layout.separatorY), token: .borderFocused)
        grid.put(border.teeUp, at: Point(x: layout.editor.maxX, y: layout.separatorY), token: .borderFocused)

        let preview = editor.preview
        renderTemplate(editor, problemLine: preview.problemLine, layout: layout, glyphs: glyphs, into: &grid)
        renderPreview(editor, preview, layout: layout, state: state, into: &grid)

        let status: Segment = switch (preview.problem, editor.type) {
        case (let problem?, _): Segment("\(glyphs.cross) \(problem)", .statusError)
        case (nil, "json"): Segment("\(glyphs.check) renders to valid JSON", .success)
        case (nil, _): Segment("\(glyphs.check) renders", .success)
        }
        let position = " Ln \(editor.buffer.line + 1), Col \(editor.buffer.column + 1)"
        let inner = box.inset(by: 1)
        grid.put([status], at: Point(x: inner.x + 1, y: layout.statusY),
                 maxWidth: inner.width - 2 - DisplayWidth.width(of: position), ellipsis: glyphs.ellipsis)
        grid.put(position, at: Point(x: inner.maxX - DisplayWidth.width(of: position) - 1, y: layout.statusY), token: .muted)
    }

    private static func renderTemplate(
        _ editor: BodyEditor, problemLine: Int?, layout: Layout, glyphs: Glyphs, into grid: inout CellGrid
    ) {
        let area = layout.editor
        let lines = editor.buffer.lines
        for row in 0..<area.height {
            let index = editor.scroll + row
            guard index < lines.count else { break }
            let y = area.y + row
            let number = String(index + 1)
            grid.put(DisplayWidth.pad(number, to: layout.gutterWidth - 1, alignRight: true) + " ", at: Point(x: area.x, y: y),
                     token: index == problemLine ? .statusError : .muted)
            // As nano does, only the cursor's line scrolls sideways, marked where it is cut (the
            // whole of it, however long: text is not capped here); the others show their start.
            guard index == editor.buffer.line else {
                grid.put(DisplayWidth.truncate(Sanitizer.clean(lines[index]), to: layout.editorTextWidth, ellipsis: glyphs.ellipsis),
                         at: Point(x: area.x + layout.gutterWidth, y: y), token: .foreground, maxWidth: layout.editorTextWidth)
                continue
            }
            // Followed again here, for a window resized since the last key.
            let caret = editor.caretColumn
            let offset = HorizontalScroll.offset(
                editor.columnOffset, caret: caret, lineWidth: editor.cursorLineWidth, width: layout.editorTextWidth)
            let shown = HorizontalScroll.window(
                of: lines[index], from: offset, width: layout.editorTextWidth, marks: .forScreen(ascii: grid.asciiOnly))
            grid.put(shown, at: Point(x: area.x + layout.gutterWidth, y: y), token: .foreground, maxWidth: layout.editorTextWidth)
            grid.restyle(Rect(x: area.x + layout.gutterWidth + caret - offset, y: y, width: 1, height: 1), token: .selection)
        }
    }

    private static func renderPreview(
        _ editor: BodyEditor, _ preview: BodyPreview, layout: Layout, state: AppState, into grid: inout CellGrid
    ) {
        let area = layout.preview
        let whom = editor.previewUser.map { "for \($0.email)" } ?? "no stored user: fields render empty"
        grid.put(Sanitizer.clean(whom), at: Point(x: area.x + 1, y: area.y), token: .muted, maxWidth: area.width - 1)
        var lines = StyledLines(width: area.width - 1)
        if preview.problem == nil {
            for line in preview.lines { lines.add(line, .treeDetail) }
        } else {
            lines.add("(nothing is sent while the template has a problem)", .muted)
        }
        for (row, line) in lines.lines.dropFirst(editor.previewScroll).prefix(area.height - 1).enumerated() {
            grid.put(line.segments, at: Point(x: area.x + 1, y: area.y + 1 + row), maxWidth: area.width - 1,
                     ellipsis: state.glyphs.ellipsis)
        }
    }
}
