import Foundation
import GRDB
import NIOHTTP1
import StudioEngine
import StudioModel
import Testing

/// The ingest API as a client of Iterable's API sees it over HTTP: how it takes the key, the
/// codes and shapes of its answers, and the request fields Iterable documents.
struct IngestAPITests {
    /// Iterable's Ruby client and older scripts send the key as `?api_key=` rather than a header.
    @Test func theKeyIsTakenFromAnAPIKeyQueryParameterToo() async throws {
        let ingest = try await IngestTestServer.start(apiKey: "key_ingest_0123456789")
        let update = #"{"email": "ada@example.com", "dataFields": {"plan": "pro"}}"#

        let accepted = try await ingest.send("/api/users/update?api_key=key_ingest_0123456789", update)
        #expect(accepted.status == 200, "\(accepted.text)")
        #expect(try ingest.engine.store.user(email: "ada@example.com") == ["plan": "pro", "email": "ada@example.com"])
        let wrong = try await ingest.send("/api/users/update?api_key=nope", update)
        #expect(wrong.status == 401)
        #expect(wrong.json?["code"] == "BadApiKey")
        try await ingest.shutdown()
    }

    /// The key is the secret as the engine last read it: once the secrets file is read again
    /// with a rotated key, the new key is taken and the old one refused, without a restart.
    @Test func aRotatedKeyAppliesAtOnce() async throws {
        let ingest = try await IngestTestServer.start(apiKey: "key_old_0123456789")
        let update = #"{"email": "ada@example.com"}"#
        #expect(try await ingest.send("/api/users/update", update, headers: [("Api-Key", "key_old_0123456789")]).status == 200)

        ingest.engine.executor.apply(secrets: ["ingest_api_key": "key_new_0123456789"])
        let old = try await ingest.send("/api/users/update", update, headers: [("Api-Key", "key_old_0123456789")])
        #expect(old.status == 401)
        #expect(try await ingest.send("/api/users/update", update, headers: [("Api-Key", "key_new_0123456789")]).status == 200)
        try await ingest.shutdown()
    }

