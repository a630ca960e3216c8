import Foundation
import StudioModel
import SwiftCSV

/// Reads user profiles for `hookline users import`: CSV with a header row, or JSON Lines, each
/// user identified by `email`, lowercased as Iterable stores it.
///
/// CSV values are typed the way a marketer means them: `36` is a number, `19.99` a decimal,
/// `true`/`false` booleans, `0150` (a leading zero) stays text, and an empty cell is left out. A
/// header such as `address.city` fills a nested object.
///
/// ```swift
/// let profiles = try UserImporter.profiles(from: text, format: .csv)
/// ```
public enum UserImporter {
    public enum Format: String, Sendable, CaseIterable {
        case csv, jsonl

        /// The format a file name says: `.csv`/`.tsv` or `.jsonl`/`.ndjson`; nil otherwise.
        public init?(path: String) {
            switch (path as NSString).pathExtension.lowercased() {
            case "csv", "tsv": self = .csv
            case "jsonl", "ndjson": self = .jsonl
            default: return nil
            }
        }
    }

    /// What is wrong with the input, by row or line; nothing is imported when there is any.
    public struct ImportError: Error, Sendable, CustomStringConvertible {
        public struct Problem: Sendable, Hashable {
            /// The 1-based line of the file the problem is on (a CSV row's first line); nil for the whole file.
            public var line: Int?
            /// The 1-based Character column, where the problem is at one place on the line (JSON that does not parse).
            public var column: Int?
            public var message: String

            public init(line: Int?, column: Int? = nil, message: String) {
                self.line = line
                self.column = column
                self.message = message
            }

            /// `3:` or `3:17:`, as compilers write where; empty for the whole file.
            var location: String {
                guard let line else { return "" }
                return column.map { "\(line):\($0):" } ?? "\(line):"
            }
        }

        public var problems: [Problem]

        public init(problems: [Problem]) {
            self.problems = problems
        }

        /// One problem a line: `line 3: message`, `line 3:17: message`.
        public var description: String {
            shown { problem in problem.line == nil ? problem.message : "line \(problem.location) \(problem.message)" }
                .joined(separator: "\n")
        }

        /// The lines to print for `file`, compiler style: `users.csv:3: error: message` (`users.jsonl:3:17:` where
        /// a column is known), at most 20 and a count of the rest.
        public func report(file: String) -> [String] {
            shown { problem in "\(file):\(problem.location) error: \(problem.message)" }
        }

        private func shown(_ line: (Problem) -> String) -> [String] {
            problems.prefix(20).map(line) + (problems.count > 20 ? ["… and \(problems.count - 20) more"] : [])
        }
    }

    /// One user's profile as the file gives it, with the 1-based line it starts on.
    public struct Row: Sendable, Equatable {
        public var line: Int
        public var profile: JSONObject
        /// The text of the CSV cells read as a number or a boolean, by top-level field: stored as
        /// written when the field keeps the type string (a zip code column of `0150` and `12345`).
        public var cellTexts: [String: String]

        public init(line: Int, profile: JSONObject, cellTexts: [String: String] = [:]) {
            self.line = line
            self.profile = profile
            self.cellTexts = cellTexts
        }
    }

    public static func profiles(from text: String, format: Format) throws(ImportError) -> [JSONObject] {
        try rows(from: text, format: format).map(\.profile)
    }

    /// The profiles of the file, in order, each with its line.
    public static func rows(from text: String, format: Format) throws(ImportError) -> [Row] {
        switch format {
        case .csv: try csvProfiles(text)
        case .jsonl: try jsonLinesProfiles(text)
        }
    }

    // MARK: - CSV

