import Yams

/// The `body.template` of a webhook file, for editing it alone: its value, and the file with a
/// new template in its place, every other line (comments included) kept as written.
///
/// ```swift
/// let block = try WebhookTemplateBlock(in: fileText)
/// block.template                               // "{\"email\": \"{{email}}\"}\n"
/// let saved = block.replacing(with: "{\"vip\": {{vip}}}\n", in: fileText)
/// ```
public struct WebhookTemplateBlock: Sendable, Equatable {
    /// Why the template cannot be edited on its own.
    public struct Problem: Error, Sendable, Equatable, CustomStringConvertible {
        public var description: String
    }

    /// The template's text.
    public let template: String
    /// The body type: `json` or `raw`.
    public let type: String
    /// 0-based index of the line holding `template:`.
    let keyLine: Int
    /// Lines of the value after the key line.
    let continuationLines: Int
    /// Columns before `template:`.
    let keyIndent: Int

    /// Finds the template in `text`, a webhook file.
    /// - Throws: ``Problem`` when the file does not parse, has no `body.template`, or writes its
    ///   body inline (`body: {type: json, template: …}`), which a block cannot replace.
    public init(in text: String) throws(Problem) {
        let root: Node?
        do { root = try YAMLAliasExpansion.compose(text) } catch { throw Problem(description: "the file does not parse as YAML") }
        guard let body = root?.mapping?.first(where: { $0.key.scalar?.string == "body" })?.value,
            let bodyMapping = body.mapping,
            let entry = bodyMapping.first(where: { $0.key.scalar?.string == "template" }),
            let value = entry.value.scalar, let mark = entry.key.mark
        else {
            throw Problem(description: "the webhook has no body template (a form body has fields): e edits the file")
        }
        let lines = text.components(separatedBy: "\n")
        let keyLine = mark.line - 1
        let keyIndent = mark.column - 1
        guard keyLine < lines.count else { throw Problem(description: "the body template could not be located") }
        // A key of a block mapping starts its line; in `body: {type: json, template: …}` it does not.
        guard lines[keyLine].unicodeScalars.prefix(keyIndent).allSatisfy({ $0 == " " }) else {
            throw Problem(description: "the body is written inline ({type: …, template: …}): e edits the file")
        }
        self.template = value.string
        self.type = bodyMapping.first { $0.key.scalar?.string == "type" }?.value.scalar?.string ?? "json"
        self.keyLine = keyLine
        self.continuationLines = DefinitionFieldText.continuationLines(after: keyLine, indent: keyIndent, lines: lines)
        self.keyIndent = keyIndent
    }

    /// `text` with `template` written as a literal block scalar where the old value was.
    public func replacing(with template: String, in text: String) -> String {
        var lines = text.components(separatedBy: "\n")
        let indent = String(repeating: " ", count: keyIndent)
        lines.replaceSubrange(keyLine...(keyLine + continuationLines), with: Self.block(template, indent: indent))
        return lines.joined(separator: "\n")
    }

    /// `template: |` and the template's lines two columns in; `|-` when it does not end with a
    /// line break, an indentation indicator when its first line starts with a space.
    static func block(_ template: String, indent: String) -> [String] {
        guard !template.isEmpty else { return [indent + "template: \"\""] }
        var content = template
        let keep = content.hasSuffix("\n\n")
        let strip = !content.hasSuffix("\n")
        while content.hasSuffix("\n") { content.removeLast() }
        let firstLine = content.prefix { $0 != "\n" }
        let indicator = firstLine.first == " " || (firstLine.isEmpty && content.contains { $0 != "\n" }) ? "2" : ""
        let chomping = strip ? "-" : keep ? "+" : ""
        var block = [indent + "template: |" + indicator + chomping]
        for line in content.components(separatedBy: "\n") {
            block.append(line.isEmpty ? "" : indent + "  " + line)
        }
        if keep {
            // `|+` keeps the line breaks at the end: one empty line per extra break.
            let extra = template.reversed().prefix { $0 == "\n" }.count - 1
            block += Array(repeating: "", count: extra)
        }
        return block
    }
}
