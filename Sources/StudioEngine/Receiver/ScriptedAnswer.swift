#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Hummingbird
import Logging
import NIOCore
import Synchronization

/// The receiver's request context: Hummingbird's basic one, plus the connection, so a script
/// can reset it.
struct ReceiverRequestContext: RequestContext {
    var coreContext: CoreRequestContextStorage
    let channel: any Channel

    init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        channel = source.channel
    }
}

/// Which response each rule gives next: a count per rule, shared by all connections.
final class ScriptState: Sendable {
    let script: ReceiverScript
    private let used: Mutex<[Int]>

    init(script: ReceiverScript) {
        self.script = script
        used = Mutex([Int](repeating: 0, count: script.rules.count))
    }

    /// The response of the first rule that matches, consuming it; `nil` when none matches.
    func next(method: String, path: String) -> ReceiverScript.Response? {
        guard let index = script.rules.firstIndex(where: { $0.matches(method: method, path: path) }) else { return nil }
        let count = used.withLock { used in
            defer { used[index] += 1 }
            return used[index]
        }
        return script.rules[index].response(at: count)
    }
}

/// Set when the receiver shuts down, so scripted delays and drips end instead of holding the
/// graceful shutdown open.
final class StopSignal: Sendable {
    private let stopped = Atomic<Bool>(false)

    func stop() { stopped.store(true, ordering: .releasing) }
    var isStopped: Bool { stopped.load(ordering: .acquiring) }

    /// Sleeps for `duration`, or throws once the receiver stops or the task is cancelled.
    func sleep(for duration: Duration) async throws {
        let end = ContinuousClock.now + duration
        // Short slices, so a stop is seen within 50 ms; the delays themselves are what the script asked for.
        while ContinuousClock.now < end {
            if isStopped { throw ReceiverStopped() }
            try await Task.sleep(for: min(.milliseconds(50), end - ContinuousClock.now))
        }
        if isStopped { throw ReceiverStopped() }
    }
}

struct ReceiverStopped: Error {}

/// Thrown after a scripted reset closed the connection; Hummingbird has nothing left to answer on.
struct ScriptedReset: Error {}

/// Carries out one scripted response on a connection.
struct ScriptedAnswer {
    let response: ReceiverScript.Response
    let stopping: StopSignal

    func respond(on channel: any Channel) async throws -> Response {
        if let delay = response.delay {
            try await stopping.sleep(for: delay)
        }
        if response.reset {
            try await Self.reset(channel)
            throw ScriptedReset()
        }

        var headers = HTTPFields()
        for field in response.headers {
            // HTTPField itself is not re-exported by Hummingbird; reach it as the collection's element.
            guard let name = HTTPFields.Element.Name(field.name) else { continue }
            headers.append(HTTPFields.Element(name: name, value: field.value))
        }
        let status = HTTPResponse.Status(code: response.status)
        switch response.body {
        case .empty:
            return Response(status: status, headers: headers)
        case .text:
            if headers[.contentType] == nil { headers[.contentType] = "text/plain; charset=utf-8" }
        case .bytes, .filler:
            if headers[.contentType] == nil { headers[.contentType] = "application/octet-stream" }
        case .gzipBomb:
            if headers[.contentType] == nil { headers[.contentType] = "application/json" }
            if headers[.contentEncoding] == nil { headers[.contentEncoding] = "gzip" }
        }

        let body = response.body
        let drip = response.drip
        let stopping = self.stopping
        return Response(
            status: status, headers: headers,
            body: ResponseBody(contentLength: body.wireLength) { writer in
                var chunks = BodyChunks(body)
                while let chunk = chunks.next() {
                    guard let drip else {
                        if stopping.isStopped { throw ReceiverStopped() }
                        try await writer.write(chunk)
                        continue
                    }
                    var rest = chunk
                    while rest.readableBytes > 0, let piece = rest.readSlice(length: min(drip.bytes, rest.readableBytes)) {
                        try await stopping.sleep(for: drip.every)
                        try await writer.write(piece)
                    }
                }
                try await writer.finish(nil)
            })
    }

    /// Closes the connection with a TCP RST (SO_LINGER 0) rather than a FIN.
    private static func reset(_ channel: any Channel) async throws {
        if let provider = channel as? any SocketOptionProvider {
            try? await provider.setSoLinger(linger(l_onoff: 1, l_linger: 0)).get()
        }
        try? await channel.close(mode: .all).get()
    }
}

/// A scripted body as a sequence of buffers of at most 64 KiB; filler and gzip bombs are generated as they go.
struct BodyChunks {
    private static let chunkSize = 64 * 1024
    private static let filler = ByteBuffer(
        repeating: UInt8(ascii: "x"), count: chunkSize)

    private var text: ByteBuffer?
    private var fillerLeft = 0
    private var bomb: GzipBomb?

    init(_ body: ReceiverScript.Body) {
        switch body {
        case .empty: break
        case .text(let string): text = ByteBuffer(string: string)
        case .bytes(let bytes): text = ByteBuffer(bytes: bytes)
        case .filler(let count): fillerLeft = count
        case .gzipBomb(let size): bomb = GzipBomb(expandsTo: size)
        }
    }

    mutating func next() -> ByteBuffer? {
        if var buffer = text {
            defer { text = buffer }
            guard buffer.readableBytes > 0 else { return nil }
            return buffer.readSlice(length: min(Self.chunkSize, buffer.readableBytes))
        }
        if fillerLeft > 0 {
            let count = min(fillerLeft, Self.chunkSize)
            fillerLeft -= count
            return Self.filler.getSlice(at: 0, length: count)
        }
        return bomb?.next(size: Self.chunkSize)
    }
}
