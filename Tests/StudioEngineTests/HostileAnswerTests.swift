import NIOCore
import StudioEngine
import StudioModel
import Testing

/// Answers a hostile or broken HTTP server gives, past delivery.md §9's rows, against the real
/// ``DeliveryClient`` on 127.0.0.1: what the attempt records, and whether the connection is
/// trusted with the next request.
struct HostileAnswerTests {
    /// A 101 switches the connection to another protocol; SwiftNIO's decoder stops parsing
    /// there. Kept in the pool, the connection would swallow the next request's answer and that
    /// attempt would end as a timeout.
    @Test func aSwitchingProtocolsAnswerIsRecordedAndItsConnectionNotReused() async throws {
        let answer = "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n"
        let server = try await RawAnswerServer.start(answer: Array(answer.utf8), keepOpen: true)
        let records = try await withClient { client in
            var records: [AttemptRecord] = []
            for _ in 0..<2 {
                records.append(await client.send(makeRequest(server.baseURL + "/hook"), origin: .init(), timeout: .seconds(2)))
            }
            return records
        }
        try await server.shutdown()

        #expect(records.map(\.status) == [101, 101], "\(records.map(\.outcome))")
        #expect(records.allSatisfy { DeliveryOutcomeClass.classify($0) == .http5xx })
    }

    private func withClient<T: Sendable>(_ body: (DeliveryClient) async throws -> T) async throws -> T {
        // The server is on loopback, which the default policy refuses.
        try await DeliveryClient.withClient(networkPolicy: NetworkPolicy(allowlist: ["127.0.0.1/32"]), body)
    }
}
