import Foundation
import StudioModel

/// A short list to choose from over the panes (the step type to add, the step to connect to),
/// chosen with the navigation keys and ⏎.
public struct Choice: Sendable, Equatable {
    public struct Option: Sendable, Equatable {
        public var label: String
        /// What choosing it does.
        public var effects: [Effect]
        /// The tree row to select once the workspace reloads (the new or moved step).
        public var selects: String?
        /// What opens after it is chosen (a form field's editor), if anything.
        public var then: FollowUp?

        public init(label: String, effects: [Effect] = [], selects: String? = nil, then: FollowUp? = nil) {
            self.label = label
            self.effects = effects
            self.selects = selects
            self.then = then
        }
    }

    /// What a chosen option opens.
    public indirect enum FollowUp: Sendable, Equatable {
        case choice(Choice)
        case input(FieldInput)
        case status(StatusMessage)
    }

    public init(title: String, options: [Option], selected: Int = 0) {
        self.title = title
        self.options = options
        self.selected = selected
    }

    public var title: String
    public var options: [Option]
    public var selected = 0
}

/// A question in the hint row whose `y` makes `effects` happen; any other key drops it.
public struct Confirmation: Sendable, Equatable {
    public var question: String
    public var effects: [Effect]
    public var selects: String?
}

/// A form field's new value being typed in the hint row; ⏎ saves it into `field`'s file.
public struct FieldInput: Sendable, Equatable {
    public var prompt: String
    public var field: FieldTarget
    public var text: String
    /// The value the field had: submitted unchanged, nothing is written (its quoting stays).
    public var original: String
    /// What an empty line means, shown while nothing is typed.
    public var placeholder: String
}

/// Where a form field is written, and how the typed text becomes its value.
public struct FieldTarget: Sendable, Equatable {
    public enum Kind: Sendable, Equatable {
        /// Written as text (quoted when needed); empty removes the key when `optional`.
        case text(optional: Bool)
        /// Written bare: a duration, a number; empty removes the key.
        case plain
        /// `standard` (or nothing) removes the key, `none` is `[]`, else durations become a list.
        case retries
        /// A new entry typed as `Name: value` (a header); the key comes from the text.
        case newEntry
        /// `auth:` of this type, its credentials typed as `{{secret.name}}` references (never a
        /// secret in clear): bearer takes a token, basic a user and an optional password.
        case auth(String)
    }

    public var path: String
    public var mapping: DefinitionFieldText.Mapping
    public var key: String
    public var kind: Kind

    /// `Name: value` split at its first colon; nil unless the name is an HTTP field name (RFC
    /// 9110 token) and the value is not empty, and for a credential header given a literal value
    /// (those are written as `{{secret.name}}`, never typed in clear).
    public func entry(from text: String) -> (key: String, value: String)? {
        guard let colon = text.firstIndex(of: ":") else { return nil }
        let key = text[..<colon].trimmingCharacters(in: .whitespaces)
        let value = text[text.index(after: colon)...].trimmingCharacters(in: .whitespaces)
        let tokenCharacters = Set("!#$%&'*+-.^_`|~".unicodeScalars)
        guard !key.isEmpty, !value.isEmpty,
            key.unicodeScalars.allSatisfy({ $0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0) || tokenCharacters.contains($0)) }),
            SecretDisplay.header(name: key, value: value) == value
        else { return nil }
        return (key, value)
    }

    /// The `auth:` flow mapping `text` gives (`{type: bearer, token: "{{secret.crm}}"}`); nil
    /// unless every credential in it is a reference to the secret store.
    public func authValue(for text: String) -> DefinitionFieldText.Value? {
        guard case .auth(let type) = kind else { return nil }
        let parts = text.split(whereSeparator: \.isWhitespace).map(String.init)
        guard parts.allSatisfy({ SecretDisplay.credential($0) == $0 }) else { return nil }
        let quoted = parts.map(DefinitionFieldText.Value.quotedIfNeeded)
        switch (type, quoted.count) {
        case ("bearer", 1): return .plain("{type: bearer, token: \(quoted[0])}")
        case ("basic", 1): return .plain("{type: basic, username: \(quoted[0]), password: \"\"}")
        case ("basic", 2): return .plain("{type: basic, username: \(quoted[0]), password: \(quoted[1])}")
        default: return nil
        }
    }

    /// The value `text` gives this field; nil removes the key.
    public func value(for text: String) -> DefinitionFieldText.Value? {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        switch kind {
        case .text(let optional): return optional && trimmed.isEmpty ? nil : .text(text)
        case .newEntry, .auth: return nil  // Checked first: see entry(from:) and authValue(for:).
        case .plain: return trimmed.isEmpty ? nil : .plain(trimmed)
        case .retries:
            switch trimmed.lowercased() {
            case "", "standard": return nil
            case "none": return .plain("[]")
            default:
                let delays = trimmed.split(whereSeparator: { $0 == " " || $0 == "," }).map(String.init)
                return .plain("[" + delays.joined(separator: ", ") + "]")
            }
        }
    }
}
