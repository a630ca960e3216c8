import AsyncHTTPClient
import Foundation
import NIOCore
import StudioEngine
import StudioModel
import Synchronization
import Testing

struct ReceiverTests {
    @Test func answersPostsWithTwoHundredAndLogsThem() async throws {
        let seen = Mutex<[ReceivedRequest]>([])
        let receiver = try await Receiver.start { request in seen.withLock { $0.append(request) } }
        defer { Task { await receiver.shutdown() } }

        var request = HTTPClientRequest(url: receiver.baseURL + "/v1/letters")
        request.method = .POST
        request.body = .bytes(ByteBuffer(string: #"{"a":1}"#))
        let response = try await HTTPClient.shared.execute(request, timeout: .seconds(5))
        let body = try await response.body.collect(upTo: 1 << 16)

        #expect(response.status.code == 200)
        #expect(try JSONValue.parse(String(buffer: body))["received"] == .int(7))
        let logged = seen.withLock { $0 }
        #expect(logged.count == 1)
        #expect(logged.first?.path == "/v1/letters")
        #expect(logged.first?.body == #"{"a":1}"#)
        await receiver.shutdown()
    }

    @Test func answersProfileLookupsWithTheSameProfileEveryTime() async throws {
        let receiver = try await Receiver.start()
        let url = receiver.baseURL + "/profile?email=ada%40example.com"
        let first = try await fetch(url)
        let second = try await fetch(url)
        #expect(first == second)
        #expect(first["email"] == "ada@example.com")
        #expect(first["tier"]?.stringValue != nil)
        await receiver.shutdown()
    }

    @Test(arguments: [500, 503, 410, 429])
    func answersTheStatusNamedInThePath(status: Int) async throws {
        let receiver = try await Receiver.start()
        let response = try await HTTPClient.shared.execute(
            HTTPClientRequest(url: receiver.baseURL + "/hooks/status/\(status)"), timeout: .seconds(5))
        #expect(Int(response.status.code) == status)
        await receiver.shutdown()
    }

    private func fetch(_ url: String) async throws -> JSONValue {
        let response = try await HTTPClient.shared.execute(HTTPClientRequest(url: url), timeout: .seconds(5))
        return try JSONValue.parse(String(buffer: try await response.body.collect(upTo: 1 << 16)))
    }
}
