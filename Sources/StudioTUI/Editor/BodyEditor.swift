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
    /// The typing last kept in the webhook's draft (``draftEffects()``, once a second), so that a
    /// crash or `kill -9` loses at most a second of it; nil while no draft holds this editor's text.
    public var keptDraft: KeptBody?
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

    /// The typing as a draft would keep it.
    var typing: KeptBody { KeptBody(template: buffer.text, fileText: fileText) }

    /// Keeps the webhook's draft in step with the typing: the typing kept when it changed since
    /// the last time, the draft taken away once nothing is left unsaved (saved, or typed back).
    mutating func draftEffects() -> [Effect] {
        guard isDirty else { return discardDraft() }
        guard keptDraft != typing else { return [] }
        defer { keptDraft = typing }
        return [.keepBodyDraft(path: path, typing, replacing: keptDraft, announced: false)]
    }

    /// Takes away the draft this editor kept, if it did: its typing was saved or given up.
    mutating func discardDraft() -> [Effect] {
        guard let kept = keptDraft else { return [] }
        keptDraft = nil
        return [.discardBodyDraft(path: path, kept)]
    }

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

/// The body editor's typing as its webhook's draft keeps it: the template, in the file text the
/// editor read (``DraftEditing/keepBodyDraft(_:of:replacing:)``).
public struct KeptBody: Sendable, Equatable {
    public var template: String
    public var fileText: String

    public init(template: String, fileText: String) {
        self.template = template
        self.fileText = fileText
    }

    /// The draft's text: the file with the template in it; nil when the file has no template block.
    var draftText: String? { try? WebhookTemplateBlock(in: fileText).replacing(with: template, in: fileText) }
}

/// What the body editor's runtime work gives back.
public struct OpenedBody: Sendable, Equatable {
    public var webhookID: String
    public var path: String
    public var type: String
    public var template: String
    public var fileText: String
    /// Typing the body editor kept in the draft and did not save (the studio crashed, or was
    /// killed): the editor opens with it, unsaved.
    public var restored: KeptBody?

    public init(webhookID: String, path: String, type: String, template: String, fileText: String, restored: KeptBody? = nil) {
        self.webhookID = webhookID
        self.path = path
        self.type = type
        self.template = template
        self.fileText = fileText
        self.restored = restored
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
