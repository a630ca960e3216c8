import Foundation
import StudioModel

/// `e` in the studio: a definition file is copied to a draft (literal secrets masked), edited in
/// the user's editor, checked against the whole workspace and only then written over the file,
/// atomically. A draft that does not pass is kept, so the next `e` reopens the user's text.
/// Nothing the user typed is lost: when the file changed on disk meanwhile (a `git pull`, another
/// editor), the edit is not written over it and the user's text is set aside beside the draft.
struct DraftEditing {
    /// What one edit came to.
    struct Result: Equatable {
        var message: StatusMessage
        /// The workspace loaded with the saved file; nil when nothing was saved.
        var workspace: Workspace?
        /// How to take the saved change back; nil when nothing was saved or a file was created.
        var undo: Undo?
        /// The draft the user's text was left in when the editor was stopped by a signal (an SSH
        /// drop hangs it up): the studio names it on stderr if it then ends as well.
        var keptDraft: String?
        /// The file whose changed text was checked, with every problem the checks found (the
        /// message names the first; none when it passed); nil when no text was checked.
        var checked: DraftProblems?
    }

    /// A file as it was before a save and as the save left it: ``undo(_:)`` writes the first
    /// back while the file still reads the second.
    struct Undo: Equatable {
        var path: String
        var before: String
        var after: String
        /// Whether it takes back an undo: writing `before` then redoes the change.
        var redoes = false
    }

    /// Takes back the change `undo` describes, after the checks of any edit, when the file has
    /// not changed since; its result can take the undo back in turn.
    func undo(_ undo: Undo) -> Result {
        guard (try? String(contentsOf: root.appendingPathComponent(undo.path), encoding: .utf8)) == undo.after else {
            return Result(message: StatusMessage("\(undo.path) changed since the studio saved it: nothing undone", level: .warning))
        }
        let edit: DefinitionEdit
        do {
            edit = try DefinitionEdit(path: undo.path, original: undo.after, secretValues: secretValues)
        } catch {
            return Result(message: StatusMessage("cannot undo: \(error)", level: .error))
        }
        var result = outcome(
            edit, edited: undo.before, again: "",
            saved: undo.redoes ? "redid the last change to" : "undid the last change to", draft: Draft(url: draftURL(for: undo.path)))
        // `u` again takes this back: a redo after an undo, an undo after a redo.
        result.undo?.redoes = !undo.redoes
        return result
    }

    /// The workspace folder.
    let root: URL
    /// The secret store's values, hidden from the editor wherever they appear in a file.
    var secretValues: [String] = []
    /// Save-time checks beyond the loader's (the engine's network policy); see ``DefinitionEdit/finish(edited:root:checks:)``.
    var checks: DefinitionEdit.Check = { _, _ in [] }

    /// `workspace` with the problems of the save-time ``checks`` added to the loader's, as
    /// `hookline validate` reports them (a URL the network policy refuses), for the problems list.
    func withSaveTimeProblems(_ workspace: Workspace) -> Workspace {
        var checked = workspace
        checked.diagnostics += checks(workspace) { path in
            try? String(contentsOf: root.appendingPathComponent(path), encoding: .utf8)
        }
        return checked
    }

    /// Where the draft of `path` lives: `.hookline/drafts/<path>`, beside the state, gitignored.
    func draftURL(for path: String) -> URL {
        root.appendingPathComponent(".hookline/drafts", isDirectory: true).appendingPathComponent(path)
    }

    /// The editor: edits the file at the URL it is given and returns its exit status (or why it
    /// could not run).
    typealias Editor = (URL) -> Swift.Result<Int32, ExternalEditor.EditorError>

