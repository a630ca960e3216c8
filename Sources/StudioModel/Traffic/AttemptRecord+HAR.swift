import Foundation

/// Attempts as an HTTP Archive (HAR 1.2), which browsers' network panels and many HTTP tools
/// open. Records are masked before they are stored, so the archive holds no secret.
public enum AttemptHAR {
    /// `{"log": {"version": "1.2", "creator": …, "entries": […]}}`, one entry per attempt.
    /// Attempts without a response have status 0 and their error in `_error`, as browsers write
    /// failed requests.
    /// - Parameters:
    ///   - reasonPhrase: The standard reason phrase of a status (`201` → `Created`), for the
    ///     `statusText` of a response whose record keeps no other (``AttemptRecord/responseReason``).
    ///   - decodedContent: A response body decoded from its `Content-Encoding` (gzip), which HAR 1.2
    ///     has in `content` in place of the coded bytes kept; nil, or nil for a record, to write the
    ///     body as it was kept.
    public static func document(
        for records: [AttemptRecord], creatorVersion: String, reasonPhrase: (Int) -> String,
        decodedContent: ((AttemptRecord) -> DecodedResponseContent?)? = nil
    ) -> JSONValue {
        [
            "log": [
                "version": "1.2",
                "creator": ["name": "Hookline", "version": .string(creatorVersion)],
                "entries": .array(
                    records.map { entry($0, reasonPhrase: reasonPhrase, decoded: decodedContent?($0)) }),
            ]
        ]
    }

    static func entry(_ record: AttemptRecord, reasonPhrase: (Int) -> String, decoded: DecodedResponseContent? = nil) -> JSONValue {
        let queryString: [JSONValue] = queryItems(of: record.url).map {
            ["name": .string($0.name), "value": .string($0.value)]
        }
        let sent = WireHeaders.adding(
            to: record.requestHeaders, method: record.method, url: record.url, bodyByteCount: record.requestBody.utf8.count)
        var request: JSONObject = [
            "method": .string(record.method), "url": .string(record.url), "httpVersion": "HTTP/1.1",
            "cookies": [], "headers": headers(sent), "queryString": .array(queryString),
            "headersSize": -1,
            "bodySize": .int(WireHeaders.sentBodyByteCount(of: record.requestHeaders, bodyByteCount: record.requestBody.utf8.count)),
        ]
        if !record.requestBody.isEmpty {
            let mimeType = header("content-type", in: record.requestHeaders) ?? ""
            var postData: JSONObject = ["mimeType": .string(mimeType), "text": .string(record.requestBody)]
            if mimeType.lowercased().hasPrefix("application/x-www-form-urlencoded") {
                postData["params"] = .array(
                    pairs(in: Substring(record.requestBody)).map {
                        ["name": .string($0.name), "value": .string($0.value)]
                    })
            }
            request["postData"] = .object(postData)
        }
        // The size of the body's bytes, not of their base64 text.
        let bodySize =
            record.responseBodyIsBase64
            ? Data(base64Encoded: record.responseBody)?.count ?? 0 : record.responseBody.utf8.count
        var content: JSONObject = [
            "size": .int(bodySize),
            "mimeType": .string(header("content-type", in: record.responseHeaders) ?? ""),
            "text": .string(record.responseBody),
        ]
        if record.responseBodyIsBase64 { content["encoding"] = "base64" }
        if record.responseTruncated { content["comment"] = .string("truncated: only the first \(bodySize) bytes were kept") }
        if let decoded {
            // HAR 1.2: `text` is decoded, `size` its length and `compression` the bytes saved,
            // left out when not known, as for a body cut short.
            content["size"] = .int(decoded.byteCount)
            content["text"] = .string(decoded.text)
            content["encoding"] = decoded.isBase64 ? "base64" : nil
            content["compression"] = decoded.truncated || record.responseTruncated ? nil : .int(decoded.byteCount - bodySize)
            content["comment"] =
                decoded.truncated ? .string("truncated: only the first \(decoded.byteCount) bytes of the decoded body were kept") : nil
        }
        let response: JSONObject = [
            "status": .int(record.status ?? 0), "statusText": .string(record.responseReason ?? record.status.map(reasonPhrase) ?? ""),
            "httpVersion": .string(record.responseVersion ?? "HTTP/1.1"), "cookies": [],
            "headers": headers(record.responseHeaders), "content": .object(content),
            "redirectURL": .string(header("location", in: record.responseHeaders) ?? ""), "headersSize": -1,
            // HAR 1.2: -1 when the size is not known, as for a body cut at what is kept.
            "bodySize": .int(record.responseTruncated ? -1 : bodySize),
        ]
        var entry: JSONObject = [
            "startedDateTime": .string(AttemptJSON.timestamp(record.startedAt)),
            "time": .double(record.latencyMilliseconds), "request": .object(request), "response": .object(response),
            "cache": [:], "timings": ["send": 0, "wait": .double(record.latencyMilliseconds), "receive": 0],
            "_deliveryId": .string(record.deliveryID), "_attempt": .int(record.attempt),
            "_trigger": .string(record.trigger.rawValue),
        ]
        if case .failed(let errorClass, let message) = record.outcome {
            entry["_error"] = .string("\(errorClass): \(message)")
        }
        return .object(entry)
    }

    /// A URL's query parameters, decoded as a form body is, cut from its text. `URLComponents(string:)`
    /// would not do: a masked value (`••••••`) is not valid in a URL, and it then encodes the whole
    /// URL again, so `u=ada%40example.com` read back as `ada%40example.com` instead of `ada@example.com`.
    private static func queryItems(of url: String) -> [(name: String, value: String)] {
        guard let question = url.firstIndex(of: "?") else { return [] }
        let query = url[url.index(after: question)...].prefix { $0 != "#" }
        // A `+` in a query is a space, as browsers and servers read one
        // (application/x-www-form-urlencoded); HAR's queryString holds the values they read.
        return pairs(in: query)
    }

    /// The `name=value` pairs of a query or form body: `+` read as a space, then percent-decoded,
    /// so that `a+b%2Bc` is `a b+c`.
    private static func pairs(in text: Substring) -> [(name: String, value: String)] {
        guard !text.isEmpty else { return [] }
        func decoded(_ part: Substring) -> String {
            let part = part.replacingOccurrences(of: "+", with: " ")
            return part.removingPercentEncoding ?? part
        }
        return text.split(separator: "&", omittingEmptySubsequences: false).map { pair in
            let equals = pair.firstIndex(of: "=")
            let name = equals.map { pair[..<$0] } ?? pair
            let value = equals.map { pair[pair.index(after: $0)...] } ?? ""
            return (decoded(name), decoded(value))
        }
    }

    private static func headers(_ fields: [HeaderField]) -> JSONValue {
        .array(fields.map { ["name": .string($0.name), "value": .string($0.value)] })
    }

    private static func header(_ name: String, in fields: [HeaderField]) -> String? {
        fields.first { $0.name.lowercased() == name }?.value
    }
}
