import HTTPTypes
import Hummingbird
import NIOCore

extension Request {
    /// A `POST /api/events/trackBulk` to the ingest API with `body` as its JSON, whole.
    static func trackBulk(_ body: String) -> Request {
        var head = HTTPRequest(method: .post, scheme: nil, authority: "127.0.0.1", path: "/api/events/trackBulk")
        head.headerFields[.contentType] = "application/json"
        head.headerFields[.contentLength] = "\(body.utf8.count)"
        return Request(head: head, body: RequestBody(buffer: ByteBuffer(string: body)))
    }
}
