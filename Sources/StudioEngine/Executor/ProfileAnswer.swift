import StudioModel

/// What an Update User Profile call answered, read as the JSON object merged into the profile.
enum ProfileAnswer {
    /// An answer that cannot be merged, and why: the step takes its error path instead of
    /// passing with the profile unchanged, which hid an enrichment that never happened.
    struct Unreadable: Error, CustomStringConvertible {
        var description: String
    }

    /// The object `answer` holds; nil for an empty answer (the partner knows nothing of the
    /// user, as a 204 says), which leaves the profile as it is.
    /// - Throws: ``Unreadable`` when the answer is not a whole JSON object: content-encoded
    ///   (hookline asks for no coding and decodes none), cut at the 64 KiB kept, not UTF-8, not
    ///   JSON, or JSON of another kind.
    static func object(in answer: ReceivedAnswer) throws(Unreadable) -> JSONObject? {
        let coding = answer.header("content-encoding").map { $0.trimmingCharacters(in: .whitespaces) } ?? ""
        guard coding.isEmpty || coding.lowercased() == "identity" else {
            throw Unreadable(description: "the answer is \(coding)-encoded, which hookline does not decode")
        }
        guard !answer.truncated else {
            throw Unreadable(description: "the answer is longer than the 64 KiB kept of it, or it ended early")
        }
        guard let text = String(validating: answer.body, as: UTF8.self) else {
            throw Unreadable(description: "the answer is not UTF-8 text")
        }
        guard text.contains(where: { !$0.isWhitespace }) else { return nil }
        let value: JSONValue
        do { value = try JSONValue.parse(text) } catch {
            throw Unreadable(description: "the answer is not JSON: \(error)")
        }
        guard let object = value.objectValue else { throw Unreadable(description: "the answer is JSON but not an object") }
        return object
    }

    /// `answer` without the nested fields whose name holds a `.`, which a template cannot reach
    /// (it reads a `.` as a path) and the ingest API and imports refuse; and the paths of those
    /// left out (`prefs.a.b`). The top-level ones the merge skips itself (``ProfileMerge/isMerged(_:)``).
    static func withoutDottedNestedNames(_ answer: JSONObject) -> (answer: JSONObject, leftOut: [String]) {
        var leftOut: [String] = []
        func clean(_ object: JSONObject, under prefix: String) -> JSONObject {
            var cleaned = object
            for (key, value) in object.pairs {
                if !prefix.isEmpty, key.contains(".") {
                    cleaned[key] = nil
                    leftOut.append(prefix + key)
                } else if case .object(let nested) = value {
                    cleaned[key] = .object(clean(nested, under: prefix + key + "."))
                }
            }
            return cleaned
        }
        let cleaned = clean(answer, under: "")
        return (cleaned, leftOut)
    }
}
