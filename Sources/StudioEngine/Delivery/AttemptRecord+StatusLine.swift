import NIOHTTP1
import StudioModel

extension AttemptRecord {
    /// The answer's status line as received, `HTTP/1.1 201 Created`; nil when nothing answered.
    /// Records stored before the reason phrase was kept show the standard one.
    public var responseStatusLine: String? {
        guard let status else { return nil }
        let version = responseVersion ?? "HTTP/1.1"
        let reason = responseReason ?? Self.reasonPhrase(of: status)
        return reason.isEmpty ? "\(version) \(status)" : "\(version) \(status) \(reason)"
    }

    /// The standard reason phrase of a status (SwiftNIO's table): `422` → `Unprocessable
    /// Entity`; empty for a code it does not know.
    public static func reasonPhrase(of status: Int) -> String {
        HTTPResponseStatus(statusCode: status).reasonPhrase
    }
}
