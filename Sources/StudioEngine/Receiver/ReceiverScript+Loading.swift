import Foundation
import StudioModel
import Yams

extension ReceiverScript {
    /// Reads a script from a `.json` file, or YAML otherwise.
    /// - Throws: ``ReceiverScriptError`` naming the file, with the line and column of the node at
    ///   fault and the rule and field it is (`rules[1].responses[0].delay`).
    public static func load(from url: URL) throws -> ReceiverScript {
        // As given on the command line (`faults.yaml`), not made absolute: messages name it so.
        let path = url.relativePath
        let data: Data
        do {
            data = try Data(contentsOf: url)
        } catch {
            throw ReceiverScriptError(
                location: "", message: "cannot read the file (\(error.localizedDescription))", path: path)
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw ReceiverScriptError(location: "", message: "the file is not UTF-8 text", path: path)
        }
        return url.pathExtension.lowercased() == "json" ? try parse(json: text, path: path) : try parse(yaml: text, path: path)
    }

    /// Parses a YAML script (see ``ReceiverScript`` for the format).
    /// - Parameter path: The file's name in messages. Default: `script`.
    /// - Throws: ``ReceiverScriptError`` with the line and column of the node at fault.
    public static func parse(yaml: String, path: String = "script") throws -> ReceiverScript {
        // Read as the workspace files are: syntax errors placed and worded the same way.
        let file = YAMLFile(path: path, source: yaml)
        guard let root = file.composeRoot() else {
            if let problem = file.diagnostics.first {
                throw ReceiverScriptError(problem, source: yaml)
            }
            throw ReceiverScriptError(
                location: "", message: "the file is empty: a script is a mapping with a `rules` list", path: path,
                position: SourceLocation(line: 1, column: 1), source: yaml)
        }
        let nodes = ScriptNodes(root: root, file: file)
        do {
            return try YAMLDecoder().decode(ScriptFile.self, from: root).script()
        } catch let error as ReceiverScriptError {
            throw nodes.placing(error)
        } catch let error as DecodingError {
            throw nodes.placing(ReceiverScriptError(decoding: error, found: nodes.node(at:)))
        } catch {
            throw ReceiverScriptError(location: "", message: "not valid YAML: \(error)", path: path)
        }
    }

    /// Parses a JSON script: the same fields as YAML.
    /// - Parameter path: The file's name in messages. Default: `script`.
    public static func parse(json: String, path: String = "script") throws -> ReceiverScript {
        // JSON is YAML too: its nodes, when Yams reads it, place the problems the decoder finds.
        let file = YAMLFile(path: path, source: json)
        let nodes = (try? Yams.compose(yaml: json)).flatMap { $0 }.map { ScriptNodes(root: $0, file: file) }
        let decoded: ScriptFile
        do {
            decoded = try JSONDecoder().decode(ScriptFile.self, from: Data(json.utf8))
        } catch let error as ReceiverScriptError {
            throw nodes?.placing(error) ?? error.naming(path)
        } catch let error as DecodingError {
            let described = ReceiverScriptError(decoding: error) { nodes?.node(at: $0) }
            throw nodes?.placing(described) ?? described.naming(path)
        } catch {
            throw ReceiverScriptError(location: "", message: "not valid JSON: \(error)", path: path)
        }
        do {
            return try decoded.script()
        } catch let error as ReceiverScriptError {
            throw nodes?.placing(error) ?? error.naming(path)
        }
    }

    /// `20s`, `500ms`, `1.5m`, `2h`, or a bare number of seconds.
    static func parseDuration(_ text: String) -> Duration? {
        let trimmed = text.trimmingCharacters(in: .whitespaces).lowercased()
        let units: [(String, Double)] = [("ms", 0.001), ("s", 1), ("m", 60), ("h", 3600)]
        for (suffix, scale) in units where trimmed.hasSuffix(suffix) {
            let number = trimmed.dropLast(suffix.count).trimmingCharacters(in: .whitespaces)
            if let value = Double(number), value >= 0, value.isFinite, value * scale < 86_400 * 7 {
                return .milliseconds(Int64((value * scale * 1000).rounded()))
            }
        }
        if let value = Double(trimmed), value >= 0, value.isFinite, value < 86_400 * 7 {
            return .milliseconds(Int64((value * 1000).rounded()))
        }
        return nil
    }

