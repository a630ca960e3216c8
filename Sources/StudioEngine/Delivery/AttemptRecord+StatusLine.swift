import NIOHTTP1
import StudioModel

extension AttemptRecord {
    /// The answer's status line as a terminal shows it, `HTTP/1.1 201 Created`, with the
    /// standard reason phrase (the one received is not stored); nil when nothing answered.
    public var responseStatusLine: String? {
        guard let status else { return nil }
        let reason = Self.reasonPhrase(of: status)
        return reason.isEmpty ? "HTTP/1.1 \(status)" : "HTTP/1.1 \(status) \(reason)"
    }

    /// The standard reason phrase of a status (SwiftNIO's table): `422` → `Unprocessable
    /// Entity`; empty for a code it does not know.
    public static func reasonPhrase(of status: Int) -> String {
        HTTPResponseStatus(statusCode: status).reasonPhrase
    }
}