    private static func csvProfiles(_ text: String) throws(ImportError) -> [Row] {
        let delimiter = CSVDelimiter.guessed(string: text)
        // SwiftCSV takes an unclosed quote as a field running to the end of the file, so quotes are checked first.
        if let problem = quoteProblem(in: text, delimiter: delimiter.rawValue) { throw ImportError(problems: [problem]) }
        var rawHeader: [String] = []
        var rows: [[String]] = []
        do {
            // Rows are read unpadded (a limit of 0 on the view, then enumerateAsArray) so that extra fields show.
            let csv = try CSV<Enumerated>(string: text, delimiter: delimiter, loadColumns: false, rowLimit: 0)
            rawHeader = csv.header
            try csv.enumerateAsArray(startAt: 1, rowLimit: nil) { rows.append($0) }
        } catch {
            throw ImportError(problems: [.init(line: nil, message: "not readable as CSV: \(error)")])
        }
        let header = rawHeader.map { $0.trimmingCharacters(in: .whitespaces) }
        guard let emailColumn = header.firstIndex(where: { $0.lowercased() == "email" }) else {
            throw ImportError(problems: [.init(line: 1, message: "no 'email' column in \(header)")])
        }
        let headerProblems = headerProblems(header)
        guard headerProblems.isEmpty else { throw ImportError(problems: headerProblems) }

        let textColumns = textColumns(header: header, rows: rows)
        var profiles: [Row] = []
        var problems: [ImportError.Problem] = []
        var line = 1 + lineBreaks(in: rawHeader) + 1
        for row in rows {
            let rowLine = line
            line += lineBreaks(in: row) + 1
            if row.allSatisfy({ $0.trimmingCharacters(in: .whitespaces).isEmpty }) { continue }
            // Trailing empty fields (`ada@x.com,Ada,` from a spreadsheet) are no data; others are.
            guard row.count <= header.count || row[header.count...].allSatisfy({ $0.trimmingCharacters(in: .whitespaces).isEmpty }) else {
                problems.append(.init(line: rowLine, message: "\(row.count) fields, but the header has \(header.count)"))
                continue
            }
            let email = emailColumn < row.count ? row[emailColumn].trimmingCharacters(in: .whitespaces) : ""
            if let refusal = EmailAddress.refusal(of: email) {
                problems.append(.init(line: rowLine, message: refusal))
                continue
            }
            var profile = JSONObject([("email", .string(EmailAddress.normalized(email)))])
            var cellTexts: [String: String] = [:]
            for (column, name) in header.enumerated() where column != emailColumn && column < row.count && !name.isEmpty {
                let cell = row[column]
                guard !cell.isEmpty else { continue }
                let value = textColumns.contains(column) ? .string(cell) : typed(cell)
                if value.stringValue == nil, !name.contains(".") { cellTexts[name] = cell }
                setField(name, to: value, in: &profile)
            }
            profiles.append(Row(line: rowLine, profile: profile, cellTexts: cellTexts))
        }
        guard problems.isEmpty else { throw ImportError(problems: problems) }
        return profiles
    }

    /// Line breaks inside a row's quoted fields: a row starts that many lines after the previous one, plus one.
    private static func lineBreaks(in fields: [String]) -> Int {
        fields.reduce(0) { count, field in count + field.reduce(0) { $1.isNewline ? $0 + 1 : $0 } }
    }

