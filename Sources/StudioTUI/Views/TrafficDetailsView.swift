import Foundation
import StudioModel

/// The details overlay (⏎ on a traffic line): the whole exchange of one attempt, request and
/// response headers and bodies (stored masked), JSON pretty-printed, scrolled with the
/// navigation keys.
enum TrafficDetailsView {
    /// The overlay's box: the screen less a margin of one cell, above the hint row, which stays
    /// visible for status messages (the outcome of a replay).
    static func box(_ state: AppState) -> Rect {
        Rect(x: 1, y: 1, width: max(0, state.size.width - 2), height: max(0, state.size.height - 4))
    }

    /// Lines of text the box shows at once.
    static func visibleLineCount(_ state: AppState) -> Int { max(1, box(state).height - 2) }

    static func render(_ state: AppState, into grid: inout CellGrid) {
        guard let details = state.details else { return }
        let box = box(state)
        guard box.width > 4, box.height > 2 else { return }
        FrameView.cover(box, border: state.glyphs.border, into: &grid)
        grid.drawBorder(box, set: state.glyphs.border, token: .borderFocused)
        let title = details.isPreview ? " Preview · not sent " : " Exchange · \(details.record.deliveryID) "
        grid.put(title, at: Point(x: box.x + 2, y: box.y), token: .titleFocused, clip: box)
        let all = lines(for: details.record, isPreview: details.isPreview, decoded: details.decoded, state: state)
        let visible = visibleLineCount(state)
        let position = "\(min(all.count, details.scroll + visible))/\(all.count)"
        let footer = details.isReplayable ? " \(position) · R replay · Esc closes " : " \(position) · Esc closes "
        grid.put(
            footer, at: Point(x: max(box.x + 1, box.maxX - 2 - grid.width(of: footer)), y: box.maxY - 1),
            token: .muted, clip: box)
        let inner = box.inset(by: 1)
        for (row, line) in all.dropFirst(details.scroll).prefix(visible).enumerated() {
            grid.put(line.segments, at: Point(x: inner.x + 1, y: inner.y + row), maxWidth: inner.width - 1, ellipsis: "")
        }
    }

    /// Every line of the exchange, wrapped to the box; of a preview, the request alone. The
    /// answer's body is shown `decoded` from its `Content-Encoding` when that gives text.
    static func lines(
        for record: AttemptRecord, isPreview: Bool = false, decoded: DecodedResponseContent? = nil, state: AppState
    ) -> [StyledLine] {
        var lines = StyledLines(width: box(state).width - 4)
        func add(_ text: String, _ token: ThemeToken = .foreground, indent: String = "") {
            lines.add(text, token, indent: indent)
        }
        add("\(record.method) \(record.url)", .titleFocused)
        let attempt = record.isHold ? "held, not sent" : "attempt \(record.attempt)"
        var about = isPreview ? "preview for" : "\(attempt) · \(record.trigger.rawValue)"
        if let user = record.userEmail { about += isPreview ? " \(user)" : " · \(user)" }
        if let workflow = record.workflowID { about += " · \(workflow)/\(record.nodeID ?? "")" }
        add(about, .muted)
        if isPreview {
            add("a send renders it again: new webhook-id, timestamp and signature", .muted)
        } else {
            add(TrafficRow.timestamp(record.startedAt, timeZone: state.timeZone) + " · " + TrafficRow.latencyText(record.latencyMilliseconds), .muted)
        }
        lines.blank()

        add("Request", .helpSection)
        let sent = WireHeaders.adding(
            to: record.requestHeaders, method: record.method, url: record.url, bodyByteCount: record.requestBody.utf8.count)
        for header in sent { add("\(header.name): \(header.value)", indent: "  ") }
        if !record.requestBody.isEmpty {
            lines.blank()
            for line in bodyLines(record.requestBody) { add(line, indent: "  ") }
        }
        lines.blank()

        if isPreview {
            add("Not sent. Esc, then t, test sends it for the same user.", .muted)
            return lines.lines
        }
        if let status = record.status {
            // A reason phrase other than the standard one is shown as received.
            let reason = record.responseReason.map { $0.isEmpty ? "" : " \($0)" } ?? ""
            add("Response \(status)\(reason)", TrafficRow.statusToken(record))
            for header in record.responseHeaders { add("\(header.name): \(header.value)", indent: "  ") }
            let cut = "… body incomplete: cut at 64 KiB, or the answer ended early"
            if let decoded, !decoded.isBase64 {
                lines.blank()
                add(decoded.label, .muted, indent: "  ")
                for line in bodyLines(decoded.text) { add(line, indent: "  ") }
                if decoded.truncated { add(cut, .muted, indent: "  ") }
            } else {
                if !record.responseBody.isEmpty {
                    lines.blank()
                    if record.responseBodyIsBase64 { add("(not UTF-8 text: base64 of the bytes received)", .muted, indent: "  ") }
                    for line in bodyLines(record.responseBody) { add(line, indent: "  ") }
                }
                if record.responseTruncated { add(cut, .muted, indent: "  ") }
            }
        } else {
            add("No response", .logStatusFailed)
        }
        if case .failed(let errorClass, let message) = record.outcome {
            add("\(errorClass): \(message)", .statusError, indent: "  ")
        }
        return lines.lines
    }

    /// A body as lines: pretty-printed when it is JSON, else as sent.
    static func bodyLines(_ body: String) -> [String] {
        if let value = try? JSONValue.parse(body), value.objectValue != nil || value.arrayValue != nil {
            return value.prettyJSONText.components(separatedBy: "\n")
        }
        // `\r\n` is one Character in Swift, so splitting on "\n" alone kept CRLF bodies on one line.
        return body.split(omittingEmptySubsequences: false) { $0 == "\n" || $0 == "\r\n" }.map(String.init)
    }
}
