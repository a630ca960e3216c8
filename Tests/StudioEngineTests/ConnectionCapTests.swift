import Foundation
@testable import StudioEngine
import Testing

/// A server keeps at most so many connections open; more wait in the kernel's queue until one
/// closes, instead of the server running out of file descriptors and spinning on `accept`.
struct ConnectionCapTests {
    @Test func aConnectionPastTheCapIsAnsweredOnceAnotherCloses() async throws {
        let receiver = try await Receiver.start(maximumConnections: 2)
        let open = try (0..<2).map { _ in try LoopbackSocket() }
        for socket in open {
            try socket.connect(to: receiver.port)
            try socket.send("GET /first HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
            #expect(await socket.readAnswer()?.hasPrefix("HTTP/1.1 200") == true)
        }
        // The kernel completes the handshake; the server does not take the connection yet.
        let waiting = try LoopbackSocket()
        try waiting.connect(to: receiver.port)
        try waiting.send("GET /third HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
        #expect(await waiting.receive(within: 500) == .silence)

        open[0].close()
        let answer = await waiting.readAnswer()
        #expect(answer?.hasPrefix("HTTP/1.1 200") == true, "\(answer ?? "nothing")")
        open[1].close()
        waiting.close()
        await receiver.shutdown()
    }
}