    /// Header names that cannot be imported: a path with an empty or unprintable name on it
    /// (``fieldPathProblem(_:)``), a reserved field (``ProfileMerge/reservedFields``), or names
    /// that would fill the same field twice: a name given twice (`email,email`), or a scalar and
    /// a nested path under it (`address` and `address.city`), where one would overwrite the other.
    private static func headerProblems(_ header: [String]) -> [ImportError.Problem] {
        var problems: [ImportError.Problem] = []
        var distinct: [[String]] = []
        for given in header where !given.isEmpty {
            if let problem = fieldPathProblem(given) {
                problems.append(.init(line: 1, message: problem))
                continue
            }
            // The email column is found whatever its case, so `email` and `Email` are the same column.
            let path = given.lowercased() == "email" ? ["email"] : given.split(separator: ".").map(String.init)
            let name = path.joined(separator: ".")
            if let field = path.first, field != "email", ProfileMerge.reservedFields.contains(field) {
                problems.append(.init(
                    line: 1,
                    message: "the column '\(name)' is a reserved field (\(ProfileMerge.whyReserved(field))) and cannot be imported; "
                        + "remove or rename it"))
                continue
            }
            if distinct.contains(path) {
                problems.append(.init(line: 1, message: "the column '\(name)' is there twice"))
                continue
            }
            for other in distinct where other.count != path.count {
                let (short, long) = other.count < path.count ? (other, path) : (path, other)
                guard Array(long.prefix(short.count)) == short else { continue }
                let scalar = short.joined(separator: ".")
                problems.append(.init(
                    line: 1,
                    message: "the columns '\(scalar)' and '\(long.joined(separator: "."))' conflict: "
                        + "'\(scalar)' cannot be a value and hold a nested field"))
            }
            distinct.append(path)
        }
        return problems
    }

    /// The first quoting mistake, with the line to look at; nil when every quote is paired as RFC 4180
    /// asks (a quoted field closes before the next delimiter or line break; `""` is a quote inside one).
    ///
    /// Walks the text the way SwiftCSV's parser does (whitespace before a field and after a closing
    /// quote is skipped, `""` inside an unquoted field is one quote), so a text that passes parses the same.
    static func quoteProblem(in text: String, delimiter: Character) -> ImportError.Problem? {
        enum State {
            case fieldStart, unquoted, quoteInUnquoted
            case quoted(openedAt: Int), quoteInQuoted(openedAt: Int), afterClosingQuote(openedAt: Int)
        }
        var state = State.fieldStart
        var line = 1
        for character in text {
            switch state {
            case .fieldStart:
                if character == "\"" {
                    state = .quoted(openedAt: line)
                } else if character == delimiter || character.isNewline || character.isWhitespace {
                    break
                } else {
                    state = .unquoted
                }
            case .unquoted:
                if character == "\"" {
                    state = .quoteInUnquoted
                } else if character == delimiter || character.isNewline {
                    state = .fieldStart
                }
            case .quoteInUnquoted:
                guard character == "\"" else {
                    return .init(line: line, message: "a quote inside an unquoted field; quote the whole field and write the quote as \"\"")
                }
                state = .unquoted
            case .quoted(let openedAt):
                if character == "\"" { state = .quoteInQuoted(openedAt: openedAt) }
            case .quoteInQuoted(let openedAt), .afterClosingQuote(let openedAt):
                if character == "\"", case .quoteInQuoted = state {
                    state = .quoted(openedAt: openedAt)
                } else if character == delimiter || character.isNewline {
                    state = .fieldStart
                } else if character.isWhitespace {
                    state = .afterClosingQuote(openedAt: openedAt)
                } else if openedAt == line {
                    return .init(line: line, message: "text after a quoted field's closing quote; write a quote inside a quoted field as \"\"")
                } else {
                    // A quote on a later line "closed" it, and text follows: the opening quote was never closed.
                    return .init(line: openedAt, message: "the quoted field that opens here is not closed")
                }
            }
            if character.isNewline { line += 1 }
        }
        if case .quoted(let openedAt) = state {
            return .init(line: openedAt, message: "the quoted field that opens here is not closed")
        }
        return nil
    }

    /// A cell as the JSON value it stands for.
    /// The columns imported as text in every row: a column with a number written with a leading
    /// zero (`0150`, a zip code), which a number would drop, and a nested column (`address.zip`)
    /// whose cells read as values of different kinds (``typed(_:)``), so that one field does not
    /// hold a string for one user and a number for the next. Another top-level column keeps the
    /// type the project gives it (``Row/cellTexts``), and a cell of another kind is refused; so
    /// is `0150` in a field the project has as a number, rather than stored as `150`.
    private static func textColumns(header: [String], rows: [[String]]) -> Set<Int> {
        var kinds: [Int: Set<ProfileMerge.FieldType>] = [:]
        var leadingZeros: Set<Int> = []
        for row in rows {
            for column in header.indices where column < row.count && !row[column].isEmpty {
                if hasLeadingZero(row[column]) { leadingZeros.insert(column) }
                guard header[column].contains("."), let kind = ProfileMerge.FieldType(of: typed(row[column])) else { continue }
                kinds[column, default: []].insert(kind)
            }
        }
        return leadingZeros.union(kinds.filter { $0.value.count > 1 }.keys)
    }

