import Foundation
import StudioModel

/// `e` in the studio: a definition file is copied to a draft (literal secrets masked), edited in
/// the user's editor, checked against the whole workspace and only then written over the file,
/// atomically. A draft that does not pass is kept, so the next `e` reopens the user's text.
struct DraftEditing {
    /// What one edit came to.
    struct Result: Equatable {
        var message: StatusMessage
        /// The workspace loaded with the saved file; nil when nothing was saved.
        var workspace: Workspace?
    }

    /// The workspace folder.
    let root: URL
    /// The secret store's values, hidden from the editor wherever they appear in a file.
    var secretValues: [String] = []
    /// Save-time checks beyond the loader's (the engine's network policy); see ``DefinitionEdit/finish(edited:root:checks:)``.
    var checks: (Workspace, _ text: (String) -> String?) -> [Diagnostic] = { _, _ in [] }

    /// Where the draft of `path` lives: `.hookline/drafts/<path>`, beside the state, gitignored.
    func draftURL(for path: String) -> URL {
        root.appendingPathComponent(".hookline/drafts", isDirectory: true).appendingPathComponent(path)
    }

    /// Edits `path` (relative to ``root``) with `editor`, which edits the file at the URL it is
    /// given and returns its exit status (or why it could not run).
    func edit(_ path: String, with editor: (URL) -> Swift.Result<Int32, ExternalEditor.EditorError>) -> Result {
        let edit: DefinitionEdit
        do {
            edit = try DefinitionEdit.open(path: path, root: root, secretValues: secretValues)
        } catch {
            return Result(message: StatusMessage("cannot edit \(path): \(error)", level: .error))
        }
        let draft = draftURL(for: path)
        let base = draft.appendingPathExtension("base")
        do {
            try prepareDraft(draft, base: base, for: edit)
        } catch {
            return Result(message: StatusMessage("cannot write the draft \(draft.path): \(error)", level: .error))
        }

        switch editor(draft) {
        case .failure(let error):
            return Result(message: StatusMessage("\(error); the draft is kept in \(relative(draft))", level: .error))
        case .success(let status) where status != 0:
            discard(draft, base)
            return Result(message: StatusMessage("the editor exited with status \(status): \(path) not saved", level: .warning))
        case .success:
            break
        }

        guard let edited = try? String(contentsOf: draft, encoding: .utf8) else {
            return Result(message: StatusMessage("cannot read the draft \(relative(draft))", level: .error))
        }
        let again = " · e edits the draft again"
        switch edit.finish(edited: edited, root: root, checks: checks) {
        case .unchanged:
            discard(draft, base)
            return Result(message: StatusMessage("no changes to \(path)"))
        case .invalid(let problems):
            let first = problems.first.map(\.description) ?? "\(path): not valid"
            let more = problems.count > 1 ? " (+\(problems.count - 1) more)" : ""
            return Result(message: StatusMessage(first + more + again, level: .error))
        case .refused(let reason):
            return Result(message: StatusMessage("not saved: \(reason)" + again, level: .error))
        case .valid(let text, let workspace):
            do {
                try WorkspaceWriter.writeAtomically(text, to: root.appendingPathComponent(path))
            } catch {
                return Result(message: StatusMessage("\(error)" + again, level: .error))
            }
            discard(draft, base)
            let note = path == "hookline.yaml" ? " · settings apply at the next start" : ""
            return Result(message: StatusMessage("saved \(path)" + note), workspace: workspace)
        }
    }

    /// Writes the draft from the masked file, unless a draft of the same file content is kept
    /// from an edit that did not pass: then the user's text is reopened as it was.
    private func prepareDraft(_ draft: URL, base: URL, for edit: DefinitionEdit) throws {
        let folder = draft.deletingLastPathComponent()
        try FileManager.default.createDirectory(
            at: folder, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        let keptBase = try? String(contentsOf: base, encoding: .utf8)
        if keptBase == edit.editorText, FileManager.default.fileExists(atPath: draft.path) { return }
        try WorkspaceWriter.writeAtomically(edit.editorText, to: draft)
        try WorkspaceWriter.writeAtomically(edit.editorText, to: base)
    }

    private func discard(_ draft: URL, _ base: URL) {
        try? FileManager.default.removeItem(at: draft)
        try? FileManager.default.removeItem(at: base)
    }

    private func relative(_ url: URL) -> String {
        url.path.hasPrefix(root.path + "/") ? String(url.path.dropFirst(root.path.count + 1)) : url.path
    }
}
