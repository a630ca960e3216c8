import Foundation
import NIOHTTP1
import StudioModel

/// Scripted answers for the embedded receiver, for fault tests and demos.
///
/// A script is a list of rules. The first rule whose path (and method, if given) matches a
/// request answers it with the next of its responses; once they are used up, the last one
/// repeats. Requests no rule matches get the receiver's default answers.
///
/// ```yaml
/// rules:
///   - path: /hooks/flaky          # exact; "/hooks/*" is a glob; or pathPrefix: /hooks/
///     method: POST                # optional
///     responses:
///       - status: 500             # once…
///       - status: 200             # …then 200 for ever
///         body: '{"ok":true}'
/// ```
///
/// ```swift
/// let script = try ReceiverScript.load(from: URL(fileURLWithPath: "faults.yaml"))
/// let receiver = try await Receiver.start(script: script)
/// ```
public struct ReceiverScript: Sendable, Hashable {
    public var rules: [Rule]

    public init(rules: [Rule]) {
        self.rules = rules
    }

    /// One rule: which requests it answers, and how.
    public struct Rule: Sendable, Hashable {
        public var path: PathPattern
        /// Upper-case HTTP method; `nil` matches every method.
        public var method: String?
        /// Used in order; the last one repeats. Never empty.
        public var responses: [Response]

        public init(path: PathPattern, method: String? = nil, responses: [Response]) {
            self.path = path
            self.method = method?.uppercased()
            self.responses = responses.isEmpty ? [Response()] : responses
        }

        public func matches(method: String, path: String) -> Bool {
            if let expected = self.method, expected != method.uppercased() { return false }
            return self.path.matches(path)
        }

        /// The response for the `index`-th matching request (0-based), counting `times`.
        public func response(at index: Int) -> Response {
            var remaining = index
            for response in responses {
                if remaining < response.times { return response }
                remaining -= response.times
            }
            return responses[responses.count - 1]
        }
    }

    /// How a rule matches a request path (the query is not part of it).
    public enum PathPattern: Sendable, Hashable {
        case exact(String)
        case prefix(String)
        /// `*` matches any run of characters, `/` included.
        case glob(String)

        public func matches(_ path: String) -> Bool {
            switch self {
            case .exact(let expected): path == expected
            case .prefix(let prefix): path.hasPrefix(prefix)
            case .glob(let pattern): Self.glob(Array(pattern.utf8)[...], matches: Array(path.utf8)[...])
            }
        }

        private static func glob(_ pattern: ArraySlice<UInt8>, matches text: ArraySlice<UInt8>) -> Bool {
            let parts = pattern.split(separator: UInt8(ascii: "*"), omittingEmptySubsequences: false)
            guard parts.count > 1, let first = parts.first, let last = parts.last else { return pattern == text }
            guard text.starts(with: first) else { return false }
            var rest = text.dropFirst(first.count)
            for part in parts.dropFirst().dropLast() where !part.isEmpty {
                guard let range = Self.firstRange(of: part, in: rest) else { return false }
                rest = rest[range.upperBound...]
            }
            return rest.count >= last.count && rest.suffix(last.count).elementsEqual(last)
        }

        private static func firstRange(of needle: ArraySlice<UInt8>, in haystack: ArraySlice<UInt8>) -> Range<Int>? {
            guard needle.count <= haystack.count else { return nil }
            var start = haystack.startIndex
            while start + needle.count <= haystack.endIndex {
                if haystack[start..<(start + needle.count)].elementsEqual(needle) { return start..<(start + needle.count) }
                start += 1
            }
            return nil
        }
    }

    /// One scripted answer.
    public struct Response: Sendable, Hashable {
        /// Whether an answer with `status` has no body in HTTP (RFC 9110 §15.3.5, §15.3.6, §15.4.5):
        /// those that end at their head (1xx, 204, 304; a body sent anyway is read as the start
        /// of the next answer on the connection), and 205.
        public static func forbidsBody(_ status: Int) -> Bool {
            // A 205 must not carry content either, but is framed by its headers (RFC 9112 §6.3), so
            // a client still reads its `Content-Length: 0`: it is no exception to the rule clients frame by.
            !HTTPResponseStatus(statusCode: status).mayHaveResponseBody || status == 205
        }

