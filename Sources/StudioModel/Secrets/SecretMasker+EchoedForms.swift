import Foundation

extension SecretMasker {
    /// How common servers write a value back when they echo a request, where that differs from
    /// every template mode. Each form is one more needle, looked for in the same single pass over
    /// a text as the others, so forms cost little; a value of letters, digits and `-._` has none,
    /// and two that write the value alike are one.
    ///
    /// - JSON: with `\/` (PHP), non-ASCII as `\u00e9` (Python, PHP), `<>&` as `\u003c` (Go); a
    ///   JSON body quoted whole in a JSON answer (httpbin's `data`), also by PHP, and a PHP or
    ///   Python answer quoted again by the same (`\\\/`, `\\u00e9`).
    /// - HTML: escaped by the usual escapers, with named or numeric references.
    /// - Percent-encoding: as the usual URL encoders write it (which characters they keep, `+` or
    ///   `%20` for a space). Lowercase hex (.NET) needs no form: matching ignores case.
    /// - UTF-8 read back as Latin-1.
    static func echoedForms(of value: String) -> [String] {
        let json = OutputMode.json.escaped(value)
        let quotedBody = OutputMode.json.escaped(json)
        var forms = [
            slashed(json), asciiJSON(json), php(value), goJSON(json), quotedBody, asciiJSON(quotedBody),
            // A JSON body quoted by PHP, and PHP's own answer quoted again by PHP.
            slashed(quotedBody), asciiJSON(slashed(quotedBody)), php(php(value)),
            // Python's answer (`json.dumps`, ASCII) quoted again by Python.
            asciiJSON(OutputMode.json.escaped(asciiJSON(json))),
        ]
        forms += htmlEscapedForms(of: value)
        forms += percentEncodedForms(of: value)
        if value.utf8.contains(where: { $0 >= 0x80 }) {
            // A header's UTF-8 read back as Latin-1 (Python's http.server, Node), as text and in JSON.
            let latin1 = String(String.UnicodeScalarView(value.utf8.map { Unicode.Scalar($0) }))
            let latin1JSON = OutputMode.json.escaped(latin1)
            forms += [latin1, latin1JSON, asciiJSON(latin1JSON)]
        }
        return forms
    }

    /// Values shorter than this, in UTF-8 bytes, are not looked for as their base64 or hex: the
    /// base64 of 4 bytes is 6 letters and digits, matched in any case, which a long token, a hash
    /// or an image in an answer holds by chance.
    public static let shortestEncodedValue = 8

    /// `value`'s UTF-8 as an echo that encodes it writes it back: base64, standard (`+/`) and
    /// URL-safe (`-_`), with its `=` padding and without, and hex, which matching finds in upper
    /// or lower case. None for a value under ``shortestEncodedValue`` bytes.
    static func encodedForms(of value: String) -> [String] {
        guard value.utf8.count >= shortestEncodedValue else { return [] }
        let base64 = Data(value.utf8).base64EncodedString()
        let urlSafe = base64.replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
        // Without padding too: the padded form, the longer needle, is tried first where it is whole.
        var forms: Set<String> = [base64, urlSafe]
        for padded in [base64, urlSafe] where padded.hasSuffix("=") { forms.insert(String(padded.prefix { $0 != "=" })) }
        forms.insert(value.utf8.map { byte in (byte < 16 ? "0" : "") + String(byte, radix: 16) }.joined())
        return Array(forms)
    }

    /// JSON string text as PHP's `json_encode` writes it by default: `/` as `\/`, non-ASCII as `\u` escapes.
    private static func php(_ value: String) -> String {
        asciiJSON(slashed(OutputMode.json.escaped(value)))
    }

    /// JSON string text with `/` written `\/`, as PHP does (and JSON allows, RFC 8259 §7).
    private static func slashed(_ json: String) -> String {
        json.replacingOccurrences(of: "/", with: "\\/")
    }