    /// Edits `path` (relative to ``root``) with `editor`.
    func edit(_ path: String, with editor: Editor) -> Result {
        let edit: DefinitionEdit
        do {
            edit = try DefinitionEdit.open(path: path, root: root, secretValues: secretValues)
        } catch {
            return Result(message: StatusMessage("cannot edit \(path): \(error)", level: .error))
        }
        let draft = Draft(url: draftURL(for: path))
        // A draft kept from an edit of an older version of the file would be replaced: keep it.
        let outdated = draft.setAsideIfOutdated(madeFrom: edit.editorText)
        let edited: String
        var result: Result
        switch run(editor, on: draft, from: edit.editorText, cancelled: "\(path) not saved") {
        case .success(let text):
            edited = text
            result = outcome(edit, edited: edited, again: " · e edits the draft again", saved: "saved", draft: draft, listed: true)
        case .failure(let stop):
            result = stop.result
            // What the draft holds now was not checked: problems listed of its older text are gone.
            result.checked = DraftProblems(path: path, problems: [])
        }
        if result.workspace != nil || result.message.level == .info { draft.discard() }
        if let outdated {
            result.message.text += " · your unsaved draft of an older version is in \(relative(outdated))"
        }
        return result
    }

    /// Creates a new definition of `kind` from its skeleton with `editor`; the file is named after
    /// the id the user gives it (`workflows/<id>.yaml`) and checked like an edit before it is written.
    func create(_ kind: DefinitionSkeleton.Kind, with editor: Editor) -> Result {
        let draft = Draft(url: draftURL(for: "new/\(kind.draftName).yaml"))
        let edited: String
        switch run(editor, on: draft, from: kind.skeleton, cancelled: "no \(kind.rawValue) created") {
        case .success(let text): edited = text
        case .failure(let stop): return stop.result
        }
        if edited == kind.skeleton {
            draft.discard()
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
        var result: Result
        do {
            result = outcome(
                try DefinitionEdit(path: path, original: ""), edited: edited, again: again, saved: "created", draft: draft,
                listed: true)
        } catch {
            return Result(message: StatusMessage("cannot create \(path): \(error)", level: .error))
        }
        result.checked?.created = kind
        if result.workspace != nil { draft.discard() }
        return result
    }

    /// The body template of the webhook file `path` as the body editor shows it: literal secrets
    /// as markers, like the file in `$EDITOR`.
    func bodyTemplate(of path: String) -> BodyTemplateRead {
        do {
            let edit = try DefinitionEdit.open(path: path, root: root, secretValues: secretValues)
            let block = try WebhookTemplateBlock(in: edit.editorText)
            return .read(template: block.template, type: block.type, fileText: edit.editorText)
        } catch let problem as WebhookTemplateBlock.Problem {
            return .refused(StatusMessage("\(path): \(problem)", level: .warning))
        } catch {
            return .refused(StatusMessage("cannot edit \(path): \(error)", level: .error))
        }
    }

    enum BodyTemplateRead {
        case read(template: String, type: String, fileText: String)
        /// Why the body editor cannot open the file.
        case refused(StatusMessage)
    }

    /// Writes `template` as the body template of `path`, every other line kept, after the checks
    /// of any edit. Refused when the file changed since the editor read `fileText` from it: the
    /// user's text stays in the editor. `fileText` of the outcome is the file as the editor now
    /// sees it, set when the file holds the template (saved, or it already did).
    func saveBodyTemplate(_ template: String, in path: String, openedFrom fileText: String) -> (result: Result, fileText: String?) {
        let result = change(path, again: "", saved: "saved") { text throws(TextChangeProblem) in
            guard text == fileText else {
                throw TextChangeProblem(
                    "\(path) changed on disk since the editor opened it: not saved; your text stays here (Esc, y closes; e shows the file)")
            }
            do { return try WebhookTemplateBlock(in: text).replacing(with: template, in: text) } catch {
                throw TextChangeProblem("\(error)")
            }
        }
        let holdsTemplate = result.workspace != nil || result.message.level == .info
        guard holdsTemplate else { return (result, nil) }
        let now = (try? DefinitionEdit.open(path: path, root: root, secretValues: secretValues))?.editorText
        return (result, now ?? fileText)
    }

    /// Keeps the body editor's unsaved typing as the draft of `path`: the webhook file as the
    /// editor read it with the typed template in it. The next `e` on the webhook reopens it, as
    /// it reopens an edit that did not pass, or sets it aside when the file has changed since. A
    /// draft already there is set aside first, unless it holds this text or the typing kept
    /// before (`earlier`), which this replaces. Returns the draft's path relative to the
    /// workspace, or nil when it could not be written.
    func keepBodyDraft(_ body: KeptBody, of path: String, replacing earlier: KeptBody? = nil) -> String? {
        let draft = Draft(url: draftURL(for: path))
        guard let text = body.draftText else { return nil }
        if let kept = try? String(contentsOf: draft.url, encoding: .utf8), kept != text, kept != earlier?.draftText {
            _ = draft.setAside()
        }
        let fileText = body.fileText
        do {
            try FileManager.default.createDirectory(
                at: draft.url.deletingLastPathComponent(), withIntermediateDirectories: true,
                attributes: [.posixPermissions: 0o700])
            try WorkspaceWriter.writeAtomically(text, to: draft.url)
            try WorkspaceWriter.writeAtomically(fileText, to: draft.base)
        } catch {
            return nil
        }
        return relative(draft.url)
    }

    /// The typing the body editor kept in the draft of `path` and never saved or gave up (the
    /// studio crashed, or was killed), when the draft is of the file as it is now (`fileText`)
    /// and differs from it only in its template; nil otherwise (an edit in `$EDITOR` that did
    /// not pass is `e`'s to reopen).
    func keptBodyTyping(of path: String, fileText: String) -> KeptBody? {
        let draft = Draft(url: draftURL(for: path))
        guard (try? String(contentsOf: draft.base, encoding: .utf8)) == fileText,
            let text = try? String(contentsOf: draft.url, encoding: .utf8), text != fileText,
            let template = try? WebhookTemplateBlock(in: text).template
        else { return nil }
        let typing = KeptBody(template: template, fileText: fileText)
        return typing.draftText == text ? typing : nil
    }

    /// Takes away the draft of `path` if it holds `body`, the typing the body editor kept: a
    /// draft with other text (an edit in `$EDITOR` that did not pass) stays.
    func discardBodyDraft(_ body: KeptBody, of path: String) {
        let draft = Draft(url: draftURL(for: path))
        guard let text = body.draftText, (try? String(contentsOf: draft.url, encoding: .utf8)) == text else { return }
        draft.discard()
    }

    /// Makes `change` to the steps of the workflow in its file `path`, every other line kept,
    /// and saves it after the checks of any edit.
    func change(_ path: String, with change: WorkflowNodeChange, webhooks: [Webhook]) -> Result {
        var result = self.change(path, saved: "saved") { text throws(TextChangeProblem) in
            do { return try change.applied(to: text, webhooks: webhooks) } catch {
                throw TextChangeProblem("not changed: \(error)")
            }
        }
        if result.workspace != nil { result.message.text = "\(change.summary) · " + result.message.text }
        return result
    }

    /// Sets one field of a definition file (nil removes it) and saves the file after the checks
    /// of any edit.
    func set(_ field: FieldTarget, to value: DefinitionFieldText.Value?) -> Result {
        // An empty value takes the field out of the file: say so, not that it was saved.
        let saved = value == nil ? "\(field.key) removed from" : "\(field.key) saved in"
        return change(field.path, saved: saved) { text throws(TextChangeProblem) in
            do { return try DefinitionFieldText.setting(field.key, to: value, in: field.mapping, text: text) } catch {
                throw TextChangeProblem("not changed: \(error)")
            }
        }
    }

    /// Why a change made from the studio was not made; the file is as it was.
    struct TextChangeProblem: Error {
        var message: String
        init(_ message: String) { self.message = message }
    }

    /// Opens `path` as the editor would see it (literal secrets as markers), changes that text
    /// with `transform` and saves it after the checks of any edit.
    private func change(
        _ path: String, again: String = " · e edits the file", saved: String,
        _ transform: (String) throws(TextChangeProblem) -> String
    ) -> Result {
        let edit: DefinitionEdit
        do {
            edit = try DefinitionEdit.open(path: path, root: root, secretValues: secretValues)
        } catch {
            return Result(message: StatusMessage("cannot change \(path): \(error)", level: .error))
        }
        let changed: String
        do { changed = try transform(edit.editorText) } catch {
            return Result(message: StatusMessage(error.message, level: .warning))
        }
        return outcome(edit, edited: changed, again: again, saved: saved, draft: Draft(url: draftURL(for: path)))
    }

    /// A draft file and, beside it, the text it was made from.
    private struct Draft {
        let url: URL
        var base: URL { url.appendingPathExtension("base") }

        func discard() {
            try? FileManager.default.removeItem(at: url)
            try? FileManager.default.removeItem(at: base)
        }

        /// Moves the draft out of the way, under its name and the time; returns where, or nil
        /// when there was nothing to move.
        func setAside(at date: Date = Date()) -> URL? {
            let stamp = date.formatted(
                .iso8601.year().month().day().dateSeparator(.omitted).time(includingFractionalSeconds: false)
                    .timeSeparator(.omitted))
            for attempt in 1...100 {
                let suffix = attempt == 1 ? stamp : "\(stamp)-\(attempt)"
                let target = url.deletingLastPathComponent().appendingPathComponent("\(url.lastPathComponent).\(suffix)")
                guard !FileManager.default.fileExists(atPath: target.path) else { continue }
                do { try FileManager.default.moveItem(at: url, to: target) } catch { return nil }
                try? FileManager.default.removeItem(at: base)
                return target
            }
            return nil
        }

        /// Sets the draft aside when it holds the user's changes to a text other than `text`:
        /// the file changed on disk since the draft was made.
        func setAsideIfOutdated(madeFrom text: String) -> URL? {
            guard let keptBase = try? String(contentsOf: base, encoding: .utf8), keptBase != text,
                let kept = try? String(contentsOf: url, encoding: .utf8), kept != keptBase
            else { return nil }
            return setAside()
        }
    }

    /// Why an edit stopped before its text was checked.
    private struct Stop: Error {
        var result: Result
    }

    /// Runs `editor` on `draft` (made from `text`, or the user's text kept from an edit that did
    /// not pass) and returns what it holds afterwards.
    private func run(_ editor: Editor, on draft: Draft, from text: String, cancelled: String) -> Swift.Result<String, Stop> {
        do {
            try prepare(draft, from: text)
        } catch {
            return .failure(Stop(result: Result(message: StatusMessage("cannot write the draft \(draft.url.path): \(error)", level: .error))))
        }
        switch editor(draft.url) {
        case .failure(let error):
            return .failure(Stop(result: Result(message: StatusMessage("\(error); the draft is kept in \(relative(draft.url))", level: .error))))
        case .success(let status) where status > 128:
            // Stopped by a signal, not by the user (`:cq`): what it wrote to the draft is kept.
            guard let written = try? String(contentsOf: draft.url, encoding: .utf8), written != text else {
                draft.discard()
                return .failure(Stop(result: Result(message: StatusMessage("the editor was stopped by signal \(status - 128): \(cancelled)", level: .warning))))
            }
            let kept = relative(draft.url)
            var result = Result(message: StatusMessage(
                "the editor was stopped by signal \(status - 128): \(cancelled); what it wrote is kept in \(kept) · e reopens it", level: .warning))
            result.keptDraft = kept
            return .failure(Stop(result: result))
        case .success(let status) where status != 0:
            draft.discard()
            return .failure(Stop(result: Result(message: StatusMessage("the editor exited with status \(status): \(cancelled)", level: .warning))))
        case .success:
            break
        }
        guard let edited = try? String(contentsOf: draft.url, encoding: .utf8) else {
            return .failure(Stop(result: Result(message: StatusMessage("cannot read the draft \(relative(draft.url))", level: .error))))
        }
        return .success(edited)
    }

    /// Checks `edited` and writes it when it passes and the file on disk is still the one the
    /// edit started from; else sets `draft` aside.
    /// - Parameter listed: Whether `!` lists the problems of a text that does not pass: a draft
    ///   kept for the next `e` or `n`. ``Result/checked`` then holds them.
    private func outcome(
        _ edit: DefinitionEdit, edited: String, again: String, saved: String, draft: Draft, listed: Bool = false
    ) -> Result {
        let finished = edit.finish(edited: edited, root: root, checks: checks)
        var result = outcome(finished, of: edit, again: again, saved: saved, draft: draft, listed: listed)
        if listed { result.checked = DraftProblems(path: edit.path, problems: finished.problems) }
        return result
    }

    /// What ``outcome(_:edited:again:saved:draft:listed:)`` says and writes for the checks' verdict `finished`.
    private func outcome(
        _ finished: DefinitionEdit.Outcome, of edit: DefinitionEdit, again: String, saved: String, draft: Draft, listed: Bool
    ) -> Result {
        switch finished {
        case .unchanged:
            return Result(message: StatusMessage("no changes to \(edit.path)"))
        case .invalid(let problems):
            let first = problems.first.map(\.description) ?? "\(edit.path): not valid"
            let more = problems.count > 1 ? " (+\(problems.count - 1) more\(listed ? ": ! lists them" : ""))" : ""
            return Result(message: StatusMessage(first + more + again, level: .error))
        case .refused(let reason):
            return Result(message: StatusMessage("not saved: \(reason)" + again, level: .error))
        case .valid(let text, let workspace):
            let file = root.appendingPathComponent(edit.path)
            let onDisk = try? String(contentsOf: file, encoding: .utf8)
            guard (onDisk ?? "") == edit.original else {
                let kept = draft.setAside().map { "your text is in \(relative($0)) (secrets as markers)" } ?? "the draft is kept"
                return Result(
                    message: StatusMessage(
                        "\(edit.path) changed on disk while you edited it: your save was refused; \(kept) · e edits the file as it is now",
                        level: .error))
            }
            do {
                // A new definition may be the first of its kind: its folder may not exist yet.
                try FileManager.default.createDirectory(at: file.deletingLastPathComponent(), withIntermediateDirectories: true)
                try WorkspaceWriter.writeAtomically(text, to: file)
            } catch {
                return Result(message: StatusMessage("\(error)" + again, level: .error))
            }
            let note = edit.path == "hookline.yaml" ? " · settings apply at the next start" : ""
            let undo = onDisk.map { Undo(path: edit.path, before: $0, after: text) }
            return Result(message: StatusMessage("\(saved) \(edit.path)" + note), workspace: workspace, undo: undo)
        }
    }

    /// Writes the draft from `text` (the masked file, or a skeleton), unless a draft made from the
    /// same text is kept from an edit that did not pass: then the user's text is reopened as it was.
    private func prepare(_ draft: Draft, from text: String) throws {
        try FileManager.default.createDirectory(
            at: draft.url.deletingLastPathComponent(), withIntermediateDirectories: true,
            attributes: [.posixPermissions: 0o700])
        let keptBase = try? String(contentsOf: draft.base, encoding: .utf8)
        if keptBase == text, FileManager.default.fileExists(atPath: draft.url.path) { return }
        try WorkspaceWriter.writeAtomically(text, to: draft.url)
        try WorkspaceWriter.writeAtomically(text, to: draft.base)
    }

    /// `url` as messages name it: relative to the workspace folder when it is inside it.
    func relative(_ url: URL) -> String {
        url.path.hasPrefix(root.path + "/") ? String(url.path.dropFirst(root.path.count + 1)) : url.path
    }
}

extension DefinitionEdit.Outcome {
    /// The problems of a text that did not pass; none otherwise.
    fileprivate var problems: [Diagnostic] {
        if case .invalid(let problems) = self { problems } else { [] }
    }
}
