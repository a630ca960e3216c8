import Foundation
import StudioModel
import SwiftCSV

/// Reads user profiles for `hookline users import`: CSV with a header row, or JSON Lines, each
/// user identified by `email`.
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
            /// `line 3` (JSON Lines), `row 2` (CSV data rows, after the header) or `header`.
            public var location: String
            public var message: String
        }

        public var problems: [Problem]

        public var description: String {
            let shown = problems.prefix(20).map { "\($0.location): \($0.message)" }
            let more = problems.count > 20 ? ["… and \(problems.count - 20) more"] : []
            return (shown + more).joined(separator: "\n")
        }
    }

    public static func profiles(from text: String, format: Format) throws(ImportError) -> [JSONObject] {
        switch format {
        case .csv: try csvProfiles(text)
        case .jsonl: try jsonLinesProfiles(text)
        }
    }

    // MARK: - CSV

    private static func csvProfiles(_ text: String) throws(ImportError) -> [JSONObject] {
        let csv: CSV<Enumerated>
        do {
            csv = try CSV<Enumerated>(string: text, loadColumns: false)
        } catch {
            throw ImportError(problems: [.init(location: "file", message: "not readable as CSV: \(error)")])
        }
        let header = csv.header.map { $0.trimmingCharacters(in: .whitespaces) }
        guard let emailColumn = header.firstIndex(where: { $0.lowercased() == "email" }) else {
            throw ImportError(problems: [.init(location: "header", message: "no 'email' column in \(header)")])
        }
        var profiles: [JSONObject] = []
        var problems: [ImportError.Problem] = []
        for (index, row) in csv.rows.enumerated() {
            if row.allSatisfy({ $0.trimmingCharacters(in: .whitespaces).isEmpty }) { continue }
            let email = emailColumn < row.count ? row[emailColumn].trimmingCharacters(in: .whitespaces) : ""
            guard EmailAddress.isPlausible(email) else {
                problems.append(.init(location: "row \(index + 1)", message: "'\(email)' is not an email address"))
                continue
            }
            var profile = JSONObject([("email", .string(email))])
            for (column, name) in header.enumerated() where column != emailColumn && column < row.count && !name.isEmpty {
                let cell = row[column]
                guard !cell.isEmpty else { continue }
                setField(name, to: typed(cell), in: &profile)
            }
            profiles.append(profile)
        }
        guard problems.isEmpty else { throw ImportError(problems: problems) }
        return profiles
    }

    /// A cell as the JSON value it stands for.
    static func typed(_ cell: String) -> JSONValue {
        switch cell.lowercased() {
        case "true": return .bool(true)
        case "false": return .bool(false)
        default: break
        }
        let digits = cell.hasPrefix("-") ? cell.dropFirst() : Substring(cell)
        // A leading zero (a zip code, a phone number) keeps the text as written.
        let leadingZero = digits.count > 1 && digits.hasPrefix("0") && !digits.hasPrefix("0.")
        if !leadingZero, !digits.isEmpty, digits.allSatisfy(\.isASCII) {
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

    private static func jsonLinesProfiles(_ text: String) throws(ImportError) -> [JSONObject] {
        var profiles: [JSONObject] = []
        var problems: [ImportError.Problem] = []
        for (index, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let trimmed = line.trimmingCharacters(in: .whitespacesAndNewlines)
            guard !trimmed.isEmpty else { continue }
            let location = "line \(index + 1)"
            guard let value = try? JSONValue.parse(trimmed) else {
                problems.append(.init(location: location, message: "not valid JSON"))
                continue
            }
            guard let object = value.objectValue else {
                problems.append(.init(location: location, message: "expected a JSON object"))
                continue
            }
            guard let email = object["email"]?.stringValue else {
                problems.append(.init(location: location, message: "no 'email' string"))
                continue
            }
            guard EmailAddress.isPlausible(email) else {
                problems.append(.init(location: location, message: "'\(email)' is not an email address"))
                continue
            }
            profiles.append(object)
        }
        guard problems.isEmpty else { throw ImportError(problems: problems) }
        return profiles
    }
}
