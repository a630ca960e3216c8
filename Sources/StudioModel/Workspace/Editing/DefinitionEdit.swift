import Foundation
import Yams

/// One workspace definition file being edited in the user's `$EDITOR`: what to show, and
/// whether the result may be written.
///
/// Literal secrets never reach the editor (delivery.md §8.9): each is replaced by a numbered
/// marker, `••••••1`, that ``finish(edited:root:)`` turns back into the exact original text.
/// Secrets written as `{{secret.name}}` references are shown as they are.
///
/// ```swift
/// let edit = try DefinitionEdit.open(path: "webhooks/lob-letter.yaml", root: root)
/// let edited = runEditor(edit.editorText)
/// if case .valid(let text, _) = edit.finish(edited: edited, root: root) {
///     try WorkspaceWriter.writeAtomically(text, to: root.appendingPathComponent(edit.path))
/// }
/// ```
///
/// Keep the value across editor rounds: after `.invalid` or `.refused`, put the edited text
/// back in the editor and call ``finish(edited:root:)`` again, so its markers still resolve.
public struct DefinitionEdit: Sendable, Equatable {
    /// Relative path, e.g. "webhooks/lob-letter.yaml".
    public let path: String
    /// What to put in the editor: the file with every literal secret value replaced by a kept-marker.
    public let editorText: String

    /// The file as it was read; a save is only written over this same text.
    public let original: String
    let kind: DefinitionFileKind
    let markers: SecretMarkers
    /// Where the hidden values are in ``original``: what a printed line of the file must not show.
    public let hiddenRanges: [Range<String.Index>]
    /// Where the original sends requests: `url`/`endpoint` and `auth.tokenUrl` → URL text.
    let originalDestinations: [String: String]

    /// What ``finish(edited:root:)`` decided.
    /// A save-time check beyond the loader's (the engine's network policy): the loaded workspace,
    /// and each file's text by relative path, in; errors out.
    public typealias Check = (Workspace, _ text: (String) -> String?) -> [Diagnostic]

    public enum Outcome: Sendable, Equatable {
        /// The edited text is the editor text, or restores to the original: nothing to write.
        case unchanged
        /// The text to write (markers restored) and the workspace loaded with it.
        case valid(text: String, workspace: Workspace)
        /// Nothing to write: the errors this edit causes, in this file or others, with path:line:column.
        case invalid([Diagnostic])
        /// A rule said no (delivery.md §9 row 48); the message says what to do.
        case refused(String)
    }

    /// Reads `root/path` and prepares it for the editor.
    ///
    /// - Parameter secretValues: The secret store's values: wherever one appears in the file
    ///   (pasted into a body template, say) it is hidden too.
    /// - Throws: ``OpenError`` when the file cannot be read, or when a literal secret in it
    ///   cannot be hidden (it sits in a block scalar). A webhook that is not valid YAML opens,
    ///   its secrets found line by line. The message gives path:line:column where it applies.
    public static func open(path: String, root: URL, secretValues: [String] = []) throws -> DefinitionEdit {
        let data: Data
        do {
            data = try Data(contentsOf: root.appendingPathComponent(path))
        } catch {
            throw OpenError(path: path, message: "cannot read file: \(error.localizedDescription)")
        }
        guard var text = String(validating: data, as: UTF8.self) else {
            throw OpenError(path: path, message: "file is not valid UTF-8 text")
        }
        // The loader reads files without their byte order mark (Yams rejects one), so the
        // edit starts from the same text; the file is written back without it.
        if text.unicodeScalars.first == "\u{FEFF}" { text.unicodeScalars.removeFirst() }
        return try DefinitionEdit(path: path, original: text, secretValues: secretValues)
    }

    /// Prepares a file's text for the editor, as ``open(path:root:)`` does after reading it.
    ///
    /// - Throws: ``OpenError``, as ``open(path:root:)``.
    public init(path: String, original: String, secretValues: [String] = []) throws {
        self.path = path
        self.original = original
        kind = DefinitionFileKind(path: path)
        var hidden: [SecretMarkers.Hidden] = []
        var destinations: [String: String] = [:]
        if kind.urlKey != nil {
            let file = YAMLFile(path: path, source: original)
            if let root = file.composeRoot() {
                for site in LiteralSecretFinder.sites(in: root, kind: kind) {
                    hidden.append(try Self.hidden(site, in: original, file: file))
                }
                destinations = Self.destinations(in: root, kind: kind)
            } else {
                // A file that does not parse is opened to be fixed, its secrets found line by line.
                hidden += LiteralSecretFinder.unparsedSites(in: original)
                destinations = Self.unparsedDestinations(in: original, kind: kind)
            }
        }
        hidden += Self.occurrences(of: secretValues, in: original)
        try Self.checkNoStrayMarkers(in: original, hidden: hidden.map(\.range), path: path)
        markers = SecretMarkers(hiding: hidden, in: original)
        hiddenRanges = hidden.map(\.range)
        editorText = markers.editorText
        originalDestinations = destinations
    }

