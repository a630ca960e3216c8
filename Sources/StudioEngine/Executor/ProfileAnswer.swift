import StudioModel

/// What an Update User Profile call answered, read as the JSON object merged into the profile.
enum ProfileAnswer {
    /// An answer that cannot be merged, and why: the step takes its error path instead of
    /// passing with the profile unchanged, which hid an enrichment that never happened.
    struct Unreadable: Error, CustomStringConvertible {
        var description: String
    }

    /// The error class of an attempt whose answer came (a 2xx) but cannot be merged: the
    /// attempt fails with it, its status and answer kept (``refusal(of:)``).
    static let unmergeableErrorClass = "profile_answer"

    /// The outcome of an attempt whose 2xx `answer` cannot be merged (``object(in:)``), which
    /// says why; nil when it can.
    static func refusal(of answer: ReceivedAnswer) -> AttemptOutcome? {
        do {
            _ = try object(in: answer)
            return nil
        } catch {
            return .failed(errorClass: unmergeableErrorClass, message: "the answer cannot be merged into the profile: \(error)")
        }
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

    /// `answer` without the fields, at any depth (in nested objects and in objects inside
    /// arrays), whose name no template can read and the ingest API and imports refuse
    /// (``isReadableFieldName(_:)``: empty, a control character, a `.`); and where those left out
    /// were (`prefs.a.b`, `items[0].`).
    static func withoutUnreadableNames(_ answer: JSONObject) -> (answer: JSONObject, leftOut: [String]) {
        var leftOut: [String] = []
        func clean(_ object: JSONObject, under prefix: String) -> JSONObject {
            var cleaned = object
            for (key, value) in object.pairs {
                if !isReadableFieldName(key) {
                    cleaned[key] = nil
                    leftOut.append(prefix + (key.isEmpty ? #""""# : key.showingControlCharacters))
                } else {
                    cleaned[key] = clean(value, under: prefix + key)
                }
            }
            return cleaned
        }
        func clean(_ value: JSONValue, under path: String) -> JSONValue {
            switch value {
            case .object(let nested): .object(clean(nested, under: path + "."))
            case .array(let items): .array(items.enumerated().map { clean($1, under: "\(path)[\($0)]") })
            default: value
            }
        }
        return (clean(answer, under: ""), leftOut)
    }
}
