import NIOHTTP1

extension HTTPParserError {
    /// What the HTTP/1.1 parser found wrong with an answer, in words for the attempt's record:
    /// SwiftNIO's own text names the parser's state ("invalid constant string"), or nothing at
    /// all ("unknown (http_parser error)") for a body framed two ways.
    var explanation: String {
        switch self {
        case .invalidVersion: "its status line names a protocol other than HTTP/1.0 or HTTP/1.1"
        case .invalidStatus: "its status line has no valid status code"
        // A folded line is read as spaces (BareLineFeedHandler), except right after the status line.
        case .invalidHeaderToken:
            "a header line is malformed (no colon, a space before the colon, a line starting with whitespace after the status line, or a control character)"
        case .headerOverflow: "its status line and headers are larger than the 80 KiB a client accepts"
        // Content-Length beside Transfer-Encoding, and the same length twice, are read as RFC 9112
        // §6.3 and RFC 9110 §8.6 allow (ResponseFramingHandler); only lengths that differ get here.
        case .invalidContentLength: "its Content-Length is not a number"
        // RFC 9112 §6.3: "the recipient MUST treat it as an unrecoverable error".
        case .unexpectedContentLength: "it has Content-Length more than once, with different values"
        case .invalidChunkSize: "a chunk size of its chunked body is not a hexadecimal number"
        case .invalidEOFState: "the server closed the connection in the middle of it"
        // A bare CR inside a header line: an HTTP answer written wrongly, not another protocol.
        case .lfExpected, .strictModeAssertion, .invalidCharactersUsed:
            "a line does not end in CRLF, or holds a byte HTTP/1.1 does not allow there"
        case .unknown: "its Transfer-Encoding cannot frame a response"
        default: "it does not start with an HTTP status line and headers"
        }
    }

    /// What the HTTP/1.1 parser found wrong with a request's head, in words for the client.
    var requestExplanation: String {
        switch self {
        case .invalidHeaderToken:
            "a header line is malformed (no colon, a space before the colon, a folded line, or a control character)"
        // SwiftNIO's parser says this too of a Content-Length beside a Transfer-Encoding (QA).
        case .invalidContentLength: "its Content-Length is not a number, or it has Content-Length with Transfer-Encoding"
        case .unexpectedContentLength: "it has more than one Content-Length, or Content-Length with Transfer-Encoding"
        case .invalidChunkSize: "a chunk size of its chunked body is not a hexadecimal number"
        case .lfExpected, .strictModeAssertion, .invalidConstant:
            "a line does not end in CRLF, or holds a byte HTTP/1.1 does not allow there"
        case .invalidURL: "its request target is not a path, an http(s) URL or *"
        case .unknown: "its Transfer-Encoding cannot frame a request, or it has Transfer-Encoding with Content-Length"
        default: "it is not an HTTP/1.1 request head as RFC 9112 writes one"
        }
    }

    /// What the HTTP/1.1 parser found wrong with a request's chunked body (RFC 9112 §7.1), in
    /// words for the client: SwiftNIO's own text names the parser's state ("strict mode assertion").
    var chunkedBodyExplanation: String {
        switch self {
        case .invalidChunkSize: "a chunk size is not a hexadecimal number"
        case .strictModeAssertion, .lfExpected, .invalidConstant:
            "a chunk's data does not end in CRLF where its size says, or a line does not end in CRLF"
        case .invalidContentLength, .unexpectedContentLength: "its trailer has a Content-Length field"
        case .invalidHeaderToken: "a trailer field line is malformed"
        case .headerOverflow: "its trailer fields are larger than 80 KiB"
        default: "it is not chunk size, CRLF, data, CRLF, …, 0, CRLF, trailer fields, CRLF"
        }
    }

    /// The explanations of an answer that is not HTTP/1.x at all (SSH, TLS or a database on the
    /// port), as against an HTTP answer written wrongly: only these point the user at the url's
    /// port (``DeliveryOutcomeClass/hint(for:afterTestSend:)``).
    static let otherProtocolExplanations = [HTTPParserError.invalidVersion.explanation, HTTPParserError.invalidConstant.explanation]
}
