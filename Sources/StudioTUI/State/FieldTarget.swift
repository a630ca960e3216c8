import Foundation
import StudioModel

/// Where a form field is written, and how the typed text becomes its value.
public struct FieldTarget: Sendable, Equatable {
    public enum Kind: Sendable, Equatable {
        /// Written as text (quoted when needed); empty removes the key when `optional`.
        case text(optional: Bool)
        /// Written bare: a duration, a number; empty removes the key.
        case plain
        /// `standard` (or nothing) removes the key, `none` is `[]`, else durations become a list.
        case retries
        /// A new header typed as `Name: value`; the key comes from the text. `existing` are the
        /// webhook's header names: one of them typed in another case would replace that header.
        case newEntry(existing: [String])
        /// An existing header's value, written as text; empty removes the header.
        case headerValue
        /// `auth:` of this type, its credentials typed as `{{secret.name}}` references (never a
        /// secret in clear): bearer takes a token, basic a user and an optional password.
        case auth(String)
        /// A YAML flow mapping written as typed (`{discount: 60, shipping: 40}`): a split's
        /// branches, the fields an Update Profile step sets. The checks after saving judge its contents.
        case flowMapping
        /// A Yes/No step's condition, typed as ``Condition/init(typed:)`` reads it:
        /// `plan equals pro and age greaterThan 30`.
        case condition
    }

    /// What typed text comes to.
    public enum Parsed: Sendable, Equatable {
        /// The field's new value; nil removes its key.
        case value(DefinitionFieldText.Value?)
        /// A new entry under its own key (``Kind/newEntry``).
        case entry(key: String, value: DefinitionFieldText.Value)
        /// Nothing is written; why, for the hint row.
        case refused(String)
    }

    public var path: String
    public var mapping: DefinitionFieldText.Mapping
    public var key: String
    public var kind: Kind

    /// What `text`, as typed, gives this field. A header's value holding one of `secretValues`
    /// (the secret store's) is refused, as a literal credential is.
    public func parse(_ text: String, secretValues: [String] = []) -> Parsed {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        switch kind {
        // The line as typed: leading and trailing spaces can matter in a message body.
        case .text(let optional): return .value(optional && trimmed.isEmpty ? nil : .text(text))
        case .plain: return .value(trimmed.isEmpty ? nil : .plain(trimmed))
        case .retries:
            switch trimmed.lowercased() {
            case "", "standard": return .value(nil)
            case "none": return .value(.plain("[]"))
            default:
                let delays = trimmed.split(whereSeparator: { $0 == " " || $0 == "," }).map(String.init)
                return .value(.plain("[" + delays.joined(separator: ", ") + "]"))
            }
        case .newEntry(let existing):
            switch Self.entry(from: text, existing: existing, secretValues: secretValues) {
            case .success(let entry): return .entry(key: entry.key, value: .text(entry.value))
            case .failure(let refusal): return .refused(refusal.message)
            }
        case .headerValue:
            guard !trimmed.isEmpty else { return .value(nil) }
            if let refusal = Self.headerValueRefusal(name: key, value: trimmed, secretValues: secretValues) {
                return .refused(refusal.message)
            }
            return .value(.text(text))
        case .auth(let type):
            guard let value = Self.auth(type, from: trimmed) else {
                return .refused("credentials are written as {{secret.name}} references (a secret is never typed in clear)")
            }
            return .value(value)
        case .flowMapping:
            guard DefinitionFieldText.isFlowMapping(trimmed) else {
                return .refused("write a YAML flow mapping on one line, as {a: 50, b: 50}")
            }
            return .value(.plain(trimmed))
        case .condition:
            do throws(Condition.TypedError) {
                return .value(.plain(try Condition(typed: trimmed).yamlFlow))
            } catch {
                return .refused(error.description)
            }
        }
    }