    /// `0150`, `-07`: digits with a zero in front that a number would drop; not `0` or `0.5`.
    private static func hasLeadingZero(_ cell: String) -> Bool {
        let digits = cell.hasPrefix("-") ? cell.dropFirst() : Substring(cell)
        return digits.count > 1 && digits.hasPrefix("0") && !digits.hasPrefix("0.")
            && digits.allSatisfy { $0.isASCII && ($0.isNumber || $0 == ".") }
    }

    static func typed(_ cell: String) -> JSONValue {
        switch cell.lowercased() {
        case "true": return .bool(true)
        case "false": return .bool(false)
        default: break
        }
        let digits = cell.hasPrefix("-") ? cell.dropFirst() : Substring(cell)
        // A leading zero (a zip code, a phone number) keeps the text as written.
        if !hasLeadingZero(cell), !digits.isEmpty, digits.allSatisfy(\.isASCII) {
            if digits.allSatisfy(\.isNumber), let value = Int(cell) { return .int(value) }
            if digits.allSatisfy({ $0.isNumber || $0 == "." }), digits.filter({ $0 == "." }).count == 1,
                !digits.hasPrefix("."), !digits.hasSuffix("."), let value = Double(cell)
            {
                return .double(value)
            }
        }
        return .string(cell)
    }

    // MARK: - JSON Lines

    private static func jsonLinesProfiles(_ text: String) throws(ImportError) -> [Row] {
        var profiles: [Row] = []
        var problems: [ImportError.Problem] = []
        // `\r\n` is one Character, so it is a separator of its own; U+2028 and the like are not
        // line breaks here, since JSON strings may hold them unescaped.
        for (index, line) in text.split(omittingEmptySubsequences: false, whereSeparator: { $0 == "\n" || $0 == "\r\n" })
            .enumerated()
        {
            let trimmed = line.trimmingCharacters(in: .whitespacesAndNewlines)
            guard !trimmed.isEmpty else { continue }
            let lineNumber = index + 1
            let value: JSONValue
            do {
                value = try JSONValue.parse(trimmed, refusingLoneSurrogates: true)
            } catch {
                let leadingSpace = line.prefix { $0.isWhitespace }.count
                problems.append(.init(line: lineNumber, column: leadingSpace + error.column, message: "not valid JSON: \(error.message)"))
                continue
            }
            guard let object = value.objectValue else {
                problems.append(.init(line: lineNumber, message: "expected a JSON object"))
                continue
            }
            guard let email = object["email"]?.stringValue else {
                problems.append(.init(line: lineNumber, message: "no 'email' string"))
                continue
            }
            if let refusal = EmailAddress.refusal(of: email) {
                problems.append(.init(line: lineNumber, message: refusal))
                continue
            }
            if let problem = fieldNameProblem(in: object) {
                problems.append(.init(line: lineNumber, message: problem))
                continue
            }
            if let reserved = object.keys.first(where: { $0 != "email" && ProfileMerge.reservedFields.contains($0) }) {
                problems.append(.init(
                    line: lineNumber,
                    message: "field '\(reserved)' is reserved (\(ProfileMerge.whyReserved(reserved))) and cannot be imported"))
                continue
            }
            var profile = object
            profile["email"] = .string(EmailAddress.normalized(email))
            profiles.append(Row(line: lineNumber, profile: profile))
        }
        guard problems.isEmpty else { throw ImportError(problems: problems) }
        return profiles
    }
}
