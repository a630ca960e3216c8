/// Checks a webhook URL template: the scheme must be http or https and the host must be
/// present and literal, so merge parameters can change only the path and query.
enum WebhookURLCheck {
    struct Problem: Equatable {
        var message: String
        var hint: String?
    }

    /// The problem with `url`, or nil when it is acceptable.
    static func problem(in url: String) -> Problem? {
        let literalHint = "templates are allowed only in the path and query"
        // Every send refuses it (a CR or LF would end the request line): say so before one.
        if url.unicodeScalars.contains(where: { $0.value < 0x20 || $0.value == 0x7F }) {
            return Problem(
                message: "URL holds a control character (tab, CR, LF, NUL …), which no request line may carry",
                hint: "remove it; a value that needs one is percent-encoded, as %09 or %0A")
        }
        guard let separator = url.range(of: "://") else {
            if url.hasPrefix("{{") {
                return Problem(message: "URL scheme and host must be literal", hint: literalHint)
            }
            return Problem(message: "URL must start with http:// or https://", hint: nil)
        }
        let scheme = url[..<separator.lowerBound]
        if scheme.contains("{{") || scheme.contains("}}") {
            return Problem(message: "URL scheme and host must be literal", hint: literalHint)
        }
        guard ["http", "https"].contains(scheme.lowercased()) else {
            return Problem(message: "URL scheme must be http or https, found '\(scheme)'", hint: nil)
        }
        let rest = url[separator.upperBound...]
        let authority = rest.prefix { $0 != "/" && $0 != "?" && $0 != "#" }
        if authority.contains("{{") || authority.contains("}}") {
            return Problem(message: "URL host must be literal", hint: literalHint)
        }
        let hostAndPort = authority.split(separator: "@", omittingEmptySubsequences: false).last ?? authority
        let host: Substring
        if hostAndPort.hasPrefix("[") {
            host = hostAndPort.prefix { $0 != "]" }.dropFirst()
        } else {
            host = hostAndPort.prefix { $0 != ":" }
        }
        if host.isEmpty { return Problem(message: "URL has no host", hint: nil) }
        return nil
    }
}
