import Foundation

/// The JSON form of an attempt, as `hookline run` prints it (one object per line).
public enum AttemptJSON {
    public static func encode(_ record: AttemptRecord) -> JSONValue {
        var object = JSONObject()
        if record.id > 0 { object["id"] = .int(Int(record.id)) }
        object["startedAt"] = .string(timestamp(record.startedAt))
        object["deliveryId"] = .string(record.deliveryID)
        object["attempt"] = .int(record.attempt)
        object["workflowId"] = record.workflowID.map(JSONValue.string) ?? .null
        object["nodeId"] = record.nodeID.map(JSONValue.string) ?? .null
        object["webhookId"] = record.webhookID.map(JSONValue.string) ?? .null
        object["user"] = record.userEmail.map(JSONValue.string) ?? .null
        object["method"] = .string(record.method)
        object["url"] = .string(record.url)
        object["requestHeaders"] = headers(record.requestHeaders)
        object["requestBody"] = .string(record.requestBody)
        object["status"] = record.status.map(JSONValue.int) ?? .null
        if let version = record.responseVersion { object["httpVersion"] = .string(version) }
        if let reason = record.responseReason { object["reasonPhrase"] = .string(reason) }
        object["responseHeaders"] = headers(record.responseHeaders)
        object["responseBody"] = .string(record.responseBody)
        object["responseTruncated"] = .bool(record.responseTruncated)
        if record.responseBodyIsBase64 { object["responseBodyBase64"] = .bool(true) }
        object["latencyMs"] = .double((record.latencyMilliseconds * 10).rounded() / 10)
        object["outcome"] = .string(outcomeLabel(record))
        if case .failed(_, let message) = record.outcome { object["error"] = .string(message) }
        object["trigger"] = .string(record.trigger.rawValue)
        return .object(object)
    }

    /// `success`, or the attempt's class as delivery.md §8.4 logs it: `http_5xx`, `gone`,
    /// `aborted_by_receiver`, `redirect_not_followed` for an answer; `timeout`, `blocked_by_policy`
    /// and the others for none.
    static func outcomeLabel(_ record: AttemptRecord) -> String {
        switch record.outcome {
        case .success: "success"
        case .httpError: DeliveryOutcomeClass.classify(record).label
        case .failed(let errorClass, _): errorClass
        }
    }

    /// `encode(record).jsonText`, written straight into a string without building the value.
    public static func jsonLine(_ record: AttemptRecord) -> String {
        var out: [UInt8] = []
        appendJSONLine(record, to: &out)
        return String(decoding: out, as: UTF8.self)
    }

    /// Appends the UTF-8 of `encode(record).jsonText` to `out`.
    public static func appendJSONLine(_ record: AttemptRecord, to out: inout [UInt8]) {
        out.reserveCapacity(out.count + 512 + record.requestBody.utf8.count + record.responseBody.utf8.count)
        out += "{".utf8
        if record.id > 0 { out += "\"id\":\(record.id),".utf8 }
        out += "\"startedAt\":".utf8
        JSONValue.writeQuoted(timestamp(record.startedAt), to: &out)
        out += ",\"deliveryId\":".utf8
        JSONValue.writeQuoted(record.deliveryID, to: &out)
        out += ",\"attempt\":\(record.attempt)".utf8
        out += ",\"workflowId\":".utf8
        writeOptional(record.workflowID, to: &out)
        out += ",\"nodeId\":".utf8
        writeOptional(record.nodeID, to: &out)
        out += ",\"webhookId\":".utf8
        writeOptional(record.webhookID, to: &out)
        out += ",\"user\":".utf8
        writeOptional(record.userEmail, to: &out)
        out += ",\"method\":".utf8
        JSONValue.writeQuoted(record.method, to: &out)
        out += ",\"url\":".utf8
        JSONValue.writeQuoted(record.url, to: &out)
        out += ",\"requestHeaders\":".utf8
        writeHeaders(record.requestHeaders, to: &out)
        out += ",\"requestBody\":".utf8
        JSONValue.writeQuoted(record.requestBody, to: &out)
        out += ",\"status\":".utf8
        if let status = record.status { out += String(status).utf8 } else { out += "null".utf8 }
        if let version = record.responseVersion {
            out += ",\"httpVersion\":".utf8
            JSONValue.writeQuoted(version, to: &out)
        }
        if let reason = record.responseReason {
            out += ",\"reasonPhrase\":".utf8
            JSONValue.writeQuoted(reason, to: &out)
        }
        out += ",\"responseHeaders\":".utf8
        writeHeaders(record.responseHeaders, to: &out)
        out += ",\"responseBody\":".utf8
        JSONValue.writeQuoted(record.responseBody, to: &out)
        out += (record.responseTruncated ? ",\"responseTruncated\":true" : ",\"responseTruncated\":false").utf8
        if record.responseBodyIsBase64 { out += ",\"responseBodyBase64\":true".utf8 }
        let latency = (record.latencyMilliseconds * 10).rounded() / 10
        out += ",\"latencyMs\":".utf8
        out += (latency.isFinite ? JSONValue.format(latency) : "null").utf8
        out += ",\"outcome\":".utf8
        JSONValue.writeQuoted(outcomeLabel(record), to: &out)
        if case .failed(_, let message) = record.outcome {
            out += ",\"error\":".utf8
            JSONValue.writeQuoted(message, to: &out)
        }
        out += ",\"trigger\":\"".utf8
        out += record.trigger.rawValue.utf8
        out += "\"}".utf8
    }

    private static func writeOptional(_ value: String?, to out: inout [UInt8]) {
        if let value { JSONValue.writeQuoted(value, to: &out) } else { out += "null".utf8 }
    }

    private static func writeHeaders(_ fields: [HeaderField], to out: inout [UInt8]) {
        guard !fields.isEmpty else {
            out += "[]".utf8
            return
        }
        out += "[".utf8
        for (index, field) in fields.enumerated() {
            out += (index == 0 ? "[" : ",[").utf8
            JSONValue.writeQuoted(field.name, to: &out)
            out += ",".utf8
            JSONValue.writeQuoted(field.value, to: &out)
            out += "]".utf8
        }
        out += "]".utf8
    }

    private static func headers(_ fields: [HeaderField]) -> JSONValue {
        .array(fields.map { .array([.string($0.name), .string($0.value)]) })
    }

    /// Made once: building the style (and its UTC time zone) for every line cost as much as formatting.
    private static let timestampStyle = Date.ISO8601FormatStyle(includingFractionalSeconds: true)

    /// The instant to the nearest millisecond, as the store writes it: the formatter cuts the
    /// fraction instead, so the same attempt read 1 ms apart in `run`'s line and in `logs`.
    static func timestamp(_ date: Date) -> String {
        let milliseconds = (date.timeIntervalSince1970 * 1000).rounded()
        // Half a millisecond more, so that the cut lands on the millisecond whatever the binary fraction.
        return Date(timeIntervalSince1970: (milliseconds + 0.5) / 1000).formatted(timestampStyle)
    }
}