    /// The value `text` gives a field whose text needs no checking (a choice's option); nil
    /// removes its key.
    public func value(for text: String) -> DefinitionFieldText.Value? {
        if case .value(let value) = parse(text) { value } else { nil }
    }

    /// `Name: value` split at its first colon; refused unless the name is an HTTP field name (RFC
    /// 9110 token) that none of `existing` is in another case, and the value is not empty nor a
    /// literal secret (``headerValueRefusal(name:value:secretValues:)``).
    static func entry(
        from text: String, existing: [String] = [], secretValues: [String] = []
    ) -> Result<(key: String, value: String), EntryRefusal> {
        guard let colon = text.firstIndex(of: ":") else { return .failure(.notNameColonValue) }
        let key = text[..<colon].trimmingCharacters(in: .whitespaces)
        let value = text[text.index(after: colon)...].trimmingCharacters(in: .whitespaces)
        guard !key.isEmpty, !value.isEmpty else { return .failure(.notNameColonValue) }
        let tokenCharacters = Set("!#$%&'*+-.^_`|~".unicodeScalars)
        if let bad = key.unicodeScalars.first(where: {
            !($0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0) || tokenCharacters.contains($0)))
        }) {
            return .failure(.nameCharacter(bad))
        }
        if let header = existing.first(where: { $0.lowercased() == key.lowercased() }) {
            return .failure(.existingHeader(header, typed: key))
        }
        if let refusal = headerValueRefusal(name: key, value: value, secretValues: secretValues) { return .failure(refusal) }
        return .success((key, value))
    }

    /// Why `value` may not be typed as header `name`'s: a literal secret, as the file checks and
    /// the auth field have it — a credential header's value, one after `Bearer` or `Basic` — or a
    /// value of the secret store. Nil when it may.
    static func headerValueRefusal(name: String, value: String, secretValues: [String]) -> EntryRefusal? {
        if SecretDisplay.header(name: name, value: value) != value { return .literalCredential(name) }
        if SecretDisplay.hiding(secretValues, in: value) != value { return .secretStoreValue(name) }
        return nil
    }

    /// Why a typed header was refused.
    enum EntryRefusal: Error, Equatable {
        case notNameColonValue
        /// A header name is an RFC 9110 token: letters, digits and ``!#$%&'*+-.^_`|~``.
        case nameCharacter(Unicode.Scalar)
        /// A credential header (`Authorization`, `X-Api-Key`), or a value after an auth scheme
        /// word, with its secret typed in clear.
        case literalCredential(String)
        /// A value holding one of the secret store's, typed in clear.
        case secretStoreValue(String)
        /// A header the webhook has already (the first), typed in another case or the same (the
        /// second): adding it would replace that header's value.
        case existingHeader(String, typed: String)

        var message: String {
            switch self {
            case .notNameColonValue: "write Name: value, as X-Campaign: {{workflowName}}"
            case .nameCharacter(let scalar):
                "a header name has letters, digits and !#$%&'*+-.^_`|~ only, not \(scalar == " " ? "a space" : "'\(scalar)'")"
            case .literalCredential(let name):
                "\(name) carries a credential: write a {{secret.name}} reference to .hookline/secrets.yaml, never the secret"
            case .secretStoreValue(let name):
                "\(name)'s value holds a secret of .hookline/secrets.yaml: write its {{secret.name}} reference, never the secret"
            case .existingHeader(let header, let typed):
                (header == typed ? "the webhook has \(header) already" : "\(typed) is the webhook's \(header) (names ignore case)")
                    + (CredentialNames.isCredentialHeader(header)
                        ? ": e edits it, keeping its secret hidden" : ": ⏎ on its line in this form edits its value")
            }
        }
    }

    /// The `auth:` flow mapping `text` gives (`{type: bearer, token: "{{secret.crm}}"}`); nil
    /// unless every credential in it is a reference to the secret store.
    static func auth(_ type: String, from text: String) -> DefinitionFieldText.Value? {
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
}
