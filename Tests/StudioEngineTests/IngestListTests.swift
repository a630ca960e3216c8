import AsyncHTTPClient
import Foundation
import NIOCore
import StudioEngine
import StudioModel
import Testing

/// The ingest API's list calls, shaped like Iterable's `lists/subscribe` and `lists/unsubscribe`.
struct IngestListTests {
    private func post(_ client: HTTPClient, _ url: String, _ body: String) async throws -> JSONValue {
        let (status, answer) = try await send(client, url, body)
        #expect(status == 200)
        return answer
    }

    /// POSTs `body` as JSON; the status and the parsed answer.
    private func send(_ client: HTTPClient, _ url: String, _ body: String) async throws -> (status: UInt, answer: JSONValue) {
        var request = HTTPClientRequest(url: url)
        request.method = .POST
        request.headers.add(name: "Content-Type", value: "application/json")
        request.body = .bytes(ByteBuffer(string: body))
        let response = try await client.execute(request, timeout: .seconds(10))
        return (response.status.code, try JSONValue.parse(String(buffer: try await response.body.collect(upTo: 1 << 20))))
    }

    @Test func subscribersJoinTheListWithTheirProfilesAndBadAddressesAreCounted() async throws {
        let engine = try Engine(workspace: Workspace(), secrets: [:], configuration: .init())
        try engine.store.saveUsers([["email": "ada@example.com", "plan": "pro"]])
        let server = try await IngestServer.start(engine: engine, port: 0)
        let client = HTTPClient(eventLoopGroupProvider: .singleton)

        let subscribed = try await post(
            client, server.baseURL + "/api/lists/subscribe",
            #"{"listId": 42, "subscribers": [{"email": "ada@example.com", "dataFields": {"tier": "gold"}}, {"email": "bob@example.com"}, {"email": "not an address"}, {}]}"#)
        #expect(subscribed == ["successCount": 2, "failCount": 2, "invalidEmails": ["not an address", nil], "notFoundEmails": []])
        #expect(try engine.store.listMembers("42", after: nil, limit: 10) == ["ada@example.com", "bob@example.com"])
        #expect(try engine.store.user(email: "ada@example.com") == ["email": "ada@example.com", "plan": "pro", "tier": "gold"])
        #expect(try engine.store.user(email: "bob@example.com") == ["email": "bob@example.com"])

        // Only known users, when asked; then one leaves the list.
        let known = try await post(
            client, server.baseURL + "/api/lists/subscribe",
            #"{"listId": "vip", "subscribers": [{"email": "ada@example.com"}, {"email": "cy@example.com"}], "updateExistingUsersOnly": true}"#)
        #expect(known["notFoundEmails"] == ["cy@example.com"])
        #expect(try engine.store.user(email: "cy@example.com") == nil)
        let left = try await post(
            client, server.baseURL + "/api/lists/unsubscribe", #"{"listId": 42, "subscribers": [{"email": "bob@example.com"}]}"#)
        #expect(left["successCount"] == 1)
        #expect(try engine.store.listMembers("42", after: nil, limit: 10) == ["ada@example.com"])
        #expect(try engine.store.listMembers("vip", after: nil, limit: 10) == ["ada@example.com"])

        try await client.shutdown()
        await server.shutdown()
        await engine.shutdown()
    }

    @Test(arguments: [
        ("/api/events/track", #"{"email": "ada@example.com", "eventName": "signup", "dataFields": "str"}"#),
        ("/api/users/update", #"{"email": "ada@example.com", "dataFields": ["plan", "pro"]}"#),
        ("/api/workflows/triggerWorkflow", #"{"workflowId": "welcome", "email": "ada@example.com", "dataFields": 3}"#),
    ])
    func dataFieldsThatAreNotAnObjectAreABadRequest(path: String, body: String) async throws {
        let engine = try Engine(workspace: Workspace(), secrets: [:], configuration: .init())
        let server = try await IngestServer.start(engine: engine, port: 0)
        let client = HTTPClient(eventLoopGroupProvider: .singleton)

        let (status, answer) = try await send(client, server.baseURL + path, body)
        #expect(status == 400)
        #expect(answer == ["msg": "dataFields must be a JSON object", "code": "InvalidJsonBody", "params": nil])
        #expect(try engine.store.user(email: "ada@example.com") == nil)

        try await client.shutdown()
        await server.shutdown()
        await engine.shutdown()
    }
}

extension IngestListTests {
    /// A field name with a period could never be read back (a lookup reads it as a path), so
    /// users/update refuses it and says how to nest it, instead of dropping it unseen.
    @Test func aDottedFieldNameIsRefusedWithHowToNestIt() async throws {
        let engine = try Engine(workspace: Workspace(), secrets: [:], configuration: .init())
        try engine.store.saveUsers([["email": "ada@example.com", "plan": "free"]])
        let server = try await IngestServer.start(engine: engine, port: 0)
        let client = HTTPClient(eventLoopGroupProvider: .singleton)
        let (status, answer) = try await send(
            client, server.baseURL + "/api/users/update",
            #"{"email": "ada@example.com", "dataFields": {"address.city": "Oslo", "plan": "pro"}}"#)
        #expect(status == 400)
        #expect(answer["msg"] == #"field 'address.city': a name may not contain '.'; nest it instead: {"address": {"city": …}}"#)
        #expect(try engine.store.user(email: "ada@example.com") == ["email": "ada@example.com", "plan": "free"])
        try await client.shutdown()
        await server.shutdown()
        await engine.shutdown()
    }

    /// track, users/update and triggerWorkflow take an address as `users import` does.
    @Test(arguments: [
        ("/api/events/track", #"{"email": "notanemail", "eventName": "signup"}"#, "'notanemail' is not an email address"),
        ("/api/users/update", #"{"email": "ada@", "dataFields": {}}"#, "'ada@' is not an email address"),
        ("/api/workflows/triggerWorkflow", #"{"workflowId": "welcome"}"#, "email is required"),
    ])
    func anAddressThatIsNotOneIsABadRequest(path: String, body: String, message: String) async throws {
        let engine = try Engine(workspace: Workspace(), secrets: [:], configuration: .init())
        let server = try await IngestServer.start(engine: engine, port: 0)
        let client = HTTPClient(eventLoopGroupProvider: .singleton)
        let (status, answer) = try await send(client, server.baseURL + path, body)
        #expect(status == 400)
        #expect(answer == ["msg": .string(message), "code": "InvalidEmailAddressError", "params": nil])
        try await client.shutdown()
        await server.shutdown()
        await engine.shutdown()
    }
}
