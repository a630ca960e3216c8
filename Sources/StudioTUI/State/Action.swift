import Foundation
import StudioModel

/// Something that happened: input, time, data. The reducer turns it into a new state.
public enum Action: Sendable, Equatable {
    case key(KeyEvent)
    /// Text pasted in the terminal: typed into the editor or the line being typed, never taken for keys.
    case paste(String)
    case command(CommandID)
    case resize(Size)
    case tick(Date)
    case traffic(records: [AttemptRecord], dropped: Int)
    /// SIGTERM, SIGHUP or SIGINT arrived.
    case terminate(signal: Int32)
    case status(StatusMessage)
    /// The value typed in a form field was saved: its line closes (one refused stays open).
    case fieldSaved
    /// A changed text of a file was checked: every problem of it when it was not saved, none
    /// when it passed; `!` lists them.
    case draftChecked(DraftProblems)
    /// Who runs the workspace's journeys instead of this studio, asked again; nil: this studio.
    case executorChecked(String?)
    /// The workspace's store can no longer keep what the studio runs, sends or shows (its file
    /// was removed, say): why.
    case storeLost(String)
    /// The store stopped taking writes (why), or took them again (nil).
    case storeFailing(String?)
    /// A definition file was saved: the studio shows the workspace loaded with it.
    case workspaceChanged(Workspace)
    /// Definition files changed on disk (an editor, a `git pull`): the studio shows the workspace
    /// loaded again, as after a save.
    case workspaceChangedOnDisk(WorkspaceReload)
    /// The secrets file changed on disk and was read again: the values to hide from now on, and
    /// what is wrong with the file when it could not be used.
    case secretsReloaded(values: [String], problem: Diagnostic?)
    /// Show one exchange whole (a test send's), as ⏎ does for a traffic line.
    case showExchange(AttemptRecord)
    /// Show the request a preview rendered (not sent) over the panes.
    case showPreview(AttemptRecord)
    /// The answer of `record`, shown in the details overlay, decoded from its `Content-Encoding`.
    case responseDecoded(AttemptRecord, DecodedResponseContent)
    /// A page of stored users asked for with ``Effect/loadUsers(after:)`` or
    /// ``Effect/loadUsersBefore(_:)``.
    case usersLoaded(UsersPage)
    /// The journeys of a user asked for with ``Effect/loadJourneys(email:)``.
    case journeysLoaded(UserJourneys)
    /// The users could not be read; why, for the status line.
    case usersUnavailable(StatusMessage)
    /// A webhook's body template read for the body editor.
    case bodyEditorOpened(OpenedBody)
    /// The body editor's template was saved; the file now reads `fileText` (secrets as markers).
    case bodySaved(fileText: String)
    /// The user the body editor's preview renders for (nil: none stored, or not found).
    case previewUserLoaded(StoredUser?)
}

/// Work the runtime must do after a reduction; values, so tests can assert them.
public enum Effect: Sendable, Equatable {
    case quit(code: Int32)
    /// Repaint every cell (Ctrl+L, or after the terminal was disturbed).
    case redraw
    /// Give the terminal back to the shell and stop, as SIGTSTP does (Ctrl+Z: raw mode sends
    /// no signal); everything is repainted when the shell's `fg` continues the studio.
    case suspend
    /// Run the engine from this workspace's definitions from now on: the one a save or a reload
    /// from disk brought, with the last good definitions of broken files kept.
    case applyWorkspace(Workspace)
    /// Send a stored delivery once more; the outcome comes back as a status message.
    case replay(deliveryID: String)
    /// Write these attempts to a HAR file; where comes back as a status message.
    case exportHAR([AttemptRecord])
    /// Write the request of this attempt as a curl command to a file; where comes back as a
    /// status message (a terminal clipboard cannot be relied on over SSH and tmux).
    case copyAsCurl(AttemptRecord)
    /// Open a definition file (relative to the workspace root) in the user's editor, then check
    /// and save it; the outcome comes back as a status message (and the new workspace). With a
    /// `line`, the editor starts there when it is one that takes `+LINE` (vi, nano, emacs…).
    case edit(path: String, line: Int? = nil)
    /// Start a new definition from its skeleton in the user's editor; checked and saved like an edit.
    case create(DefinitionSkeleton.Kind)
    /// Make one real attempt of a webhook for the stored user `email` (nil: the first one); the
    /// exchange comes back as ``Action/showExchange(_:)``, or a status message saying why there is none.
    /// Without a workflow and step, the webhook alone.
    case testSend(webhookID: String, workflowID: String?, nodeID: String?, email: String?)
    /// Start the workflow now for `audience`; how many journeys started comes back as a status message.
    case run(workflowID: String, audience: RunAudience)
    /// Render the request a webhook would send for the stored user `email` (nil: the first one),
    /// masked, without sending it; it comes back as ``Action/showPreview(_:)``.
    case preview(webhookID: String, workflowID: String?, nodeID: String?, email: String?)
    /// Read the page of stored users after `after` (nil: the first); it comes back as
    /// ``Action/usersLoaded(_:)``.
    case loadUsers(after: String?)
    /// Read the page of stored users before `before` (nil: the last page); it comes back as
    /// ``Action/usersLoaded(_:)``.
    case loadUsersBefore(String?)
    /// Write back the file the studio's last save changed, as it was before (checked like an
    /// edit); the outcome comes back as a status message (and the new workspace).
    case undo
    /// Read the recent journeys of the user `email`; they come back as ``Action/journeysLoaded(_:)``.
    case loadJourneys(email: String)
    /// Read the body template of a webhook file for the body editor; it comes back as
    /// ``Action/bodyEditorOpened(_:)``, or a status message saying why it cannot be edited here.
    case openBodyEditor(webhookID: String, path: String)
    /// Write the body editor's template into its file after the usual checks; the outcome comes
    /// back as ``Action/bodySaved(fileText:)`` and a status message.
    case saveBody(BodySave)
    /// Read the stored user `email` (nil: the first) for the preview; it comes back as
    /// ``Action/previewUserLoaded(_:)``.
    case loadPreviewUser(email: String?)
    /// Change the steps of the workflow in its file `path`, checked and saved like an edit;
    /// the outcome comes back as a status message (and the new workspace).
    case changeWorkflow(path: String, WorkflowNodeChange)
    /// Keep the body editor's unsaved typing as the draft `e` reopens for its webhook file
    /// (`.hookline/drafts/<path>`), in place of the typing kept before (`replacing`): once a
    /// second while it changes, and `announced` on stderr when the terminal went away (SIGHUP)
    /// or the studio was stopped.
    case keepBodyDraft(path: String, KeptBody, replacing: KeptBody?, announced: Bool)
    /// Decode the answer of the exchange the details overlay shows, coded with gzip or deflate
    /// (``Action/responseDecoded(_:_:)``).
    case decodeResponse(AttemptRecord)
    /// Take away the draft of the webhook file `path` if it still holds the typing kept: the
    /// typing was saved, typed back or given up.
    case discardBodyDraft(path: String, KeptBody)
    /// Set one field in its file (nil removes it), checked and saved like an edit; the outcome
    /// comes back as a status message (and the new workspace).
    case setField(FieldTarget, DefinitionFieldText.Value?)
    /// Ask again whether another process runs the workspace's journeys (``Action/executorChecked(_:)``).
    case checkExecutor
}
