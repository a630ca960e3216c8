/// Where rendered text lands, which decides how each merge value is escaped.
///
/// Escaping applies only to values produced by tags (`{{x}}`), never to literal template text.
/// `{{{x}}}` and `{{& x}}` are never escaped, though `header` still rejects CR, LF and NUL in them.
public enum OutputMode: String, Sendable, CaseIterable {
    /// Handlebars escaping of `& < > " ' \` =` (message bodies). The Handlebars default.
    case html
    /// No escaping.
    case text
    /// JSON bodies: values inside a string literal are JSON-escaped; unquoted values are typed JSON.
    case json
    /// WHATWG `application/x-www-form-urlencoded` (space becomes `+`).
    case form
    /// A URL path segment: everything but RFC 3986 unreserved characters is percent-encoded.
    case urlPath = "url-path"
    /// A URL query component: everything but RFC 3986 unreserved characters is percent-encoded (space is `%20`).
    case urlQuery = "url-query"
    /// An HTTP header value: values containing CR, LF or NUL are an error.
    case header
}
