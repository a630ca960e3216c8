import Foundation
import StudioModel

/// The traffic pane's filter, typed after `/` (DESIGN §8): space-separated terms that must all
/// match. `status:5xx`, `status:503`, `status:err` (every attempt that did not succeed, as the
/// header's "% err" counts them and `hookline logs --status failed` selects them), `status:ok`,
/// `status:none` (no answer at all), `method:POST`, `host:lob`, `user:ada`,
/// `webhook:lob-letter`, `workflow:welcome`, `id:msg_…`, `re:<regex>` on the line's search text
/// (``line(_:)``), or plain text found anywhere in it; `!` in front inverts a term.
public struct TrafficFilter: Sendable, Equatable {
    public enum Term: Sendable, Equatable {
        case status(Int)
        case statusClass(Int)
        case noResponse
        /// Succeeded (`true`) or not.
        case succeeded(Bool)
        case field(Field, String)
        case text(String)
        case regex(String)
    }

    public enum Field: String, Sendable, CaseIterable {
        case method, host, user, webhook, workflow, id
    }

    public struct Clause: Sendable, Equatable {
        public var term: Term
        public var negated: Bool
    }

    /// What the user typed.
    public let text: String
    public let clauses: [Clause]
    /// Compiled once; NSRegularExpression is immutable and Sendable.
    private let regexes: [NSRegularExpression?]

    /// Parses `text`.
    /// - Throws: ``ParseError`` naming the term that is not understood.
    public init(_ text: String) throws(ParseError) {
        var clauses: [Clause] = []
        var regexes: [NSRegularExpression?] = []
        for word in text.split(whereSeparator: \.isWhitespace).map(String.init) {
            var body = Substring(word)
            let negated = body.hasPrefix("!")
            if negated { body = body.dropFirst() }
            guard !body.isEmpty else { throw ParseError(message: "'!' needs a term after it") }
            let term = try Self.term(String(body))
            if case .regex(let pattern) = term {
                guard let regex = try? NSRegularExpression(pattern: pattern, options: [.caseInsensitive]) else {
                    throw ParseError(message: "'\(pattern)' is not a valid regular expression")
                }
                regexes.append(regex)
            } else {
                regexes.append(nil)
            }
            clauses.append(Clause(term: term, negated: negated))
        }
        self.text = text
        self.clauses = clauses
        self.regexes = regexes
    }

    public struct ParseError: Error, Sendable, Equatable, CustomStringConvertible {
        public var message: String
        public var description: String { message }
    }

    private static func term(_ word: String) throws(ParseError) -> Term {
        guard let colon = word.firstIndex(of: ":") else { return .text(word.lowercased()) }
        let key = word[..<colon].lowercased()
        let value = String(word[word.index(after: colon)...])
        guard !value.isEmpty else { throw ParseError(message: "'\(key):' needs a value") }
        switch key {
        case "status":
            let lower = value.lowercased()
            if lower == "err" || lower == "error" || lower == "failed" { return .succeeded(false) }
            if lower == "ok" { return .succeeded(true) }
            if lower == "none" { return .noResponse }
            if lower.count == 3, lower.hasSuffix("xx"), let digit = Int(lower.prefix(1)), (1...5).contains(digit) {
                return .statusClass(digit)
            }
            if let status = Int(lower), (100...599).contains(status) { return .status(status) }
            throw ParseError(message: "status:\(value) is not a status; try status:503, status:5xx, status:err, status:ok or status:none")
        case "re": return .regex(value)
        default:
            guard let field = Field(rawValue: key) else {
                let keys = (["status", "re"] + Field.allCases.map(\.rawValue)).joined(separator: ", ")
                throw ParseError(message: "unknown filter '\(key):'; use one of \(keys)")
            }
            return .field(field, value.lowercased())
        }
    }

    /// Whether `record` passes every term.
    public func matches(_ record: AttemptRecord) -> Bool {
        for (index, clause) in clauses.enumerated() where matches(clause.term, regexes[index], record) == clause.negated {
            return false
        }
        return true
    }

    private func matches(_ term: Term, _ regex: NSRegularExpression?, _ record: AttemptRecord) -> Bool {
        switch term {
        case .status(let status): return record.status == status
        case .statusClass(let digit): return record.status.map { $0 / 100 == digit } ?? false
        case .noResponse: return record.status == nil
        case .succeeded(let succeeded): return record.outcome.isSuccess == succeeded
        case .field(let field, let value):
            let haystack: String? =
                switch field {
                case .method: record.method
                case .host: Self.hostAndPort(of: record.url)
                case .user: record.userEmail
                case .webhook: record.webhookID
                case .workflow: record.workflowID
                case .id: record.deliveryID
                }
            return haystack?.lowercased().contains(value) ?? false
        case .text(let value): return Self.line(record).lowercased().contains(value)
        case .regex:
            guard let regex else { return false }
            let line = Self.line(record)
            return regex.firstMatch(in: line, range: NSRange(line.startIndex..., in: line)) != nil
        }
    }

    /// The host of `url` with its port, as the pane's rows show it (`127.0.0.1:18080`,
    /// `[::1]:8080`), the user info left out: `host:` matches what the user sees, the port too.
    static func hostAndPort(of url: String) -> String {
        guard let scheme = url.range(of: "://") else { return url }
        let authority = url[scheme.upperBound...].prefix { $0 != "/" && $0 != "?" && $0 != "#" }
        return String(authority.lastIndex(of: "@").map { authority[authority.index(after: $0)...] } ?? authority)
    }

    /// What plain text and regexes search, one space apart: method, status (`ERR` without an
    /// answer), URL, user, delivery id, webhook, workflow, then the error class and message:
    /// `POST 503 https://api.lob.com/v1/letters ada@example.com msg_01… lob-letter welcome`.
    static func line(_ record: AttemptRecord) -> String {
        var parts = [record.method, record.status.map(String.init) ?? "ERR", record.url, record.userEmail ?? "",
                     record.deliveryID, record.webhookID ?? "", record.workflowID ?? ""]
        if case .failed(let errorClass, let message) = record.outcome { parts += [errorClass, message] }
        return parts.joined(separator: " ")
    }

    public static func == (lhs: TrafficFilter, rhs: TrafficFilter) -> Bool { lhs.text == rhs.text }
}
