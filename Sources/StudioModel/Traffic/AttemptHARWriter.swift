/// An HTTP Archive written as it is made, a page of attempts at a time: HAR is one JSON document,
/// and building it whole held every exported attempt at once. The text is
/// ``AttemptHAR/document(for:creatorVersion:reasonPhrase:decodedContent:)``'s, pretty-printed,
/// followed by a line break.
///
/// ```swift
/// var writer = AttemptHARWriter(creatorVersion: "1.0", reasonPhrase: AttemptRecord.reasonPhrase(of:)) {
///     print($0, terminator: "")
/// }
/// writer.add(page)
/// writer.finish()
/// ```
public struct AttemptHARWriter {
    private let reasonPhrase: (Int) -> String
    private let decodedContent: ((AttemptRecord) -> DecodedResponseContent?)?
    private let write: (String) -> Void
    /// The entries written so far.
    public private(set) var entryCount = 0

    /// Writes the archive's start. The parameters are those of
    /// ``AttemptHAR/document(for:creatorVersion:reasonPhrase:decodedContent:)``.
    public init(
        creatorVersion: String, reasonPhrase: @escaping (Int) -> String,
        decodedContent: ((AttemptRecord) -> DecodedResponseContent?)? = nil, write: @escaping (String) -> Void
    ) {
        self.reasonPhrase = reasonPhrase
        self.decodedContent = decodedContent
        self.write = write
        let creator: JSONValue = ["name": "Hookline", "version": .string(creatorVersion)]
        write("{\n  \"log\": {\n    \"version\": \"1.2\",\n    \"creator\": \(creator.prettyJSONText(nestedAt: 2)),\n    \"entries\": [")
    }

    /// Writes an entry for each record, in order.
    public mutating func add(_ records: [AttemptRecord]) {
        for record in records {
            let entry = AttemptHAR.entry(record, reasonPhrase: reasonPhrase, decoded: decodedContent?(record))
            write((entryCount == 0 ? "\n      " : ",\n      ") + entry.prettyJSONText(nestedAt: 3))
            entryCount += 1
        }
    }

    /// Writes the archive's end.
    public func finish() {
        write((entryCount == 0 ? "]" : "\n    ]") + "\n  }\n}\n")
    }
}
