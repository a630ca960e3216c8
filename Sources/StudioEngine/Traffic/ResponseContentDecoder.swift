import Foundation
import NIOCore
import NIOEmbedded
import NIOHTTP1
import NIOHTTPCompression
import StudioModel

/// Decodes a stored response body sent with `Content-Encoding: gzip` (or `x-gzip`, `deflate`) for
/// an HTTP Archive, which has the decoded text where the record keeps the bytes received
/// (delivery.md §8.10: Hookline asks for no coding and decodes none when it delivers), and an
/// answer's coded body with a secret inside for its record (``maskedDecodedBody(_:contentEncoding:cut:masker:)``).
///
/// SwiftNIO's decompressor (zlib) does the inflating. Memory stays bounded whatever the body
/// inflates to: the coded bytes go in a few at a time, and decoding stops at ``limit``, the size a
/// record keeps of a body, with the decoded body marked cut.
public enum ResponseContentDecoder {
    /// The most a decoded body keeps: what a record keeps of the coded one.
    public static let limit = DeliveryClient.Configuration().maxResponseBytes
    /// Coded bytes handed to the decompressor at a time: deflate writes at most about 1,032 bytes
    /// for one, so a step inflates to 264 KB at worst before the limit is checked again.
    static let stepSize = 256

    /// The decoded body of `record` for an archive, masked by `masker`; nil when its body is not
    /// coded with gzip or deflate (one coding, no list), or does not decode, for the archive to
    /// give it as it was kept.
    ///
    /// The coded bytes were masked when stored, but a secret inside them is compressed and cannot
    /// be found there: the decoded bytes are masked again with the workspace's secrets.
    public static func decodedContent(of record: AttemptRecord, masker: SecretMasker) -> DecodedResponseContent? {
        let stored = ReceivedAnswer(stored: record)
        guard let body = inflated(stored.body, contentEncoding: stored.header("content-encoding"), cut: false, masker: masker)
        else { return nil }
        let text = StoredBody(body.masked, truncated: body.truncated)
        return DecodedResponseContent(
            text: text.text, isBase64: text.isBase64, byteCount: body.masked.count, truncated: body.truncated)
    }

    /// The body a record keeps of an answer coded with gzip or deflate that has a secret inside:
    /// decoded and masked, since the secret cannot be masked in the coded bytes, and cut at
    /// ``limit``; nil when the body is not coded so, does not decode, or has no secret inside, for
    /// the record to keep the bytes as they came.
    /// - Parameter cut: Whether `coded` is not the whole body (the answer was cut).
    static func maskedDecodedBody(
        _ coded: [UInt8], contentEncoding: String?, cut: Bool, masker: SecretMasker
    ) -> (bytes: [UInt8], truncated: Bool)? {
        guard let body = inflated(coded, contentEncoding: contentEncoding, cut: cut, masker: masker),
            body.masked != body.decoded
        else { return nil }
        return (body.masked, body.truncated)
    }

    /// `coded` inflated as its `Content-Encoding` says, up to ``limit``, and masked; nil when it
    /// is not coded with gzip or deflate, or does not decode.
    private static func inflated(
        _ coded: [UInt8], contentEncoding: String?, cut: Bool, masker: SecretMasker
    ) -> (decoded: [UInt8], masked: [UInt8], truncated: Bool)? {
        guard let contentEncoding, let algorithm = algorithm(named: contentEncoding),
            let (bytes, decodedCut) = decoded(coded, algorithm: algorithm, limit: limit)
        else { return nil }
        let truncated = cut || decodedCut
        return (bytes, truncated ? masker.mask(cutBytes: bytes) : masker.mask(bytes: bytes), truncated)
    }

    /// The name SwiftNIO's decompressor takes for a `Content-Encoding` value; nil for any other.
    private static func algorithm(named coding: String) -> String? {
        switch coding.trimmingCharacters(in: .whitespaces).lowercased() {
        case "gzip", "x-gzip": "gzip"
        case "deflate": "deflate"
        default: nil
        }
    }

    /// The first `limit` bytes `coded` inflates to, and whether that is not all of it: the limit
    /// was reached, or the coded bytes end before their stream does (a body cut when stored). Nil
    /// when they are not valid gzip or deflate, or have bytes after the end of their stream.
    static func decoded(_ coded: [UInt8], algorithm: String, limit: Int) -> (bytes: [UInt8], truncated: Bool)? {
        let channel = EmbeddedChannel()
        defer { _ = try? channel.finish() }
        var output: [UInt8] = []
        var overLimit = false
        func collect() throws {
            while let part = try channel.readInbound(as: HTTPClientResponsePart.self) {
                guard case .body(let buffer) = part else { continue }
                let room = limit - output.count
                output += buffer.readableBytesView.prefix(room)
                if buffer.readableBytes > room { overLimit = true }
            }
        }
        do {
            try channel.pipeline.syncOperations.addHandler(NIOHTTPResponseDecompressor(limit: .none))
            let head = HTTPResponseHead(version: .http1_1, status: .ok, headers: ["Content-Encoding": algorithm])
            try channel.writeInbound(HTTPClientResponsePart.head(head))
            var start = 0
            while start < coded.count, !overLimit {
                let end = min(start + stepSize, coded.count)
                try channel.writeInbound(HTTPClientResponsePart.body(ByteBuffer(bytes: coded[start..<end])))
                try collect()
                start = end
            }
        } catch {
            return nil
        }
        guard !overLimit else { return (output, true) }
        // The decompressor calls a stream that has not ended at the end of the body an error.
        do {
            try channel.writeInbound(HTTPClientResponsePart.end(nil))
            try collect()
        } catch {
            return (output, true)
        }
        return (output, false)
    }
}