    /// Checks the editor's text against the workspace at `root` with this one file replaced in memory.
    ///
    /// Markers are restored first. The edit is `.invalid` when it holds a marker that was never
    /// issued, or when loading the workspace with it gives errors that loading it with the
    /// original did not (errors are matched by path and message, so ones that only moved do
    /// not count). Nothing is written.
    /// - Parameter checks: Further save-time checks on the loaded workspace (the engine's network
    ///   policy), given each file's text by relative path; their errors count like the loader's.
    public func finish(edited: String, root: URL, checks: Check = { _, _ in [] }) -> Outcome {
        if edited.utf8.elementsEqual(editorText.utf8) { return .unchanged }
        let restored = markers.restore(edited, path: path)
        if !restored.unknown.isEmpty { return .invalid(restored.unknown) }
        if restored.text.utf8.elementsEqual(original.utf8) { return .unchanged }
        if let refusal = hostChangeRefusal(restored) { return .refused(refusal) }
        func errors(withText text: String) -> (Workspace, [Diagnostic]) {
            let workspace = WorkspaceLoader.load(from: root, overriding: [path: text])
            let checked = checks(workspace) { file in
                file == path ? text : try? String(contentsOf: root.appendingPathComponent(file), encoding: .utf8)
            }
            return (workspace, workspace.errors + checked.filter { $0.severity == .error })
        }
        let before = errors(withText: original).1
        let (after, afterErrors) = errors(withText: restored.text)
        let introduced = Self.introducedErrors(before: before, after: afterErrors)
        // Loader messages may quote a value ("invalid url '…?api_key=…'"): show markers instead.
        return introduced.isEmpty ? .valid(text: restored.text, workspace: after) : .invalid(markers.redact(introduced))
    }

    // MARK: - Opening

    /// What to hide for a site: where its secret is in the source (aligned to Unicode
    /// scalars) and its value as the loader reads it.
    private static func hidden(_ site: SecretSite, in source: String, file: YAMLFile) throws -> SecretMarkers.Hidden {
        let location = file.location(of: site.node.mark)
        func failure(_ message: String, hint: String) -> OpenError {
            OpenError(path: file.path, line: location.line, column: location.column, message: message, hint: hint)
        }
        let content: Range<String.Index>
        switch ScalarSource.contentRange(of: site.node, in: source) {
        case .success(let range):
            content = range
        case .failure(.blockScalar):
            throw failure(
                "\(site.field) holds a literal secret in a block scalar (| or >), which the editor cannot hide",
                hint: OpenError.moveHint)
        case .failure(.notFound):
            throw failure(
                "cannot hide the literal secret in \(site.field) from the editor",
                hint: "write it on one line, or \(OpenError.moveHint)")
        }
        let scalars = source.unicodeScalars
        let value = site.node.scalar?.string ?? ""
        guard let part = site.part else {
            // Like the masker's `Bearer ••••••`, the scheme word stays visible.
            let start = LiteralSecretRule.credentialStart(in: scalars[content]) ?? content.lowerBound
            let valueStart = LiteralSecretRule.credentialStart(in: Substring(value).unicodeScalars) ?? value.startIndex
            return SecretMarkers.Hidden(
                range: start..<content.upperBound, field: site.field, value: String(value.unicodeScalars[valueStart...]))
        }
        // A part is located by its offset in the value, which holds only when the source text
        // is the value itself: no escapes, no folding.
        guard scalars[content].elementsEqual(value.unicodeScalars) else {
            throw failure(
                "cannot hide the literal secret in \(site.field) from the editor",
                hint: "write the URL without escapes, or \(OpenError.moveHint)")
        }
        let utf8 = source.utf8
        let lower = utf8.index(content.lowerBound, offsetBy: value.utf8.distance(from: value.startIndex, to: part.lowerBound))
        let upper = utf8.index(content.lowerBound, offsetBy: value.utf8.distance(from: value.startIndex, to: part.upperBound))
        return SecretMarkers.Hidden(range: lower..<upper, field: site.field, value: String(value[part]))
    }

    /// Every place a secret store value appears verbatim. Values under four characters are
    /// left alone: they would hide ordinary words, and no credential is that short.
    static func occurrences(of secretValues: [String], in original: String) -> [SecretMarkers.Hidden] {
        secretValues.filter { $0.count >= SecretDisplay.shortestHiddenValue }.flatMap { value in
            original.ranges(of: value).map { SecretMarkers.Hidden(range: $0, field: "a secret store value", value: value) }
        }
    }

    /// Throws when the original already holds marker-like text outside the hidden values: it
    /// would be taken for a marker when the edit is finished.
    private static func checkNoStrayMarkers(in original: String, hidden: [Range<String.Index>], path: String) throws {
        for marker in SecretMarkers.markers(in: original)
        where !hidden.contains(where: { $0.lowerBound <= marker.range.lowerBound && marker.range.upperBound <= $0.upperBound }) {
            let location = YAMLFile(path: path, source: original).location(
                ofUTF8Offset: original.utf8.distance(from: original.startIndex, to: marker.range.lowerBound))
            throw OpenError(
                path: path, line: location.line, column: location.column,
                message: "the file holds '\(SecretMarkers.marker(marker.number))', which the editor uses to mark hidden secrets",
                hint: "change it outside the studio first")
        }
    }

    // MARK: - Finishing

    /// The errors in `after` that are not in `before`. Exact matches go first; the rest match
    /// by path and message, so an error that only moved to another line is not new.
    static func introducedErrors(before: [Diagnostic], after: [Diagnostic]) -> [Diagnostic] {
        var remaining = before
        var unmatched: [Diagnostic] = []
        for diagnostic in after {
            if let index = remaining.firstIndex(of: diagnostic) {
                remaining.remove(at: index)
            } else {
                unmatched.append(diagnostic)
            }
        }
        return unmatched.filter { diagnostic in
            guard let index = remaining.firstIndex(where: { $0.path == diagnostic.path && $0.message == diagnostic.message })
            else { return true }
            remaining.remove(at: index)
            return false
        }
    }
}