    /// `100MB` (10^6), `64KiB` (2^10), `10GB`, `512B`, or a bare number of bytes.
    static func parseSize(_ text: String) -> Int? {
        let trimmed = text.trimmingCharacters(in: .whitespaces).lowercased()
        let units: [(String, Double)] = [
            ("kib", 1024), ("mib", 1_048_576), ("gib", 1_073_741_824), ("kb", 1e3), ("mb", 1e6), ("gb", 1e9), ("b", 1),
        ]
        for (suffix, scale) in units where trimmed.hasSuffix(suffix) {
            let number = trimmed.dropLast(suffix.count).trimmingCharacters(in: .whitespaces)
            if let value = Double(number), value >= 0, value * scale <= 1e12 { return Int(value * scale) }
        }
        if let value = Int(trimmed), value >= 0, value <= 1_000_000_000_000 { return value }
        return nil
    }
}

extension ReceiverScriptError {
    /// `error` in words: what was expected and what the file has instead (`found` gives the
    /// node at a coding path, nil when it is not known).
    init(decoding error: DecodingError, found: ([any CodingKey]) -> Node?) {
        func path(_ codingPath: [any CodingKey]) -> String {
            codingPath.reduce(into: "") { text, key in
                if let index = key.intValue { text += "[\(index)]" } else { text += (text.isEmpty ? "" : ".") + key.stringValue }
            }
        }
        func instead(_ codingPath: [any CodingKey]) -> String {
            found(codingPath).map { ", found \($0.kindDescription)" } ?? ""
        }
        switch error {
        case .keyNotFound(let key, let context):
            self.init(location: path(context.codingPath), message: "missing `\(key.stringValue)`")
        case .typeMismatch(let type, let context):
            self.init(
                location: path(context.codingPath), message: "expected \(Self.kind(of: type))\(instead(context.codingPath))")
        case .valueNotFound(let type, let context):
            self.init(location: path(context.codingPath), message: "expected \(Self.kind(of: type)), found nothing")
        case .dataCorrupted(let context):
            self.init(location: path(context.codingPath), message: context.debugDescription)
        @unknown default:
            self.init(location: "", message: "\(error)")
        }
    }

    /// How a value of `type` is named in messages: `a whole number`, `a list`.
    private static func kind(of type: Any.Type) -> String {
        switch type {
        case is Int.Type: return "a whole number"
        case is Double.Type: return "a number"
        case is Bool.Type: return "true or false"
        case is String.Type: return "text"
        default:
            // Yams names its node types (`Node.Sequence`, `Node.Mapping`); JSONDecoder Swift's.
            let name = String(describing: type)
            if name.hasSuffix("Sequence") || name.hasPrefix("Array") || name.hasPrefix("[") && !name.contains(":") {
                return "a list"
            }
            if name.hasSuffix("Mapping") || name.hasPrefix("Dictionary") || name.hasPrefix("[") { return "a mapping" }
            return "a value of another kind"
        }
    }
}

/// The nodes of a script file, to place what the decoder or the checks find at a coding path
/// or a location such as `rules[1].responses[0].delay`.
private struct ScriptNodes {
    let root: Node
    let file: YAMLFile

    /// The node at `codingPath`, or the deepest one on the way there that the file has.
    func node(at codingPath: [any CodingKey]) -> Node? {
        var node = root
        for key in codingPath {
            if let index = key.intValue, let sequence = node.sequence {
                guard index >= 0, index < sequence.count else { break }
                node = sequence[index]
            } else if let mapping = node.mapping, let entry = mapping.first(where: { $0.key.string == key.stringValue }) {
                node = entry.value
            } else {
                break
            }
        }
        return node
    }

    /// `error` with the line and column of the node its location names (its key, for a field
    /// that is not one), and the file's name and text.
    func placing(_ error: ReceiverScriptError) -> ReceiverScriptError {
        var placed = error.naming(file.path)
        placed.source = file.source
        guard placed.position == nil else { return placed }
        var keys = Self.keys(of: error.location)
        // An unknown field is pointed at by its name, as the workspace loader does.
        var atKey: String?
        if error.isUnknownField, let last = keys.popLast() { atKey = last.stringValue }
        var node = node(at: keys)
        if let atKey, let key = node?.mapping?.first(where: { $0.key.string == atKey })?.key { node = key }
        placed.position = file.location(of: node?.mark)
        return placed
    }

