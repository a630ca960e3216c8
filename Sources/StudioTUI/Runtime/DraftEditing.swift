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
            try prepareDraft(draft, base: base, text: edit.editorText)
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
        let result = outcome(edit, edited: edited, again: " · e edits the draft again", saved: "saved")
        if result.workspace != nil || result.message.level == .info { discard(draft, base) }
        return result
    }

    /// Creates a new definition of `kind` from its skeleton with `editor`; the file is named after
    /// the id the user gives it (`workflows/<id>.yaml`) and checked like an edit before it is written.
    func create(_ kind: DefinitionSkeleton.Kind, with editor: (URL) -> Swift.Result<Int32, ExternalEditor.EditorError>) -> Result {
        let draft = draftURL(for: "new/\(kind.rawValue).yaml")
        let base = draft.appendingPathExtension("base")
        do {
            try prepareDraft(draft, base: base, text: kind.skeleton)
        } catch {
            return Result(message: StatusMessage("cannot write the draft \(draft.path): \(error)", level: .error))
        }
        switch editor(draft) {
        case .failure(let error):
            return Result(message: StatusMessage("\(error); the draft is kept in \(relative(draft))", level: .error))
        case .success(let status) where status != 0:
            discard(draft, base)
            return Result(message: StatusMessage("the editor exited with status \(status): no \(kind.rawValue) created", level: .warning))
        case .success:
            break
        }
        guard let edited = try? String(contentsOf: draft, encoding: .utf8) else {
            return Result(message: StatusMessage("cannot read the draft \(relative(draft))", level: .error))
        }
        if edited == kind.skeleton {
            discard(draft, base)
            return Result(message: StatusMessage("no changes: no \(kind.rawValue) created"))
        }
        let again = " · n edits the draft again"
        guard let id = DefinitionSkeleton.id(in: edited), DefinitionSkeleton.isFileName(id) else {
            return Result(message: StatusMessage(
                "the new \(kind.rawValue) needs an id: letters, digits, - _ . (it names the file)" + again, level: .error))
        }
        let path = "\(kind.folder)/\(id).yaml"
        guard !FileManager.default.fileExists(atPath: root.appendingPathComponent(path).path) else {
            return Result(message: StatusMessage("\(path) already exists: choose another id, or e edits it" + again, level: .error))
        }
        let result: Result
        do {
            result = outcome(try DefinitionEdit(path: path, original: ""), edited: edited, again: again, saved: "created")
        } catch {
            return Result(message: StatusMessage("cannot create \(path): \(error)", level: .error))
        }
        if result.workspace != nil { discard(draft, base) }
        return result
    }

    /// Checks `edited` and writes it when it passes.
    private func outcome(_ edit: DefinitionEdit, edited: String, again: String, saved: String) -> Result {
        switch edit.finish(edited: edited, root: root, checks: checks) {
        case .unchanged:
            return Result(message: StatusMessage("no changes to \(edit.path)"))
        case .invalid(let problems):
            let first = problems.first.map(\.description) ?? "\(edit.path): not valid"
            let more = problems.count > 1 ? " (+\(problems.count - 1) more)" : ""
            return Result(message: StatusMessage(first + more + again, level: .error))
        case .refused(let reason):
            return Result(message: StatusMessage("not saved: \(reason)" + again, level: .error))
        case .valid(let text, let workspace):
            do {
                try WorkspaceWriter.writeAtomically(text, to: root.appendingPathComponent(edit.path))
            } catch {
                return Result(message: StatusMessage("\(error)" + again, level: .error))
            }
            let note = edit.path == "hookline.yaml" ? " · settings apply at the next start" : ""
            return Result(message: StatusMessage("\(saved) \(edit.path)" + note), workspace: workspace)
        }
    }

    /// Writes the draft from `text` (the masked file, or a skeleton), unless a draft made from the
    /// same text is kept from an edit that did not pass: then the user's text is reopened as it was.
    private func prepareDraft(_ draft: URL, base: URL, text: String) throws {
        let folder = draft.deletingLastPathComponent()
        try FileManager.default.createDirectory(
            at: folder, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        let keptBase = try? String(contentsOf: base, encoding: .utf8)
        if keptBase == text, FileManager.default.fileExists(atPath: draft.path) { return }
        try WorkspaceWriter.writeAtomically(text, to: draft)
        try WorkspaceWriter.writeAtomically(text, to: base)
    }

    private func discard(_ draft: URL, _ base: URL) {
        try? FileManager.default.removeItem(at: draft)
        try? FileManager.default.removeItem(at: base)
    }

    private func relative(_ url: URL) -> String {
        url.path.hasPrefix(root.path + "/") ? String(url.path.dropFirst(root.path.count + 1)) : url.path
    }
}
