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
        object["responseHeaders"] = headers(record.responseHeaders)
        object["responseBody"] = .string(record.responseBody)
        object["responseTruncated"] = .bool(record.responseTruncated)
        object["latencyMs"] = .double((record.latencyMilliseconds * 10).rounded() / 10)
        object["outcome"] = .string(record.outcome.isSuccess ? "success" : record.outcome.errorClass ?? "failed")
        if case .failed(_, let message) = record.outcome { object["error"] = .string(message) }
        return .object(object)
    }

    private static func headers(_ fields: [HeaderField]) -> JSONValue {
        .array(fields.map { .array([.string($0.name), .string($0.value)]) })
    }

    private static func timestamp(_ date: Date) -> String {
        date.formatted(Date.ISO8601FormatStyle(includingFractionalSeconds: true))
    }
}
