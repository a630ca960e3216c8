import Foundation
import StudioModel

/// The body editor (`b` on the Webhooks screen, DESIGN §8): a webhook's body template edited in
/// the studio beside a live preview rendered for a chosen user, with its JSON checked as you type.
/// Saving writes the template alone into the webhook file (``WebhookTemplateBlock``), after the
/// same checks as an edit in `$EDITOR`.
public struct BodyEditor: Sendable, Equatable {
    public var webhookID: String
    /// The webhook file, relative to the workspace.
    public var path: String
    /// `json` or `raw`: how the preview renders and checks.
    public var type: String
    public var buffer: TextBuffer
    /// The template as last opened or saved: the buffer differs from it when there is something to save.
    public var savedTemplate: String
    /// The file as the editor saw it when opened or last saved (literal secrets as markers);
    /// a save is refused when the file on disk no longer gives this text.
    public var fileText: String
    /// The user the preview is rendered for; nil until loaded (or when the store has none).
    public var previewUser: StoredUser?
    /// First line shown of the template and of the preview.
    public var scroll = 0
    public var previewScroll = 0
    /// First column shown of the template, so the cursor stays visible on long lines.
    public var columnOffset = 0
    /// Esc was pressed with unsaved changes: `y` discards them, any other key goes back.
    public var confirmingDiscard = false
    /// The discard being confirmed came from Ctrl+C: `y` then quits the studio too.
    public var quitAfterDiscard = false
    /// The address being typed after Ctrl+O, nil otherwise.
    public var userInput: String?
    /// The template rendered for the preview's user: made again when the text, the user or the
    /// second changes, not on every frame.
    private(set) var preview = BodyPreview(lines: [])

    public init(webhookID: String, path: String, type: String, template: String, fileText: String) {
        self.webhookID = webhookID
        self.path = path
        self.type = type
        self.buffer = TextBuffer(template)
        self.savedTemplate = template
        self.fileText = fileText
    }

    public var isDirty: Bool { buffer.text != savedTemplate }

    mutating func renderPreview(now: Date) {
        preview = BodyPreview.render(buffer.text, type: type, user: previewUser, now: now)
    }

    /// Takes in the file as saved. Its hidden secrets are numbered anew in file order, so the
    /// template is read back from it: a marker kept in the editor must name the secret it now names.
    mutating func saved(as fileText: String) {
        self.fileText = fileText
        let template = (try? WebhookTemplateBlock(in: fileText).template) ?? buffer.text
        savedTemplate = template
        if buffer.text != template { buffer = TextBuffer(template) }
    }
}

/// What the body editor's runtime work gives back.
public struct OpenedBody: Sendable, Equatable {
    public var webhookID: String
    public var path: String
    public var type: String
    public var template: String
    public var fileText: String

    public init(webhookID: String, path: String, type: String, template: String, fileText: String) {
        self.webhookID = webhookID
        self.path = path
        self.type = type
        self.template = template
        self.fileText = fileText
    }
}

/// A save asked for in the body editor.
public struct BodySave: Sendable, Equatable {
    public var webhookID: String
    public var path: String
    public var template: String
    /// The file text the editor was opened from (see ``BodyEditor/fileText``).
    public var fileText: String
    /// Test send the webhook once it is saved (Ctrl+T).
    public var thenTestSend: Bool
    /// Whom a test send is for (the preview's user).
    public var email: String?
}
