extension OutputMode {
    /// `text` as a merge tag writes it in this mode (inside a string literal in ``json``), so
    /// that a value can be found again in what a template rendered: a secret sent in a form body
    /// is on the wire as `sk%2Blive`, not `sk+live`.
    public func escaped(_ text: String) -> String {
        var out = TemplateOutputBuffer(capacity: text.utf8.count)
        switch self {
        case .html: TemplateEncoding.appendHTMLEscaped(text, to: &out)
        case .text, .header: out += text
        case .json: TemplateEncoding.appendJSONStringEscaped(text, to: &out)
        case .form: TemplateEncoding.appendFormEncoded(text, to: &out)
        case .urlPath, .urlQuery: TemplateEncoding.appendUnreservedEncoded(text, to: &out)
        }
        return out.string
    }

    /// Whether merged values are percent-encoded (`form`, `urlPath`, `urlQuery`).
    var percentEncodes: Bool {
        switch self {
        case .form, .urlPath, .urlQuery: true
        case .html, .text, .json, .header: false
        }
    }
}