    /// `rules[1].responses[0].delay` as coding keys.
    private static func keys(of location: String) -> [any CodingKey] {
        location.split(separator: ".").flatMap { segment -> [any CodingKey] in
            let parts = segment.split(separator: "[")
            var keys: [any CodingKey] = parts.first.map { [ScriptKey(String($0))] } ?? []
            for part in parts.dropFirst() {
                if let index = Int(part.dropLast()) { keys.append(ScriptKey(index)) }
            }
            return keys
        }
    }
}

/// A coding key rebuilt from a location.
private struct ScriptKey: CodingKey {
    var stringValue: String
    var intValue: Int?
    init(_ string: String) { stringValue = string }
    init(_ index: Int) {
        stringValue = "\(index)"
        intValue = index
    }
    init?(stringValue: String) { self.stringValue = stringValue }
    init?(intValue: Int) { self.init(intValue) }
}

// MARK: - File format

/// A scalar that may be written as a string or a number (`delay: 20s` or `delay: 20`).
private struct Scalar: Decodable {
    var text: String

    init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if let int = try? container.decode(Int.self) {
            text = String(int)
        } else if let double = try? container.decode(Double.self) {
            text = String(double)
        } else if let bool = try? container.decode(Bool.self) {
            text = String(bool)
        } else {
            text = try container.decode(String.self)
        }
    }
}

/// A header value: one scalar, or a list for a header sent several times.
private struct HeaderValues: Decodable {
    var values: [String]

    init(from decoder: any Decoder) throws {
        if let list = try? decoder.singleValueContainer().decode([Scalar].self) {
            values = list.map(\.text)
        } else {
            values = [try decoder.singleValueContainer().decode(Scalar.self).text]
        }
    }
}

private struct AnyKey: CodingKey {
    var stringValue: String
    var intValue: Int? { nil }
    init(stringValue: String) { self.stringValue = stringValue }
    init?(intValue: Int) { nil }
}

/// A misspelt field (`bodybytes`) is an error, not silently ignored.
private func rejectUnknownKeys<Key: CodingKey & CaseIterable>(_ decoder: any Decoder, _: Key.Type) throws {
    let container = try decoder.container(keyedBy: AnyKey.self)
    let known = Set(Key.allCases.map(\.stringValue))
    for key in container.allKeys where !known.contains(key.stringValue) {
        throw DecodingError.dataCorrupted(
            .init(
                codingPath: container.codingPath + [key],
                debugDescription: ReceiverScriptError.unknownField
                    + "; expected one of \(known.sorted().joined(separator: ", "))"))
    }
}

private struct ScriptFile: Decodable {
    var rules: [RuleFile]

    enum CodingKeys: String, CodingKey, CaseIterable { case rules }

    init(from decoder: any Decoder) throws {
        try rejectUnknownKeys(decoder, CodingKeys.self)
        rules = try decoder.container(keyedBy: CodingKeys.self).decode([RuleFile].self, forKey: .rules)
    }

    func script() throws -> ReceiverScript {
        ReceiverScript(rules: try rules.enumerated().map { index, rule in try rule.rule(at: "rules[\(index)]") })
    }
}

private struct RuleFile: Decodable {
    var path: String?
    var pathPrefix: String?
    var method: String?
    var response: ResponseFile?
    var responses: [ResponseFile]?

    enum CodingKeys: String, CodingKey, CaseIterable { case path, pathPrefix, method, response, responses }

    init(from decoder: any Decoder) throws {
        try rejectUnknownKeys(decoder, CodingKeys.self)
        let container = try decoder.container(keyedBy: CodingKeys.self)
        path = try container.decodeIfPresent(String.self, forKey: .path)
        pathPrefix = try container.decodeIfPresent(String.self, forKey: .pathPrefix)
        method = try container.decodeIfPresent(String.self, forKey: .method)
        response = try container.decodeIfPresent(ResponseFile.self, forKey: .response)
        responses = try container.decodeIfPresent([ResponseFile].self, forKey: .responses)
    }

