import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A client's side of an HTTP exchange over a ``LoopbackSocket``, byte by byte: for clients no
/// HTTP library would be (one that drips its head, stalls its body, or waits on `100 Continue`).
///
/// Waits block a thread of their own, not one of Swift's cooperative threads, which the
/// servers under test answer on.
extension LoopbackSocket {
    /// What a read brought.
    enum Reception: Equatable {
        case bytes([UInt8])
        /// The server closed the connection (or reset it).
        case closed
        /// Nothing arrived in the time given.
        case silence
    }

    /// Connects to 127.0.0.1:`port`; the socket is non-blocking from then on.
    func connect(to port: Int) throws {
        guard connects(to: port, within: 5_000) else { throw Failure(call: "connect") }
    }

    /// Sends `text` whole; throws once the server has closed the connection.
    func send(_ text: String) throws {
        var bytes = Array(text.utf8)[...]
        while !bytes.isEmpty {
            let sent = bytes.withUnsafeBytes { Glibc.send(descriptor, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            if sent > 0 {
                bytes = bytes.dropFirst(sent)
            } else if errno == EAGAIN || errno == EWOULDBLOCK {
                var poller = pollfd(fd: descriptor, events: Int16(POLLOUT), revents: 0)
                guard poll(&poller, 1, Self.answerWait) == 1 else { throw Failure(call: "send (the server reads nothing)") }
            } else {
                throw Failure(call: "send")
            }
        }
    }

    /// Sends `text` again and again, on a thread of its own, until `limit` bytes went or the
    /// server closes the connection (or reads nothing for ``answerWait``); returns the bytes sent.
    func sendRepeatedly(_ text: String, upTo limit: Int) async -> Int {
        await Self.offThePool { [self] in
            var sent = 0
            while sent < limit {
                do { try send(text) } catch { break }
                sent += text.utf8.count
            }
            return sent
        }
    }

    /// Reads on a thread of its own, pausing `pause` seconds after each `chunk` bytes, until more
    /// than `limit` bytes came or the server closes the connection (or sends nothing for
    /// ``answerWait``); returns the bytes read. The pauses are the reader's own: a test task's
    /// sleep waits for a cooperative thread as well, which a loaded run can keep busy for longer
    /// than a server's send timeout.
    func receiveSlowly(upTo limit: Int, pausing pause: TimeInterval, every chunk: Int) async -> Int {
        await Self.offThePool { [self] in
            var received = 0
            while received <= limit, case .bytes(let bytes) = receiveBlocking(within: Self.answerWait) {
                received += bytes.count
                if received % chunk < bytes.count { Thread.sleep(forTimeInterval: pause) }
            }
            return received
        }
    }

    /// How long a read waits for more before it gives up, in milliseconds: a bound for a server
    /// that hangs, not a measure of speed. CI on two loaded cores stalled a test process for over
    /// 10 s, so it is generous.
    static let answerWait: Int32 = 30_000

    /// What arrives within `milliseconds`.
    func receive(within milliseconds: Int32) async -> Reception {
        await Self.offThePool { receiveBlocking(within: milliseconds) }
    }

    private func receiveBlocking(within milliseconds: Int32) -> Reception {
        var poller = pollfd(fd: descriptor, events: Int16(POLLIN), revents: 0)
        guard poll(&poller, 1, milliseconds) == 1 else { return .silence }
        var buffer = [UInt8](repeating: 0, count: 64 << 10)
        let count = buffer.withUnsafeMutableBytes { Glibc.recv(descriptor, $0.baseAddress, $0.count, 0) }
        if count > 0 { return .bytes(Array(buffer[..<count])) }
        if count < 0, errno == EAGAIN || errno == EWOULDBLOCK { return .silence }
        return .closed
    }

    /// Reads until what arrived contains `marker`; nil when the connection closes first or
    /// nothing more arrives for ``answerWait``.
    func read(through marker: String) async -> String? {
        var text = ""
        while !text.contains(marker) {
            guard case .bytes(let bytes) = await receive(within: Self.answerWait) else { return nil }
            text += String(decoding: bytes, as: UTF8.self)
        }
        return text
    }

    /// Reads one whole answer, framed by its `Content-Length`: its head and body as text; nil
    /// when the connection closes first or nothing more arrives for ``answerWait``.
    func readAnswer() async -> String? {
        guard var text = await read(through: "\r\n\r\n"), let headEnd = text.range(of: "\r\n\r\n") else { return nil }
        let length = text[..<headEnd.lowerBound].split(separator: "\r\n")
            .first { $0.lowercased().hasPrefix("content-length:") }
            .flatMap { Int($0.split(separator: ":")[1].trimmingCharacters(in: .whitespaces)) } ?? 0
        while text.utf8.count - text[..<headEnd.upperBound].utf8.count < length {
            guard case .bytes(let bytes) = await receive(within: Self.answerWait) else { return nil }
            text += String(decoding: bytes, as: UTF8.self)
        }
        return text
    }

    /// Whether the server closes the connection within `seconds`, what it sends meanwhile
    /// set aside.
    func isClosedByServer(within seconds: Int) async -> Bool {
        await readUntilClosed(within: seconds) != nil
    }

    /// Whether the server closes the connection within `seconds`, found without reading what it
    /// sent: reading would be the client taking its answer. Every 100 ms the client sends an empty
    /// line (which a server ignores before a request, RFC 9112 §2.2); a socket its server closed
    /// answers data with a reset.
    func isClosedByServerUnread(within seconds: Int) async -> Bool {
        await Self.offThePool { [self] in
            let end = ContinuousClock.now + .seconds(seconds)
            while ContinuousClock.now < end {
                let sent = Glibc.send(descriptor, "\r\n", 2, Int32(MSG_NOSIGNAL))
                if sent < 0, errno != EAGAIN, errno != EWOULDBLOCK { return true }
                var poller = pollfd(fd: descriptor, events: 0, revents: 0)
                if poll(&poller, 1, 100) == 1, poller.revents & Int16(POLLERR | POLLHUP) != 0 { return true }
            }
            return false
        }
    }

    /// Everything the server sends until it closes the connection, as text; nil when it has not
    /// closed it within `seconds`.
    func readUntilClosed(within seconds: Int) async -> String? {
        let end = ContinuousClock.now + .seconds(seconds)
        var bytes: [UInt8] = []
        while ContinuousClock.now < end {
            switch await receive(within: 100) {
            case .bytes(let received): bytes += received
            case .closed: return String(decoding: bytes, as: UTF8.self)
            case .silence: break
            }
        }
        return nil
    }

    /// Runs `body` on a thread of its own: on Linux, Dispatch's global queues are the
    /// cooperative threads, so blocking one of them would stall the servers too.
    private static func offThePool<T: Sendable>(_ body: @escaping @Sendable () -> T) async -> T {
        await withCheckedContinuation { continuation in
            Thread { continuation.resume(returning: body()) }.start()
        }
    }
}