    /// `value` as the usual HTML escapers write it, which leave `=` alone (the HTML template
    /// mode writes it `&#x3D;`):
    /// - named references: Python's `html.escape`, PHP's `htmlspecialchars`, Go's
    ///   `html.EscapeString`, which differ only in how they write the two quotes;
    /// - numeric references for `&<>"'` only, decimal (`&#38;`, Spring's `htmlEscapeDecimal`) or
    ///   hex (`&#x26;`, Spring's `htmlEscapeHex`; he.js's `encode`, which also writes non-ASCII so);
    /// - numeric references for every character but ASCII letters, digits, space and `,-._`,
    ///   decimal (`&#61;` for `=`, .NET's AntiXSS) or hex (`&#x2b;` for `+`, OWASP ESAPI);
    /// - OWASP's cheat-sheet rule, which adds `/` as `&#x2F;` to the named references (error
    ///   pages of Java and Node apps: `tok&#x2F;Ab+Cd`).
    static func htmlEscapedForms(of value: String) -> [String] {
        var forms: Set<String> = []
        if value.contains("/") {
            forms.insert(
                value.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
                    .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "\"", with: "&quot;")
                    .replacingOccurrences(of: "'", with: "&#x27;").replacingOccurrences(of: "/", with: "&#x2F;"))
        }
        if value.contains(where: { "&<>\"'".contains($0) }) {
            let base = value.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
                .replacingOccurrences(of: ">", with: "&gt;")
            for quote in ["&quot;", "&#34;"] {
                for apostrophe in ["&#x27;", "&#39;", "&#039;"] {
                    forms.insert(
                        base.replacingOccurrences(of: "\"", with: quote).replacingOccurrences(of: "'", with: apostrophe))
                }
            }
            let special: (Unicode.Scalar) -> Bool = { "&<>\"'".unicodeScalars.contains($0) }
            forms.insert(numericReferences(value, decimal: true, where: special))
            forms.insert(numericReferences(value, decimal: false, where: special))
            forms.insert(numericReferences(value, decimal: false) { special($0) || !$0.isASCII })
        }
        let everyOther: (Unicode.Scalar) -> Bool = { !$0.isASCII || !isKeptByEveryHTMLEscaper(UInt8($0.value)) }
        forms.insert(numericReferences(value, decimal: true, where: everyOther))
        forms.insert(numericReferences(value, decimal: false, where: everyOther))
        forms.remove(value)
        return Array(forms)
    }

    /// ASCII letters, digits, space and `,-._`.
    private static func isKeptByEveryHTMLEscaper(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
            UInt8(ascii: "0")...UInt8(ascii: "9"):
            true
        default: " ,-._".utf8.contains(byte)
        }
    }

    /// `value` with each character `encode` picks written as an HTML numeric character reference.
    private static func numericReferences(
        _ value: String, decimal: Bool, where encode: (Unicode.Scalar) -> Bool
    ) -> String {
        var out = ""
        for scalar in value.unicodeScalars {
            if encode(scalar) {
                out += decimal ? "&#\(scalar.value);" : "&#x" + String(scalar.value, radix: 16) + ";"
            } else {
                out.unicodeScalars.append(scalar)
            }
        }
        return out
    }

    /// `value` percent-encoded as the usual URL encoders write it, where that differs from the
    /// form and URL template modes: each keeps ASCII letters, digits and `-._`, and some of
    /// `~*!'()`, writing a space `+` or `%20`. PHP's `urlencode` keeps none of them; Go's
    /// `QueryEscape`, Python's `quote_plus` and PHP's `rawurlencode` keep `~`; Ruby's `CGI.escape`
    /// keeps `*~`; JavaScript's `encodeURIComponent` keeps `!'()*~`.
    static func percentEncodedForms(of value: String) -> [String] {
        guard value.utf8.contains(where: { "~*!'() ".utf8.contains($0) }) else { return [] }
        var forms: Set<String> = []
        for kept in ["", "~", "*", "*~", "!'()*~"] {
            for spaceAsPlus in [true, false] {
                var out = TemplateOutputBuffer(capacity: value.utf8.count * 3)
                TemplateEncoding.appendPercentEncoded(value, to: &out, spaceAsPlus: spaceAsPlus) { byte in
                    isWrittenAsIs(byte) || kept.utf8.contains(byte)
                }
                forms.insert(out.string)
            }
        }
        return Array(forms)
    }

    /// JSON text with every non-ASCII character written as `\u` escapes of its UTF-16 units.
    static func asciiJSON(_ json: String) -> String {
        var out = ""
        for unit in json.utf16 {
            if unit < 0x80, let scalar = Unicode.Scalar(unit) {
                out.unicodeScalars.append(scalar)
            } else {
                let hex = String(unit, radix: 16)
                out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            }
        }
        return out
    }

    /// JSON text as Go's encoding/json writes it by default: `<`, `>` and `&` as `\u` escapes.
    private static func goJSON(_ json: String) -> String {
        json.replacingOccurrences(of: "&", with: "\\u0026").replacingOccurrences(of: "<", with: "\\u003c")
            .replacingOccurrences(of: ">", with: "\\u003e")
    }
}