        /// Default: 200.
        public var status: Int
        /// Sent as given, in order (a name may repeat).
        public var headers: [HeaderField]
        public var body: Body
        /// Wait before sending the status line and headers. Default: none.
        public var delay: Duration?
        /// After the head, send the body a few bytes at a time. Default: all at once.
        public var drip: Drip?
        /// Close the connection with a TCP reset after reading the request (after `delay`),
        /// without sending any response. Default: false.
        public var reset: Bool
        /// How many consecutive requests this response answers before the next one is used. Default: 1.
        public var times: Int

        public init(
            status: Int = 200, headers: [HeaderField] = [], body: Body = .empty, delay: Duration? = nil,
            drip: Drip? = nil, reset: Bool = false, times: Int = 1
        ) {
            self.status = status
            self.headers = headers
            self.body = body
            self.delay = delay
            self.drip = drip
            self.reset = reset
            self.times = max(1, times)
        }
    }

    public enum Body: Sendable, Hashable {
        case empty
        case text(String)
        case bytes([UInt8])
        /// `count` bytes of ASCII filler, generated while streaming (never held in memory).
        case filler(count: Int)
        /// A valid gzip stream (sent with `Content-Encoding: gzip`) that inflates to `expandsTo`
        /// zero bytes, at about 1:160; generated while streaming.
        case gzipBomb(expandsTo: Int)

        /// Bytes on the wire, when known up front.
        var wireLength: Int? {
            switch self {
            case .empty: 0
            case .text(let text): text.utf8.count
            case .bytes(let bytes): bytes.count
            case .filler(let count): count
            case .gzipBomb: nil
            }
        }
    }

    /// Sends `bytes` bytes, waits `every`, and so on until the body is sent.
    public struct Drip: Sendable, Hashable {
        /// Bytes per step. Default: 1.
        public var bytes: Int
        /// Wait before each step. Default: 1 s.
        public var every: Duration

        public init(bytes: Int = 1, every: Duration = .seconds(1)) {
            self.bytes = max(1, bytes)
            self.every = every
        }
    }
}

/// A script file that could not be read: where (line and column, and the rule and field, such
/// as `rules[1].responses[0].delay`) and what is wrong.
///
/// Printed as the workspace's files are: `faults.yaml:7:16: error: rules[1].responses[0].delay:
/// `soon` is not a duration like 20s`, then the line and a caret (``rendered``).
public struct ReceiverScriptError: Error, Sendable, CustomStringConvertible {
    /// The rule and field at fault (`rules[1].responses[0].delay`); empty for the file as a whole
    /// or its YAML syntax.
    public var location: String
    public var message: String
    /// The file, as given (`faults.yaml`); `script` for text parsed alone.
    public var path: String
    /// Where the problem is in the file (1-based, columns in Characters); nil when no one place
    /// is (the file cannot be read).
    public var position: SourceLocation?
    /// A suggestion, such as how to write the value.
    public var hint: String?
    /// The file's text, to show the offending line.
    var source: String?

    public init(location: String, message: String, path: String = "script", position: SourceLocation? = nil) {
        self.location = location
        self.message = message
        self.path = path
        self.position = position
    }

    init(location: String, message: String, path: String, position: SourceLocation?, source: String) {
        self.init(location: location, message: message, path: path, position: position)
        self.source = source
    }

    /// A problem the YAML reader reported (syntax, aliases, a key given twice).
    init(_ diagnostic: Diagnostic, source: String) {
        self.init(
            location: "", message: diagnostic.message, path: diagnostic.path,
            position: SourceLocation(line: diagnostic.line, column: diagnostic.column), source: source)
        hint = diagnostic.hint
    }

    /// Begins the message of a field the format does not have (`stauts`).
    static let unknownField = "unknown field"

    var isUnknownField: Bool { message.hasPrefix(Self.unknownField) }

    /// This error about the file at `path`.
    func naming(_ path: String) -> ReceiverScriptError {
        var named = self
        named.path = path
        return named
    }

    /// `path:line:col: error: location: message`, as compilers print; `path: …` with no position.
    public var diagnostic: Diagnostic {
        Diagnostic(
            path: path, line: position?.line ?? 0, column: position?.column ?? 0,
            message: location.isEmpty ? message : "\(location): \(message)", hint: hint)
    }

    /// The diagnostic, then the offending line of the file and a caret under the column.
    public var rendered: String {
        guard position != nil else { return "\(path): error: \(diagnostic.message)" }
        return diagnostic.rendered(source: source)
    }

    public var description: String { location.isEmpty ? message : "\(location): \(message)" }
}
