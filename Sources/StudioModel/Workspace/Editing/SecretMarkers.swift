/// The literal secrets hidden from the editor, each behind a numbered marker `••••••<n>`.
///
/// ```swift
/// let markers = SecretMarkers(hiding: [Hidden(range: range, field: "auth.password", value: "pw")], in: original)
/// markers.editorText                  // "password: \"••••••1\"" …
/// markers.restore(edited, path: path) // the markers replaced by the original source text
/// ```
struct SecretMarkers: Sendable, Equatable {
    /// What each marker starts with; the number follows.
    static let prefix = "••••••"
    private static let prefixScalars = Array(prefix.unicodeScalars)
    /// Longest marker number read; longer digit runs end the number there.
    private static let maximumDigits = 9

    /// One hidden value.
    struct Secret: Sendable, Equatable {
        /// The marker's number, from 1 in file order.
        var number: Int
        /// Where the value sits, such as `auth.password` or `headers.Authorization`.
        var fields: [String]
        /// The exact source text the marker stands for (escapes included, quotes excluded).
        var source: String
        /// The secret as the loader reads it (escapes resolved), for redacting messages.
        var values: [String]

        var marker: String { SecretMarkers.marker(number) }
    }

    /// The hidden secrets, by number.
    let secrets: [Secret]
    /// The original text with each hidden value replaced by its marker.
    let editorText: String

    /// A value to hide.
    struct Hidden {
        /// Where it is in the original, aligned to Unicode scalars.
        var range: Range<String.Index>
        /// Where it sits, such as `auth.password`.
        var field: String
        /// The value as the loader reads it.
        var value: String
    }

    /// Hides values of `original`, numbering them in file order. Equal or overlapping ranges
    /// share a marker.
    init(hiding hidden: [Hidden], in original: String) {
        let scalars = original.unicodeScalars
        var merged: [(range: Range<String.Index>, fields: [String], values: [String])] = []
        for entry in hidden.sorted(by: { $0.range.lowerBound < $1.range.lowerBound }) {
            if let last = merged.last, last.range.overlaps(entry.range) || last.range == entry.range {
                let union = last.range.lowerBound..<max(last.range.upperBound, entry.range.upperBound)
                merged[merged.count - 1] = (union, last.fields + [entry.field], last.values + [entry.value])
            } else {
                merged.append((entry.range, [entry.field], [entry.value]))
            }
        }
        var secrets: [Secret] = []
        var text = String.UnicodeScalarView()
        var copied = scalars.startIndex
        for (offset, entry) in merged.enumerated() {
            let secret = Secret(
                number: offset + 1, fields: entry.fields, source: String(scalars[entry.range]), values: entry.values)
            text.append(contentsOf: scalars[copied..<entry.range.lowerBound])
            text.append(contentsOf: secret.marker.unicodeScalars)
            copied = entry.range.upperBound
            secrets.append(secret)
        }
        text.append(contentsOf: scalars[copied...])
        self.secrets = secrets
        self.editorText = String(text)
    }

    static func marker(_ number: Int) -> String { "\(prefix)\(number)" }

    func secret(numbered number: Int) -> Secret? {
        number >= 1 && number <= secrets.count ? secrets[number - 1] : nil
    }

    // MARK: - Redacting

    /// Shortest value redacted from messages: shorter ones would scramble ordinary words, as
    /// in the engine's masker.
    static let minimumRedactedLength = 4

    /// `diagnostics` with every hidden value in their messages and hints replaced by its marker.
    func redact(_ diagnostics: [Diagnostic]) -> [Diagnostic] {
        var replacements: [(value: String, marker: String)] = []
        for secret in secrets {
            for value in Set([secret.source] + secret.values) where value.count >= Self.minimumRedactedLength {
                replacements.append((value, secret.marker))
            }
        }
        guard !replacements.isEmpty else { return diagnostics }
        replacements.sort { $0.value.count > $1.value.count }
        func redacted(_ text: String) -> String {
            replacements.reduce(text) { $0.replacing($1.value, with: $1.marker) }
        }
        return diagnostics.map { diagnostic in
            var copy = diagnostic
            copy.message = redacted(diagnostic.message)
            copy.hint = diagnostic.hint.map(redacted)
            return copy
        }
    }

    // MARK: - Restoring

    /// An edited text with its markers put back.
    struct Restored: Sendable, Equatable {
        /// The text with every issued marker replaced by its source text.
        var text: String
        /// The issued markers found, by number, each once.
        var kept: [Int]
        /// One error per marker that was never issued, at its position in the edited text.
        var unknown: [Diagnostic]
    }

    /// `edited` with every issued marker replaced by the exact source text it stands for,
    /// wherever it appears. Markers that were never issued stay and are reported.
    func restore(_ edited: String, path: String) -> Restored {
        let scalars = edited.unicodeScalars
        var text = String.UnicodeScalarView()
        var kept: Set<Int> = []
        var unknown: [Diagnostic] = []
        var copied = scalars.startIndex
        for occurrence in Self.markers(in: edited) {
            guard let secret = secret(numbered: occurrence.number) else {
                let location = YAMLFile(path: path, source: edited).location(
                    ofUTF8Offset: edited.utf8.distance(from: edited.startIndex, to: occurrence.range.lowerBound))
                unknown.append(
                    Diagnostic(
                        path: path, line: location.line, column: location.column,
                        message: "unknown secret marker '\(String(scalars[occurrence.range]))'",
                        hint: "markers stand for the secrets hidden when the file was opened; "
                            + "type the value, or a {{secret.name}} reference, instead"))
                continue
            }
            text.append(contentsOf: scalars[copied..<occurrence.range.lowerBound])
            text.append(contentsOf: secret.source.unicodeScalars)
            copied = occurrence.range.upperBound
            kept.insert(secret.number)
        }
        text.append(contentsOf: scalars[copied...])
        return Restored(text: String(text), kept: kept.sorted(), unknown: unknown)
    }

    /// Every `••••••<digits>` in `text`, with its number. A run of more than nine digits ends
    /// the number after the ninth.
    static func markers(in text: String) -> [(range: Range<String.Index>, number: Int)] {
        let scalars = text.unicodeScalars
        var found: [(range: Range<String.Index>, number: Int)] = []
        var index = scalars.startIndex
        while index < scalars.endIndex {
            guard let afterPrefix = prefixEnd(at: index, in: scalars) else {
                index = scalars.index(after: index)
                continue
            }
            var end = afterPrefix
            var number = 0
            var digits = 0
            while end < scalars.endIndex, digits < maximumDigits, let digit = asciiDigit(scalars[end]) {
                number = number * 10 + digit
                digits += 1
                end = scalars.index(after: end)
            }
            guard digits > 0 else {
                // In a longer run of bullets the marker is the last six.
                index = scalars.index(after: index)
                continue
            }
            found.append((range: index..<end, number: number))
            index = end
        }
        return found
    }

    private static func prefixEnd(at start: String.Index, in scalars: String.UnicodeScalarView) -> String.Index? {
        var index = start
        for expected in prefixScalars {
            guard index < scalars.endIndex, scalars[index] == expected else { return nil }
            index = scalars.index(after: index)
        }
        return index
    }

    private static func asciiDigit(_ scalar: Unicode.Scalar) -> Int? {
        scalar.value >= 0x30 && scalar.value <= 0x39 ? Int(scalar.value - 0x30) : nil
    }
}