    func rule(at location: String) throws -> ReceiverScript.Rule {
        let pattern: ReceiverScript.PathPattern
        switch (path, pathPrefix) {
        case (let path?, nil): pattern = path.contains("*") ? .glob(path) : .exact(path)
        case (nil, let prefix?): pattern = .prefix(prefix)
        case (nil, nil): throw ReceiverScriptError(location: location, message: "give `path` or `pathPrefix`")
        case (.some, .some): throw ReceiverScriptError(location: location, message: "give `path` or `pathPrefix`, not both")
        }
        if let method, method.isEmpty || !method.allSatisfy({ $0.isLetter }) {
            throw ReceiverScriptError(location: "\(location).method", message: "`\(method)` is not an HTTP method")
        }
        let files: [ResponseFile]
        switch (response, responses) {
        case (let one?, nil): files = [one]
        case (nil, let many?) where !many.isEmpty: files = many
        case (nil, _): throw ReceiverScriptError(location: location, message: "give `responses` (a list) or `response`")
        case (.some, .some): throw ReceiverScriptError(location: location, message: "give `responses` or `response`, not both")
        }
        let key = response == nil ? "responses" : "response"
        let scripted = try files.enumerated().map { index, file in
            try file.response(at: response == nil ? "\(location).\(key)[\(index)]" : "\(location).\(key)")
        }
        return ReceiverScript.Rule(path: pattern, method: method, responses: scripted)
    }
}

private struct DripFile: Decodable {
    var bytes: Scalar?
    var every: Scalar?

    enum CodingKeys: String, CodingKey, CaseIterable { case bytes, every }

    init(from decoder: any Decoder) throws {
        try rejectUnknownKeys(decoder, CodingKeys.self)
        let container = try decoder.container(keyedBy: CodingKeys.self)
        bytes = try container.decodeIfPresent(Scalar.self, forKey: .bytes)
        every = try container.decodeIfPresent(Scalar.self, forKey: .every)
    }
}

private struct ResponseFile: Decodable {
    var status: Int?
    var headers: [String: HeaderValues]?
    var body: String?
    var bodyBase64: String?
    var bodyBytes: Scalar?
    var gzipBomb: Scalar?
    var delay: Scalar?
    var drip: DripFile?
    var reset: Bool?
    var times: Int?

    enum CodingKeys: String, CodingKey, CaseIterable {
        case status, headers, body, bodyBase64, bodyBytes, gzipBomb, delay, drip, reset, times
    }

    init(from decoder: any Decoder) throws {
        try rejectUnknownKeys(decoder, CodingKeys.self)
        let container = try decoder.container(keyedBy: CodingKeys.self)
        status = try container.decodeIfPresent(Int.self, forKey: .status)
        headers = try container.decodeIfPresent([String: HeaderValues].self, forKey: .headers)
        body = try container.decodeIfPresent(String.self, forKey: .body)
        bodyBase64 = try container.decodeIfPresent(String.self, forKey: .bodyBase64)
        bodyBytes = try container.decodeIfPresent(Scalar.self, forKey: .bodyBytes)
        gzipBomb = try container.decodeIfPresent(Scalar.self, forKey: .gzipBomb)
        delay = try container.decodeIfPresent(Scalar.self, forKey: .delay)
        drip = try container.decodeIfPresent(DripFile.self, forKey: .drip)
        reset = try container.decodeIfPresent(Bool.self, forKey: .reset)
        times = try container.decodeIfPresent(Int.self, forKey: .times)
    }