    /// A body that is not a JSON object is Iterable's `BadJsonBody`, with where the JSON broke.
    @Test(arguments: [
        (#"{"email": "ada@example.com","#, "invalid JSON at 1:29: expected a quoted object key"),
        ("", "invalid JSON at 1:1: expected a JSON value but the text ended"),
        (#"["ada@example.com"]"#, "expected a JSON object"),
    ])
    func aBodyThatIsNotAJSONObjectIsBadJsonBody(body: String, message: String) async throws {
        let ingest = try await IngestTestServer.start()
        let (status, answer) = try await ingest.post("/api/events/track", body)
        #expect(status == 400)
        #expect(answer == ["msg": .string(message), "code": "BadJsonBody", "params": nil])
        try await ingest.shutdown()
    }

    /// JSON is UTF-8: an event named `e\xFF` was stored as `e\u{FFFD}`, changed without a word.
    @Test func aBodyThatIsNotUTF8IsBadJsonBodyAtItsFirstBadByte() async throws {
        let ingest = try await IngestTestServer.start()
        let body = Array(#"{"email": "ada@example.com", "eventName": "e"#.utf8) + [0xFF] + Array(#""}"#.utf8)
        let answer = try await ingest.send("/api/events/track", bytes: body)
        #expect(answer.status == 400)
        #expect(try JSONValue.parse(answer.text) == ["msg": "the body is not UTF-8 text, at 1:45", "code": "BadJsonBody", "params": nil])
        try await ingest.shutdown()
    }

    /// `curl -d` without a Content-Type sends the JSON as a form; a body that is not JSON then
    /// says how it was sent and what to send.
    @Test func aFormBodyIsRefusedSayingToSendJSON() async throws {
        let ingest = try await IngestTestServer.start()
        let answer = try await ingest.send(
            "/api/events/track", "email=ada%40example.com&eventName=signup",
            headers: [("Content-Type", "application/x-www-form-urlencoded")])
        #expect(answer.status == 400)
        #expect(
            answer.json == [
                "msg": "invalid JSON at 1:1: expected a JSON value, found 'e'; the body was sent as application/x-www-form-urlencoded: send JSON with Content-Type: application/json",
                "code": "BadJsonBody", "params": nil,
            ])
        try await ingest.shutdown()
    }

    /// A GET where only POST is taken says so (405, `Allow: POST`); an unknown path is a 404 that
    /// lists the routes; both in the API's JSON shape, not an empty body. The 405 said
    /// `"code": "NotFound"`, and `POST /health` was a 404.
    @Test func aWrongMethodIs405AndAnUnknownPath404InTheAnswerShape() async throws {
        let ingest = try await IngestTestServer.start()

        let get = try await ingest.send("/api/events/track/", method: .GET)
        #expect(get.status == 405)
        #expect(get.headers["Allow"] == ["POST"])
        #expect(get.headers["Content-Type"] == ["application/json"])
        #expect(
            get.json == ["msg": "GET /api/events/track is not supported; send it as POST", "code": "MethodNotAllowed", "params": nil])
        for method in [NIOHTTP1.HTTPMethod.POST, .DELETE] {
            let health = try await ingest.send("/health", method: method)
            #expect(health.status == 405)
            #expect(health.headers["Allow"] == ["GET, HEAD"])
            #expect(
                health.json
                    == ["msg": .string("\(method) /health is not supported; ask it with GET or HEAD"), "code": "MethodNotAllowed", "params": nil])
        }

        let unknown = try await ingest.send("/api/events/trak", "{}")
        #expect(unknown.status == 404)
        #expect(unknown.json?["code"] == "NotFound")
        #expect(
            unknown.json?["msg"]?.stringValue?.hasPrefix("no route POST /api/events/trak; this server takes POST /api/events/track, ")
                == true, "\(unknown.text)")
        try await ingest.shutdown()
    }

    /// RFC 9110 §9.1: a method the server does not know is 501, not a 404 or 405 (an RFC's
    /// method, on a route that does not take it, is 405); §9.3.7: `OPTIONS *` asks what the
    /// server takes, and was a 404.
    /// With an ingest key set too: `OPTIONS *` reads and changes nothing, as `/health`, and was a 401.
    @Test(arguments: [nil, "key_ingest_0123456789"])
    func anUnknownMethodIs501AndOptionsAsteriskListsTheMethods(apiKey: String?) async throws {
        let ingest = try await IngestTestServer.start(apiKey: apiKey)
        let propfind = try await ingest.send("/health", method: .PROPFIND)
        #expect(propfind.status == 501)
        #expect(propfind.json?["code"] == "NotImplemented")
        // Only OPTIONS * is let through without the key, not an OPTIONS of a route.
        if apiKey != nil { #expect(try await ingest.send("/api/events/track", method: .OPTIONS).status == 401) }

        let socket = try LoopbackSocket()
        try socket.connect(to: ingest.server.port)
        try socket.send("OPTIONS * HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
        let options = await socket.readAnswer() ?? "no answer"
        #expect(options.hasPrefix("HTTP/1.1 204 "), "\(options)")
        #expect(options.lowercased().contains("\r\nallow: get, head, post, options\r\n"), "\(options)")
        socket.close()
        try await ingest.shutdown()
    }

    /// RFC 9110 §15.5.2: a 401 carries a challenge in `WWW-Authenticate`; it had none.
    @Test func aBadAPIKeyIs401WithAChallengeNamingTheHeader() async throws {
        let ingest = try await IngestTestServer.start(apiKey: "key_ingest_0123456789")
        let refused = try await ingest.send("/api/events/track", #"{"email": "ada@example.com", "eventName": "signup"}"#)
        #expect(refused.status == 401)
        #expect(refused.headers["WWW-Authenticate"] == [#"Api-Key realm="hookline""#])
        try await ingest.shutdown()
    }

    /// RFC 9112 §3.2.2: with an absolute-form target the server ignores Host and takes the
    /// target's authority, so the loopback check looks at that: `http://evil.example/…` behind a
    /// loopback Host was taken. A second Host field (RFC 9112 §3.2) was ignored, the first one
    /// checked: a loopback one let the request in.
    @Test func theHostCheckedIsTheTargetsAndTwoHostsAreRefused() async throws {
        let ingest = try await IngestTestServer.start()
        let port = ingest.server.port
        func send(_ head: String, email: String) async throws -> String {
            let body = "{\"email\": \"\(email)\", \"dataFields\": {\"plan\": \"pro\"}}"
            let socket = try LoopbackSocket()
            try socket.connect(to: port)
            try socket.send(head + "Content-Length: \(body.utf8.count)\r\n\r\n\(body)")
            let answer = await socket.readAnswer() ?? "no answer"
            socket.close()
            return answer
        }
        let rebound = try await send(
            "POST http://evil.example/api/users/update HTTP/1.1\r\nHost: 127.0.0.1:\(port)\r\n", email: "eve@example.com")
        #expect(rebound.hasPrefix("HTTP/1.1 403 "), "\(rebound)")
        #expect(rebound.contains("Host evil.example does not name this machine"), "\(rebound)")
        let twoHosts = try await send(
            "POST /api/users/update HTTP/1.1\r\nHost: 127.0.0.1:\(port)\r\nHost: evil.example\r\n", email: "mallory@example.com")
        #expect(twoHosts.hasPrefix("HTTP/1.1 400 "), "\(twoHosts)")
        let local = try await send(
            "POST http://localhost:\(port)/api/users/update HTTP/1.1\r\nHost: evil.example\r\n", email: "ada@example.com")
        #expect(local.hasPrefix("HTTP/1.1 200 "), "\(local)")
        #expect(try ingest.engine.store.user(email: "eve@example.com") == nil)
        #expect(try ingest.engine.store.user(email: "mallory@example.com") == nil)
        #expect(try ingest.engine.store.user(email: "ada@example.com")?["plan"] == "pro")
        try await ingest.shutdown()
    }

    /// HEAD is answered wherever GET is (RFC 9110 §9.3.2), so a monitor checking `/health` with
    /// HEAD sees it up; and every answer to HEAD comes without its content, which the client does
    /// not read: the next answer on the connection starts where the head ends.
    @Test func headIsAnsweredAsGetIsWithoutContent() async throws {
        let ingest = try await IngestTestServer.start(apiKey: "key_ingest_0123456789")
        let get = try await ingest.send("/health", method: .GET)
        let head = try await ingest.send("/health", method: .HEAD)
        #expect(head.status == 200)
        #expect(head.headers["Content-Length"] == get.headers["Content-Length"])

        let socket = try LoopbackSocket()
        try socket.connect(to: ingest.server.port)
        try socket.send("HEAD /api/events/track HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
        let refused = await socket.read(through: "\r\n\r\n") ?? "no answer"
        #expect(refused.hasPrefix("HTTP/1.1 401 ") && refused.hasSuffix("\r\n\r\n"), "\(refused)")
        try socket.send("GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
        let health = await socket.readAnswer() ?? "no answer"
        #expect(health.hasPrefix("HTTP/1.1 200 "), "\(health)")
        socket.close()
        try await ingest.shutdown()
    }

    /// `1e400` is JSON, but no double holds it: it was stored as null, which cleared the field
    /// (and then let a value of another type in).
    @Test func aNumberOutOfRangeIsBadJsonBodySayingWhereItIs() async throws {
        let ingest = try await IngestTestServer.start()
        let (status, answer) = try await ingest.post(
            "/api/users/update", #"{"email": "ada@example.com", "dataFields": {"scores": [1, 1e400]}}"#)
        #expect(status == 400)
        #expect(answer == ["msg": "invalid JSON at 1:64: number out of range", "code": "BadJsonBody", "params": nil])
        #expect(try ingest.engine.store.user(email: "ada@example.com") == nil)
        try await ingest.shutdown()
    }

    /// A compressed body was read as text ("not UTF-8") or, plain but labelled gzip, taken; a
    /// broken chunked body was answered 413 "over 4 MiB".
    @Test func aCompressedBodyIs415AndABrokenChunkedOneIs400() async throws {
        let ingest = try await IngestTestServer.start()
        let compressed = try await ingest.send(
            "/api/events/track", #"{"email": "ada@example.com", "eventName": "signup"}"#, headers: [("Content-Encoding", "gzip")])
        #expect(compressed.status == 415)
        #expect(compressed.headers["Accept-Encoding"].first == "identity")
        #expect(try JSONValue.parse(compressed.text)["msg"] == "Content-Encoding gzip is not taken: send the body uncompressed")

        let socket = try LoopbackSocket()
        try socket.connect(to: ingest.server.port)
        try socket.send(
            "POST /api/events/track HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n{}\r\n0\r\n\r\n")
        let broken = await socket.read(through: "\r\n\r\n") ?? "no answer"
        #expect(broken.hasPrefix("HTTP/1.1 400 "), "\(broken)")
        socket.close()
        try await ingest.shutdown()
    }

    /// Without an `ingest_api_key`, any web page the user opened could write profiles: a
    /// text/plain POST needs no preflight, and a name rebound to 127.0.0.1 reaches the server
    /// as a same-site one. A browser's request (Origin) and a Host that is not this machine's
    /// loopback name are refused.
    @Test func requestsAWebPageCouldSendAreRefused() async throws {
        let ingest = try await IngestTestServer.start()
        let body = #"{"email": "victim@example.com", "dataFields": {"plan": "pwned"}}"#
        let crossSite = try await ingest.send(
            "/api/users/update", body, headers: [("Origin", "https://evil.example"), ("Content-Type", "text/plain")])
        #expect(crossSite.status == 403)
        #expect(try JSONValue.parse(crossSite.text)["code"] == "Forbidden")

        let socket = try LoopbackSocket()
        try socket.connect(to: ingest.server.port)
        try socket.send(
            "POST /api/users/update HTTP/1.1\r\nHost: rebind.evil.example:\(ingest.server.port)\r\nContent-Length: \(body.utf8.count)\r\n\r\n\(body)")
        let rebound = await socket.readAnswer() ?? "no answer"
        #expect(rebound.hasPrefix("HTTP/1.1 403 "), "\(rebound)")
        #expect(rebound.contains("does not name this machine"), "\(rebound)")
        try socket.send(
            "POST /api/users/update HTTP/1.1\r\nHost: localhost:\(ingest.server.port)\r\nContent-Length: \(body.utf8.count)\r\n\r\n\(body)")
        let local = await socket.readAnswer() ?? "no answer"
        #expect(local.hasPrefix("HTTP/1.1 200 "), "\(local)")
        socket.close()
        #expect(try ingest.engine.store.user(email: "victim@example.com")?["plan"] == "pwned")
        try await ingest.shutdown()
    }

    /// trackBulk answers Iterable's counts at the top level, the failures by reason in
    /// `failedUpdates`, each in one list, and at the top level Iterable's deprecated copies of
    /// the invalid ones; the good events are recorded.
    @Test func trackBulkAnswersIterablesCountsWithFailedUpdates() async throws {
        let ingest = try await IngestTestServer.start(.waitingADayAfterSignup)
        let (status, answer) = try await ingest.post(
            "/api/events/trackBulk",
            #"{"events": [{"email": "ada@example.com", "eventName": "signup"}, {"email": "ada@", "eventName": "signup"}, {"userId": "u-7", "eventName": "signup"}]}"#
        )
        #expect(status == 200)
        #expect(
            answer == [
                "successCount": 1, "failCount": 2,
                "failedUpdates": ["invalidEmails": ["ada@"], "invalidUserIds": [], "notFoundEmails": [], "notFoundUserIds": ["u-7"]],
                "createdFields": [], "filteredOutFields": [], "invalidEmails": ["ada@"], "invalidUserIds": [],
                "disallowedEventNames": [],
            ])
        #expect(try ingest.engine.store.unfinishedJourneys().map(\.email) == ["ada@example.com"])
        try await ingest.shutdown()
    }

    /// An event the client must fix refuses the batch, naming it, and records none of it: a
    /// count of failures alone would not say which event was lost.
    @Test func aMalformedEventRefusesTheWholeBulkRequestAndNamesIt() async throws {
        let ingest = try await IngestTestServer.start(.waitingADayAfterSignup)
        let (status, answer) = try await ingest.post(
            "/api/events/trackBulk",
            #"{"events": [{"email": "ada@example.com", "eventName": "signup"}, {"email": "bob@example.com"}]}"#)
        #expect(status == 400)
        #expect(answer == ["msg": "events[1]: eventName is required", "code": "BadParams", "params": nil])
        #expect(try ingest.engine.store.unfinishedJourneys().isEmpty)
        #expect(try ingest.engine.store.user(email: "ada@example.com") == nil)
        try await ingest.shutdown()
    }

    /// `createdAt` is when the event happened, in Unix seconds as Iterable takes it.
    @Test func createdAtIsTheEventsTimeInUnixSeconds() async throws {
        let ingest = try await IngestTestServer.start(.waitingADayAfterSignup)
        let (status, _) = try await ingest.post(
            "/api/events/track", #"{"email": "ada@example.com", "eventName": "signup", "createdAt": 1700000000}"#)
        #expect(status == 200)
        let journey = try #require(try ingest.engine.store.unfinishedJourneys().first)
        #expect(journey.trigger?.createdAt == Date(timeIntervalSince1970: 1_700_000_000))

        let (refused, answer) = try await ingest.post(
            "/api/events/track", #"{"email": "bob@example.com", "eventName": "signup", "createdAt": "yesterday"}"#)
        #expect(refused == 400)
        #expect(answer == ["msg": "createdAt must be a number: seconds since 1970 (Unix time)", "code": "BadJsonBody", "params": nil])

        let (latest, _) = try await ingest.post(
            "/api/events/track", #"{"email": "cy@example.com", "eventName": "signup", "createdAt": 253402300799}"#)
        #expect(latest == 200)
        let journeys = try ingest.engine.store.unfinishedJourneys()
        #expect(journeys.first { $0.email == "cy@example.com" }?.trigger?.createdAt == Date(timeIntervalSince1970: 253_402_300_799))
        try await ingest.shutdown()
    }

    /// A `createdAt` the store cannot keep as a date (a millisecond timestamp, as JavaScript's
    /// `Date.now()` gives, or any number outside the years 1970 to 9999) is refused, naming the
    /// field, rather than stored to stop every later read of its journey; in a trackBulk it
    /// refuses the batch, naming the event, as any malformed event does.
    @Test(arguments: [
        ("1700000000123", "; 1700000000123 looks like milliseconds: send 1700000000.123"),
        ("1e300", ""), ("-1e15", ""), ("-1", ""),
        // A second past 9999 is no millisecond timestamp: sending 253402300.8 would be 1978 (QA).
        ("253402300800", ""),
    ])
    func aCreatedAtOutsideTheYearsTheStoreKeepsIsRefused(createdAt: String, hint: String) async throws {
        let ingest = try await IngestTestServer.start(.waitingADayAfterSignup)
        let message = "createdAt must be seconds since 1970 (Unix time), from 0 to 253402300799" + hint
        let event = #"{"email": "ada@example.com", "eventName": "signup", "createdAt": \#(createdAt)}"#

        let (status, answer) = try await ingest.post("/api/events/track", event)
        #expect(status == 400)
        #expect(answer == ["msg": .string(message), "code": "BadParams", "params": nil])
        let (bulkStatus, bulkAnswer) = try await ingest.post(
            "/api/events/trackBulk", #"{"events": [{"email": "bob@example.com", "eventName": "signup"}, \#(event)]}"#)
        #expect(bulkStatus == 400)
        #expect(bulkAnswer == ["msg": .string("events[1]: " + message), "code": "BadParams", "params": nil])
        #expect(try ingest.engine.store.unfinishedJourneys().isEmpty)
        try await ingest.shutdown()
    }

    /// triggerWorkflow with `listId` instead of `email` starts the workflow for every member.
    @Test func triggerWorkflowWithAListIDStartsEveryMember() async throws {
        let ingest = try await IngestTestServer.start(.waitingADayAfterSignup)
        try ingest.engine.store.saveUsers([["email": "ada@example.com"], ["email": "bob@example.com"], ["email": "cy@example.com"]])
        try ingest.engine.store.addToList("42", emails: ["ada@example.com", "bob@example.com"])

        let (status, answer) = try await ingest.post(
            "/api/workflows/triggerWorkflow", #"{"workflowId": "welcome", "listId": 42, "dataFields": {"source": "api"}}"#)
        #expect(status == 200)
        #expect(answer["code"] == "Success")
        let journeys = try ingest.engine.store.unfinishedJourneys()
        #expect(journeys.map(\.email).sorted() == ["ada@example.com", "bob@example.com"])
        #expect(journeys.allSatisfy { $0.trigger?.dataFields == ["source": "api"] })
        try await ingest.shutdown()
    }

    /// A `listId` that names no list started nothing and answered Success; it is refused, naming
    /// the list. With `email` too, which one was meant cannot be told: the pair is refused.
    @Test func triggerWorkflowRefusesAnUnknownListAndAListWithAnEmail() async throws {
        let ingest = try await IngestTestServer.start(.waitingADayAfterSignup)
        try ingest.engine.store.addToList("42", emails: ["ada@example.com"])

        let (unknown, unknownAnswer) = try await ingest.post(
            "/api/workflows/triggerWorkflow", #"{"workflowId": "welcome", "listId": 43}"#)
        #expect(unknown == 400)
        #expect(
            unknownAnswer == [
                "msg": "no list '43': a list exists while it has members; lists fill from /api/lists/subscribe and Add to list steps",
                "code": "BadParams", "params": nil,
            ])
        let (both, bothAnswer) = try await ingest.post(
            "/api/workflows/triggerWorkflow", #"{"workflowId": "welcome", "listId": 42, "email": "bob@example.com"}"#)
        #expect(both == 400)
        #expect(
            bothAnswer == [
                "msg": "send either listId or email, not both: listId 42 starts every member of the list", "code": "BadParams",
                "params": nil,
            ])
        #expect(ingest.engine.executor.stats.journeysStarted == 0)
        try await ingest.shutdown()
    }

    /// A `\ud800` escape with no low surrogate after it is no character: it was stored as
    /// U+FFFD, changed without a word. A pair is one character and is taken.
    @Test func aLoneSurrogateEscapeIsBadJsonBody() async throws {
        let ingest = try await IngestTestServer.start()
        let (status, answer) = try await ingest.post(
            "/api/users/update", #"{"email": "ada@example.com", "dataFields": {"name": "A\ud800"}}"#)
        #expect(status == 400)
        #expect(
            answer == [
                "msg": "invalid JSON at 1:55: \\ud800 is a lone UTF-16 surrogate, not a Unicode character: JSON text must be valid Unicode",
                "code": "BadJsonBody", "params": nil,
            ])
        #expect(try ingest.engine.store.user(email: "ada@example.com") == nil)

        let (pair, _) = try await ingest.post(
            "/api/users/update", #"{"email": "ada@example.com", "dataFields": {"name": "A\ud83d\ude00"}}"#)
        #expect(pair == 200)
        #expect(try ingest.engine.store.user(email: "ada@example.com")?["name"] == "A\u{1F600}")
        try await ingest.shutdown()
    }

    /// An empty key (a variable set to "") matched an empty `Api-Key:` header: no key is empty.
    @Test func anEmptyKeyLetsNoRequestIn() async throws {
        let ingest = try await IngestTestServer.start(apiKey: "")
        let answer = try await ingest.send(
            "/api/events/track", #"{"email": "ada@example.com", "eventName": "signup"}"#, headers: [("Api-Key", "")])
        #expect(answer.status == 401)
        #expect(answer.json?["code"] == "BadApiKey")
        #expect(try await ingest.send("/health", method: .GET).status == 200)
        try await ingest.shutdown()
    }

    /// A disabled workflow is refused, for one user or a list, as track skips it, rather than
    /// run for users the workspace keeps out of it.
    @Test func triggerWorkflowRefusesADisabledWorkflow() async throws {
        var workspace = Workspace.waitingADayAfterSignup
        workspace.workflows[0].enabled = false
        let ingest = try await IngestTestServer.start(workspace)
        try ingest.engine.store.addToList("42", emails: ["ada@example.com"])

        for target in [#""email": "ada@example.com""#, #""listId": 42"#] {
            let (status, answer) = try await ingest.post("/api/workflows/triggerWorkflow", #"{"workflowId": "welcome", \#(target)}"#)
            #expect(status == 400)
            #expect(
                answer == [
                    "msg": "workflow 'welcome' is disabled: set enabled: true in its file to trigger it", "code": "BadParams",
                    "params": nil,
                ])
        }
        #expect(ingest.engine.executor.stats.journeysStarted == 0)
        try await ingest.shutdown()
    }

    /// A workflow whose file has an error does not run, and triggerWorkflow says which file to
    /// fix rather than that there is no such workflow.
    @Test func triggerWorkflowOfAWorkflowWithAnErrorNamesItsFile() async throws {
        var workspace = Workspace.waitingADayAfterSignup
        workspace.sourcePaths.workflows["welcome"] = "workflows/welcome.yaml"
        workspace.diagnostics = [
            Diagnostic(path: "workflows/welcome.yaml", line: 6, column: 15, message: "invalid duration '3 days'")
        ]
        let ingest = try await IngestTestServer.start(workspace)

        let (status, answer) = try await ingest.post(
            "/api/workflows/triggerWorkflow", #"{"workflowId": "welcome", "email": "ada@example.com"}"#)
        #expect(status == 400)
        #expect(
            answer["msg"] == "workflow 'welcome' does not run while workflows/welcome.yaml has errors (hookline validate lists them)")
        #expect(ingest.engine.executor.stats.journeysStarted == 0)
        try await ingest.shutdown()
    }

    /// A batch of the size Iterable's connectors send (up to 4 MB) is read; a larger body is
    /// refused with 413 and how to fix it, not read to its end.
    @Test func aBatchOfTwoMegabytesIsTakenAndTenMegabytesIs413() async throws {
        let ingest = try await IngestTestServer.start()
        let note = String(repeating: "x", count: 1_000)
        let events = (0..<2_000).map { #"{"email": "u\#($0)@example.com", "eventName": "pageView", "dataFields": {"note": "\#(note)"}}"# }
        let batch = #"{"events": [\#(events.joined(separator: ","))]}"#
        #expect(batch.utf8.count > 2_000_000)

        let (status, answer) = try await ingest.post("/api/events/trackBulk", batch)
        #expect(status == 200)
        #expect(answer["successCount"] == 2_000)

        let huge = try await ingest.send("/api/events/trackBulk", String(repeating: " ", count: 10_000_000))
        #expect(huge.status == 413)
        #expect(
            huge.json == [
                "msg": "the body is over 4 MiB; send fewer events or subscribers per request", "code": "BatchTooLarge",
                "params": nil,
            ])
        try await ingest.shutdown()
    }

    /// A field of the wrong JSON type is Iterable's `BadJsonBody` saying what it must be, not
    /// reported as missing, which would send the client looking for a field it did send.
    @Test(arguments: [
        ("/api/events/track", #"{"email": 123, "eventName": "signup"}"#, "email must be a string"),
        ("/api/events/track", #"{"email": "ada@example.com", "eventName": 5}"#, "eventName must be a string"),
        ("/api/events/track", #"{"userId": true, "eventName": "signup"}"#, "userId must be text or a whole number"),
        ("/api/events/trackBulk", #"{"events": {}}"#, "events must be an array of events"),
        ("/api/events/trackBulk", #"{"events": [{"email": ["ada@example.com"], "eventName": "signup"}]}"#,
            "events[0]: email must be a string"),
        ("/api/users/update", #"{"email": {"a": 1}}"#, "email must be a string"),
        ("/api/workflows/triggerWorkflow", #"{"workflowId": true, "email": "ada@example.com"}"#,
            "workflowId must be text or a whole number"),
        ("/api/workflows/triggerWorkflow", #"{"workflowId": "welcome", "listId": {}}"#, "listId must be text or a whole number"),
        ("/api/lists/subscribe", #"{"listId": true, "subscribers": []}"#, "listId must be text or a whole number"),
        ("/api/lists/subscribe", #"{"listId": 42.5, "subscribers": []}"#, "listId must be text or a whole number"),
        ("/api/lists/subscribe", #"{"listId": 7, "subscribers": [{"email": 7}]}"#, "subscribers[0].email must be a string"),
        ("/api/lists/unsubscribe", #"{"listId": 7, "subscribers": ["ada@example.com"]}"#,
            "subscribers[0] must be a JSON object"),
    ])
    func aFieldOfTheWrongTypeIsBadJsonBodySayingWhatItMustBe(path: String, body: String, message: String) async throws {
        let ingest = try await IngestTestServer.start(.waitingADayAfterSignup)
        let (status, answer) = try await ingest.post(path, body)
        #expect(status == 400)
        #expect(answer == ["msg": .string(message), "code": "BadJsonBody", "params": nil])
        #expect(try ingest.engine.store.userCount() == 0)
        try await ingest.shutdown()
    }

    /// Only a `userId` cannot name a user here (hookline keys users by address): the answer says
    /// to send `email`, rather than that `email` is simply missing.
    @Test func aUserIDAloneIsRefusedSayingToSendEmail() async throws {
        let ingest = try await IngestTestServer.start()
        let (status, answer) = try await ingest.post("/api/events/track", #"{"userId": "u-7", "eventName": "signup"}"#)
        #expect(status == 400)
        #expect(
            answer == [
                "msg": "userId 'u-7' names no user here: hookline identifies users by email, so send email instead",
                "code": "BadParams", "params": nil,
            ])
        try await ingest.shutdown()
    }

    /// A request the store could not take is answered 500 `DatabaseError` in the API's shape, so
    /// the client knows to send it again.
    @Test func aStoreFailureIsA500DatabaseErrorSayingToSendAgain() async throws {
        let folder = try EngineFixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = folder.appendingPathComponent("state.sqlite").path
        let ingest = try await IngestTestServer.start(storePath: path)
        try await DatabaseQueue(path: path).write { try $0.execute(sql: "ALTER TABLE user RENAME TO gone") }

        let answer = try await ingest.send("/api/users/update", #"{"email": "ada@example.com", "dataFields": {"plan": "pro"}}"#)
        #expect(answer.status == 500)
        #expect(answer.json?["code"] == "DatabaseError")
        #expect(answer.json?["msg"]?.stringValue?.hasPrefix("not stored, send it again: ") == true, "\(answer.text)")
        try await ingest.shutdown()
    }

    /// `git clean -fdX` removes `.hookline/` under `hookline serve`: an event written into the
    /// removed file would be lost with it, so it is refused, naming the file, not answered 200.
    @Test func anEventAfterTheStoreWasRemovedIsA500NamingTheFile() async throws {
        let folder = try EngineFixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = folder.appendingPathComponent(".hookline/state.sqlite").path
        let ingest = try await IngestTestServer.start(.waitingADayAfterSignup, storePath: path)
        let event = #"{"email": "ada@example.com", "eventName": "signup"}"#
        #expect(try await ingest.send("/api/events/track", event).status == 200)

        try FileManager.default.removeItem(at: folder.appendingPathComponent(".hookline"))
        let answer = try await ingest.send("/api/events/track", event)
        #expect(answer.status == 500)
        #expect(answer.json?["code"] == "DatabaseError")
        #expect(
            answer.json?["msg"]?.stringValue
                == "not stored, send it again: \(path) was removed while this process had it open: what is stored from "
                + "now on would be lost with it", "\(answer.text)")
        let update = try await ingest.send("/api/users/update", #"{"email": "bob@example.com"}"#)
        #expect(update.status == 500)
        #expect(ingest.engine.executor.stats.journeysStarted == 1)
        try await ingest.shutdown()
    }

    /// An event the store could not take is not answered 200: the client must send it again.
    @Test func anEventTheStoreCannotTakeIsA500AndStartsNothing() async throws {
        let folder = try EngineFixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = folder.appendingPathComponent("state.sqlite").path
        let ingest = try await IngestTestServer.start(.waitingADayAfterSignup, storePath: path)
        try await DatabaseQueue(path: path).write { try $0.execute(sql: "ALTER TABLE event RENAME TO gone") }

        let answer = try await ingest.send("/api/events/track", #"{"email": "ada@example.com", "eventName": "signup"}"#)
        #expect(answer.status == 500)
        #expect(answer.json?["code"] == "DatabaseError", "\(answer.text)")
        let bulk = try await ingest.send(
            "/api/events/trackBulk", #"{"events": [{"email": "ada@example.com", "eventName": "signup"}]}"#)
        #expect(bulk.status == 500)
        #expect(bulk.json?["msg"]?.stringValue?.hasPrefix("none of the 1 events was stored: ") == true, "\(bulk.text)")
        #expect(try ingest.engine.store.unfinishedJourneys().isEmpty)
        try await ingest.shutdown()
    }

    /// A triggerWorkflow whose journeys the store could not take is answered 500 `DatabaseError`,
    /// as users/update and track are, and starts nothing: were they run from memory, the client
    /// would be told Success for journeys a crash then loses.
    @Test func aTriggerTheStoreCannotTakeIsA500AndStartsNothing() async throws {
        let folder = try EngineFixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = folder.appendingPathComponent("state.sqlite").path
        let ingest = try await IngestTestServer.start(.waitingADayAfterSignup, storePath: path)
        try await DatabaseQueue(path: path).write { try $0.execute(sql: "ALTER TABLE journey RENAME TO gone") }

        let answer = try await ingest.send(
            "/api/workflows/triggerWorkflow", #"{"workflowId": "welcome", "email": "ada@example.com"}"#)
        #expect(answer.status == 500)
        #expect(answer.json?["code"] == "DatabaseError")
        #expect(answer.json?["msg"]?.stringValue?.hasPrefix("not stored, send it again: ") == true, "\(answer.text)")
        #expect(ingest.engine.executor.stats.journeysStarted == 0)
        try await ingest.shutdown()
    }

    /// A trackBulk is stored whole or not at all: when the store refuses its second event, the
    /// first is not stored either and starts no journey, so sending the request again is safe.
    @Test func aBulkTheStoreRefusesPartlyStoresNothing() async throws {
        let folder = try EngineFixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = folder.appendingPathComponent("state.sqlite").path
        let ingest = try await IngestTestServer.start(.waitingADayAfterSignup, storePath: path)
        try await DatabaseQueue(path: path).write { db in
            try db.execute(
                sql: """
                    CREATE TRIGGER refuseBob BEFORE INSERT ON event WHEN NEW.email = 'bob@example.com'
                    BEGIN SELECT RAISE(ABORT, 'bob refused'); END
                    """)
        }

        let bulk = try await ingest.send(
            "/api/events/trackBulk",
            #"{"events": [{"email": "ada@example.com", "eventName": "signup"}, {"email": "bob@example.com", "eventName": "signup"}]}"#)
        #expect(bulk.status == 500)
        #expect(bulk.json?["msg"]?.stringValue?.hasPrefix("none of the 2 events was stored: ") == true, "\(bulk.text)")
        let events = try await DatabaseQueue(path: path).read { try Int.fetchOne($0, sql: "SELECT count(*) FROM event") }
        #expect(events == 0)
        #expect(try ingest.engine.store.unfinishedJourneys().isEmpty)
        try await ingest.shutdown()
    }

    /// Requests that wait on the store (another process holds its write lock) wait off Swift's
    /// cooperative threads: more of them than there are such threads leave the server answering
    /// others, and all are stored once the lock is let go.
    @Test func requestsWaitingOnTheStoreLeaveTheServerAnswering() async throws {
        let folder = try EngineFixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = folder.appendingPathComponent("state.sqlite").path
        let ingest = try await IngestTestServer.start(storePath: path)
        // The lock is held on a thread of its own, as another process would hold it.
        let holder = try DatabaseQueue(path: path)
        let release = DispatchSemaphore(value: 0)
        await withCheckedContinuation { (locked: CheckedContinuation<Void, Never>) in
            Thread {
                try? holder.inTransaction(.immediate) { _ in
                    locked.resume()
                    release.wait()
                    return .commit
                }
            }.start()
        }

        let waiting = ProcessInfo.processInfo.activeProcessorCount + 2
        let tracks = Task {
            try await withThrowingTaskGroup(of: UInt.self) { group in
                for number in 0..<waiting {
                    group.addTask {
                        try await ingest.send("/api/events/track", #"{"email": "u\#(number)@example.com", "eventName": "visit"}"#)
                            .status
                    }
                }
                return try await group.reduce(into: []) { $0.append($1) }
            }
        }
        // No poll can tell that the tracks reached the store; without this pause the health check
        // could be answered before they block, and the test would pass without the fix.
        try await Task.sleep(for: .milliseconds(300))
        let health = try await ingest.send("/health", method: .GET)
        release.signal()

        #expect(health.status == 200)
        #expect(try await tracks.value == Array(repeating: 200, count: waiting))
        let stored = try await holder.read { try Int.fetchOne($0, sql: "SELECT count(*) FROM event") }
        #expect(stored == waiting)
        try await ingest.shutdown()
    }

    /// An event `id` is at most 512 characters, as Iterable's clients hold it to; 600 were stored.
    @Test func anEventIDOverFiveHundredTwelveCharactersIsRefused() async throws {
        let ingest = try await IngestTestServer.start()
        let long = String(repeating: "x", count: 600)
        let (status, answer) = try await ingest.post(
            "/api/events/track", #"{"email": "ada@example.com", "eventName": "signup", "id": "\#(long)"}"#)
        #expect(status == 400)
        #expect(answer["msg"] == "id must be at most 512 characters, found 600")
        let (fits, _) = try await ingest.post(
            "/api/events/track",
            #"{"email": "ada@example.com", "eventName": "signup", "id": "\#(String(repeating: "x", count: 512))"}"#)
        #expect(fits == 200)
        try await ingest.shutdown()
    }

    /// Iterable's event `id`: an event sent again with the id of a stored one (a client's retry,
    /// Segment's messageId) updates it and starts no second journey. An event sent without one
    /// is given one, which the answer returns.
    @Test func anEventSentAgainWithItsIDUpdatesItAndStartsNothingTwice() async throws {
        let folder = try EngineFixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = folder.appendingPathComponent("state.sqlite").path
        let ingest = try await IngestTestServer.start(.waitingADayAfterSignup, storePath: path)
        let event = #"{"email": "ada@example.com", "eventName": "signup", "id": "evt_0001", "dataFields": {"n": 1}}"#
        let (first, answer) = try await ingest.post("/api/events/track", event)
        #expect(first == 200)
        #expect(answer["params"] == ["id": "evt_0001"])
        let (again, _) = try await ingest.post("/api/events/track", event.replacingOccurrences(of: #""n": 1"#, with: #""n": 2"#))
        #expect(again == 200)
        func storedData() async throws -> [String] {
            try await DatabaseQueue(path: path).read { db in
                try String.fetchAll(db, sql: "SELECT dataFields FROM event WHERE eventID = 'evt_0001'")
            }
        }
        #expect(try await storedData() == [#"{"n":2}"#])
        let (bulk, _) = try await ingest.post("/api/events/trackBulk", #"{"events": [\#(event)]}"#)
        #expect(bulk == 200)
        #expect(try await storedData() == [#"{"n":1}"#])
        #expect(try ingest.engine.store.unfinishedJourneys().count == 1)

        let (_, generated) = try await ingest.post("/api/events/track", #"{"email": "bob@example.com", "eventName": "signup"}"#)
        let id = try #require(generated["params"]?["id"]?.stringValue)
        #expect(id.count == 32 && id.allSatisfy(\.isHexDigit))
        let (_, refused) = try await ingest.post(
            "/api/events/track", #"{"email": "cy@example.com", "eventName": "signup", "id": {"a": 1}}"#)
        #expect(refused == ["msg": "id must be text or a whole number", "code": "BadJsonBody", "params": nil])
        #expect(try ingest.engine.store.unfinishedJourneys().count == 2)
        try await ingest.shutdown()
    }

    /// An event sent again under another address moves to it; that address becomes a user, as
    /// an event's unknown address does, in the transaction that moves it.
    @Test func anEventSentAgainUnderANewAddressCreatesItsUser() async throws {
        let ingest = try await IngestTestServer.start()
        let event = #"{"email": "ada@example.com", "eventName": "signup", "id": "evt_0002"}"#
        #expect(try await ingest.post("/api/events/track", event).status == 200)
        #expect(try ingest.engine.store.user(email: "dee@example.com") == nil)

        let moved = event.replacingOccurrences(of: "ada@", with: "Dee@")
        #expect(try await ingest.post("/api/events/track", moved).status == 200)
        #expect(try ingest.engine.store.user(email: "dee@example.com") == ["email": "dee@example.com"])
        try await ingest.shutdown()
    }
}