    func response(at location: String) throws -> ReceiverScript.Response {
        let status = status ?? 200
        guard (200...599).contains(status) else {
            throw ReceiverScriptError(
                location: "\(location).status",
                message: "\(status) is not a final HTTP status (200–599); a 1xx is never the whole answer")
        }
        let bodies = [body != nil, bodyBase64 != nil, bodyBytes != nil, gzipBomb != nil].filter { $0 }.count
        guard bodies <= 1 else {
            throw ReceiverScriptError(
                location: location, message: "give at most one of `body`, `bodyBase64`, `bodyBytes`, `gzipBomb`")
        }
        if bodies > 0, ReceiverScript.Response.forbidsBody(status) {
            throw ReceiverScriptError(
                location: location, message: "a \(status) has no body in HTTP: the next answer on the connection would be misread")
        }
        var scriptedBody = ReceiverScript.Body.empty
        if let body {
            scriptedBody = .text(body)
        } else if let bodyBase64 {
            guard let data = Data(base64Encoded: bodyBase64) else {
                throw ReceiverScriptError(location: "\(location).bodyBase64", message: "not valid base64")
            }
            scriptedBody = .bytes(Array(data))
        } else if let bodyBytes {
            guard let count = ReceiverScript.parseSize(bodyBytes.text) else {
                throw ReceiverScriptError(location: "\(location).bodyBytes", message: "`\(bodyBytes.text)` is not a size like 100MB")
            }
            scriptedBody = .filler(count: count)
        } else if let gzipBomb {
            guard let size = ReceiverScript.parseSize(gzipBomb.text), size > 0 else {
                throw ReceiverScriptError(location: "\(location).gzipBomb", message: "`\(gzipBomb.text)` is not a size like 10GB")
            }
            scriptedBody = .gzipBomb(expandsTo: size)
        }
        var scriptedDelay: Duration?
        if let delay {
            guard let parsed = ReceiverScript.parseDuration(delay.text) else {
                throw ReceiverScriptError(location: "\(location).delay", message: "`\(delay.text)` is not a duration like 20s")
            }
            scriptedDelay = parsed
        }
        var scriptedDrip: ReceiverScript.Drip?
        if let drip {
            var result = ReceiverScript.Drip()
            if let bytes = drip.bytes {
                guard let count = ReceiverScript.parseSize(bytes.text), count > 0 else {
                    throw ReceiverScriptError(location: "\(location).drip.bytes", message: "`\(bytes.text)` is not a positive size")
                }
                result.bytes = count
            }
            if let every = drip.every {
                guard let interval = ReceiverScript.parseDuration(every.text), interval > .zero else {
                    throw ReceiverScriptError(
                        location: "\(location).drip.every", message: "`\(every.text)` is not a positive duration like 1s")
                }
                result.every = interval
            }
            scriptedDrip = result
        }
        if let times, times < 1 {
            throw ReceiverScriptError(location: "\(location).times", message: "must be 1 or more")
        }
        let fields = (headers ?? [:]).sorted { $0.key < $1.key }.flatMap { name, values in
            values.values.map { HeaderField(name, $0) }
        }
        for field in fields where field.name.isEmpty || field.value.contains(where: { $0 == "\r" || $0 == "\n" }) {
            throw ReceiverScriptError(location: "\(location).headers", message: "`\(field.name)` is not a valid header")
        }
        try Self.checkFraming(fields, status: status, body: scriptedBody, at: "\(location).headers")
        return ReceiverScript.Response(
            status: status, headers: fields, body: scriptedBody, delay: scriptedDelay, drip: scriptedDrip,
            reset: reset ?? false, times: times ?? 1)
    }

    /// Refuses headers that would frame the body otherwise than it is sent, as a body on a 204
    /// is refused: the client would misread the next answer on the connection. A
    /// `Transfer-Encoding` is never taken (the receiver chooses the framing), and a
    /// `Content-Length` only as the body's length (none on a 204; any on a 304, which describes
    /// GET's answer and is sent no body).
    private static func checkFraming(
        _ fields: [HeaderField], status: Int, body: ReceiverScript.Body, at location: String
    ) throws {
        for field in fields {
            switch field.name.lowercased() {
            case "transfer-encoding":
                throw ReceiverScriptError(
                    location: "\(location).\(field.name)",
                    message: "the receiver frames the body itself: leave `\(field.name)` out, or the next answer would be misread")
            case "content-length" where status != 304:
                let length = status == 204 ? nil : body.wireLength
                guard let length, field.value.trimmingCharacters(in: .whitespaces) == String(length) else {
                    let sent = length.map { "the \($0) bytes sent" } ?? (status == 204 ? "a 204, which has none" : "a length known only once sent")
                    throw ReceiverScriptError(
                        location: "\(location).\(field.name)",
                        message: "`\(field.value)` is not the body's length (\(sent)): the next answer on the connection "
                            + "would be misread; leave it out, the receiver sends the right one")
                }
            default:
                break
            }
        }
    }
}
