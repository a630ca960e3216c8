import AsyncHTTPClient
import Foundation
import NIOCore
import StudioEngine
import StudioModel
import Synchronization
import Testing

struct ReceiverScriptTests {
    @Test func parsesRulesWithResponseSequencesFromYAML() throws {
        let script = try ReceiverScript.parse(
            yaml: """
                rules:
                  - path: /hooks/flaky
                    method: post
                    responses:
                      - status: 500
                        headers: {Retry-After: 120}
                      - status: 200
                        body: '{"ok":true}'
                  - pathPrefix: /slow/
                    response: {delay: 20s, drip: {bytes: 2, every: 500ms}, bodyBytes: 100MB}
                  - path: /files/*.bin
                    response: {reset: true, times: 3}
                """)
        #expect(script.rules.count == 3)
        let flaky = script.rules[0]
        #expect(flaky.path == .exact("/hooks/flaky"))
        #expect(flaky.method == "POST")
        #expect(flaky.response(at: 0).status == 500)
        #expect(flaky.response(at: 0).headers == [HeaderField("Retry-After", "120")])
        #expect(flaky.response(at: 1).body == .text(#"{"ok":true}"#))
        #expect(flaky.response(at: 7).status == 200)
        let slow = script.rules[1].response(at: 0)
        #expect(script.rules[1].path == .prefix("/slow/"))
        #expect(slow.delay == .seconds(20))
        #expect(slow.drip == ReceiverScript.Drip(bytes: 2, every: .milliseconds(500)))
        #expect(slow.body == .filler(count: 100_000_000))
        #expect(script.rules[2].path == .glob("/files/*.bin"))
        #expect(script.rules[2].response(at: 2).reset)
    }

    @Test func parsesTheSameFormatFromJSON() throws {
        let script = try ReceiverScript.parse(
            json: #"{"rules": [{"path": "/a", "responses": [{"status": 503, "times": 2}, {"status": 204}]}]}"#)
        let rule = try #require(script.rules.first)
        #expect(rule.response(at: 0).status == 503)
        #expect(rule.response(at: 1).status == 503)
        #expect(rule.response(at: 2).status == 204)
        #expect(rule.response(at: 3).status == 204)
    }

    @Test(arguments: [
        ("rules: [{path: /a, response: {stauts: 500}}]", "rules[0].response.stauts"),
        ("rules: [{path: /a, responses: [{status: 200}, {status: 700}]}]", "rules[0].responses[1].status"),
        ("rules: [{path: /a, response: {delay: soon}}]", "rules[0].response.delay"),
        ("rules: [{path: /a, response: {body: x, bodyBytes: 10}}]", "rules[0].response"),
        ("rules: [{response: {status: 200}}]", "rules[0]"),
        // A 1xx is never a whole answer, and a 204 or 304 body is read as the next answer.
        ("rules: [{path: /a, response: {status: 101}}]", "rules[0].response.status"),
        ("rules: [{path: /a, response: {status: 304, body: x}}]", "rules[0].response"),
        // A Content-Length other than the body's, or a Transfer-Encoding, was sent as is: the
        // client read the rest of the body as the next answer.
        ("rules: [{path: /a, response: {headers: {Content-Length: 5}, body: abcdefgh}}]", "rules[0].response.headers.Content-Length"),
        ("rules: [{path: /a, response: {headers: {content-length: [8, 8]}, body: abc}}]", "rules[0].response.headers.content-length"),
        ("rules: [{path: /a, response: {headers: {Content-Length: 10}, gzipBomb: 1MB}}]", "rules[0].response.headers.Content-Length"),
        ("rules: [{path: /a, response: {status: 204, headers: {Content-Length: 0}}}]", "rules[0].response.headers.Content-Length"),
        ("rules: [{path: /a, response: {headers: {Transfer-Encoding: chunked}, body: abc}}]", "rules[0].response.headers.Transfer-Encoding"),
    ])
    func rejectsBadScriptsNamingWhereTheProblemIs(yaml: String, location: String) {
        #expect {
            _ = try ReceiverScript.parse(yaml: yaml)
        } throws: { error in
            (error as? ReceiverScriptError)?.location == location
        }
    }

    /// A Content-Length that is the body's length frames it right, and is taken; so is any on a
    /// 304, which describes GET's answer.
    @Test func aContentLengthThatFramesTheBodyIsTaken() throws {
        let script = try ReceiverScript.parse(
            yaml: "rules: [{path: /a, response: {headers: {Content-Length: 8}, body: abcdefgh}}, "
                + "{path: /b, response: {status: 304, headers: {Content-Length: 120}}}]")
        #expect(script.rules.count == 2)
    }

    /// A script's problems are placed as the workspace's files' are: the line and column of the
    /// node at fault, a message in words, the rule and field as context; `receive` printed the
    /// decoder's text ("The given data was not valid YAML.", "Expected to decode Mapping but
    /// found Node instead.") with no line.
    @Test(arguments: [
        ("rules:\n\t- path: /a\n", "faults.yaml:2:1: error: invalid YAML: found character that cannot start any token"),
        ("", "faults.yaml:1:1: error: the file is empty: a script is a mapping with a `rules` list"),
        ("- path: /a\n", "faults.yaml:1:1: error: expected a mapping, found a list"),
        (
            "rules:\n  - path: /a\n    responses:\n      - status: 500\n      - delay: soon\n",
            "faults.yaml:5:16: error: rules[0].responses[1].delay: `soon` is not a duration like 20s"
        ),
        (
            "rules:\n  - path: /a\n    response:\n      stauts: 500\n",
            "faults.yaml:4:7: error: rules[0].response.stauts: unknown field; expected one of body, bodyBase64, "
                + "bodyBytes, delay, drip, gzipBomb, headers, reset, status, times"
        ),
        (
            "rules:\n  - path: /a\n    response: {status: ok}\n",
            "faults.yaml:3:24: error: rules[0].response.status: expected a whole number, found 'ok'"
        ),
        ("rules:\n  - response: {status: 200}\n", "faults.yaml:2:5: error: rules[0]: give `path` or `pathPrefix`"),
        ("rules: {path: /a}\n", "faults.yaml:1:8: error: rules: expected a list, found a mapping"),
        (
            "rules:\n  - path: /a\n    response:\n      headers: {Content-Length: 5}\n      body: abcdefgh\n",
            "faults.yaml:4:33: error: rules[0].response.headers.Content-Length: `5` is not the body's length (the 8 bytes "
                + "sent): the next answer on the connection would be misread; leave it out, the receiver sends the right one"
        ),
    ])
    func placesEachProblemAtItsLineAndColumn(yaml: String, expected: String) throws {
        let error = try #require(throws: ReceiverScriptError.self) {
            try ReceiverScript.parse(yaml: yaml, path: "faults.yaml")
        }
        #expect(error.diagnostic.description == expected)
        #expect(error.rendered.hasPrefix(expected + "\n"), "\(error.rendered)")
    }

    /// A JSON script's problems are placed too: JSON is YAML to the reader that finds the node.
    @Test func placesAJSONScriptsProblemAtItsLineAndColumn() throws {
        let error = try #require(throws: ReceiverScriptError.self) {
            try ReceiverScript.parse(json: "{\"rules\": [\n  {\"path\": \"/a\", \"response\": {\"delay\": \"soon\"}}\n]}", path: "f.json")
        }
        #expect(error.diagnostic.description == "f.json:2:40: error: rules[0].response.delay: `soon` is not a duration like 20s")
    }

    @Test(arguments: [
        (ReceiverScript.PathPattern.exact("/a"), "/a", true),
        (.exact("/a"), "/a/b", false),
        (.prefix("/a/"), "/a/b/c", true),
        (.prefix("/a/"), "/ab", false),
        (.glob("/hooks/*/events"), "/hooks/42/events", true),
        (.glob("/hooks/*/events"), "/hooks/42/other", false),
        (.glob("*.json"), "/x/y.json", true),
        (.glob("/a*b*c"), "/abc", true),
        (.glob("/a*b*c"), "/acb", false),
    ])
    func matchesPathsExactlyByPrefixOrByGlob(pattern: ReceiverScript.PathPattern, path: String, expected: Bool) {
        #expect(pattern.matches(path) == expected)
    }

    @Test func answersFiveHundredOnceThenTwoHundredForEver() async throws {
        let script = try ReceiverScript.parse(
            yaml: "rules: [{path: /hooks/flaky, responses: [{status: 500}, {status: 200, body: done}]}]")
        let receiver = try await Receiver.start(script: script)
        var statuses: [Int] = []
        var lastBody = ""
        for _ in 0..<3 {
            let (status, body, _) = try await fetch(receiver.baseURL + "/hooks/flaky")
            statuses.append(status)
            lastBody = body
        }
        await receiver.shutdown()
        #expect(statuses == [500, 200, 200])
        #expect(lastBody == "done")
    }

    @Test func unmatchedRequestsGetTheDefaultAnswers() async throws {
        let script = try ReceiverScript.parse(yaml: "rules: [{path: /only, method: DELETE, response: {status: 418}}]")
        let receiver = try await Receiver.start(script: script)
        let (status, body, _) = try await fetch(receiver.baseURL + "/only")
        let (pathStatus, _, _) = try await fetch(receiver.baseURL + "/x/status/503")
        await receiver.shutdown()
        #expect(status == 200)
        #expect(try JSONValue.parse(body)["received"] == .int(0))
        #expect(pathStatus == 503)
    }

    @Test func sendsScriptedHeadersAndBytes() async throws {
        let bytes: [UInt8] = [0xFF, 0x00, 0xC3, 0x28]
        let script = ReceiverScript(rules: [
            .init(
                path: .exact("/bin"),
                responses: [
                    .init(status: 299, headers: [HeaderField("Location", "/elsewhere"), HeaderField("X-A", "1")], body: .bytes(bytes))
                ])
        ])
        let receiver = try await Receiver.start(script: script)
        let response = try await HTTPClient.shared.execute(HTTPClientRequest(url: receiver.baseURL + "/bin"), timeout: .seconds(30))
        let body = try await response.body.collect(upTo: 1 << 16)
        await receiver.shutdown()
        #expect(response.status.code == 299)
        #expect(response.headers["Location"] == ["/elsewhere"])
        #expect(response.headers["X-A"] == ["1"])
        #expect(Array(body.readableBytesView) == bytes)
    }

    @Test func delaysTheHeadByTheScriptedTime() async throws {
        let script = try ReceiverScript.parse(yaml: "rules: [{path: /slow, response: {delay: 300ms}}]")
        let receiver = try await Receiver.start(script: script)
        let started = ContinuousClock.now
        let (status, _, _) = try await fetch(receiver.baseURL + "/slow")
        let elapsed = ContinuousClock.now - started
        await receiver.shutdown()
        #expect(status == 200)
        #expect(elapsed >= .milliseconds(300))
    }

    @Test func streamsAFillerBodyOfTheScriptedSize() async throws {
        let script = try ReceiverScript.parse(yaml: "rules: [{path: /big, response: {bodyBytes: 5MiB}}]")
        let receiver = try await Receiver.start(script: script)
        let response = try await HTTPClient.shared.execute(HTTPClientRequest(url: receiver.baseURL + "/big"), timeout: .seconds(30))
        var total = 0
        for try await chunk in response.body { total += chunk.readableBytes }
        await receiver.shutdown()
        #expect(response.headers["Content-Length"] == ["5242880"])
        #expect(total == 5 * 1024 * 1024)
    }

    @Test func dripsTheBodyAFewBytesAtATime() async throws {
        let script = try ReceiverScript.parse(
            yaml: "rules: [{path: /drip, response: {body: abcdefghijkl, drip: {bytes: 4, every: 100ms}}}]")
        let receiver = try await Receiver.start(script: script)
        let started = ContinuousClock.now
        let response = try await HTTPClient.shared.execute(HTTPClientRequest(url: receiver.baseURL + "/drip"), timeout: .seconds(30))
        let headAfter = ContinuousClock.now - started
        var pieces: [String] = []
        for try await chunk in response.body { pieces.append(String(buffer: chunk)) }
        let elapsed = ContinuousClock.now - started
        await receiver.shutdown()
        #expect(pieces.joined() == "abcdefghijkl")
        #expect(pieces.count >= 2)
        #expect(headAfter < elapsed)
        #expect(elapsed >= .milliseconds(300))
    }

    @Test func resetClosesTheConnectionWithoutAnyResponse() async throws {
        let script = try ReceiverScript.parse(yaml: "rules: [{path: /rst, response: {reset: true}}]")
        let seen = RequestLog()
        let receiver = try await Receiver.start(script: script) { seen.append($0) }
        var request = HTTPClientRequest(url: receiver.baseURL + "/rst")
        request.method = .POST
        request.body = .bytes(ByteBuffer(string: "payload"))
        await #expect(throws: (any Error).self) {
            _ = try await HTTPClient.shared.execute(request, timeout: .seconds(30))
        }
        await receiver.shutdown()
        let logged = seen.all
        #expect(logged.count == 1)
        #expect(logged.first?.body == "payload")
        #expect(logged.first?.wasReset == true)
        #expect(logged.first?.logLine.contains("RESET") == true)
    }

    @Test func gzipBombIsAValidGzipStreamOfTheScriptedSize() async throws {
        let gzip = try #require(
            ["/usr/bin/gzip", "/bin/gzip"].first { FileManager.default.isExecutableFile(atPath: $0) },
            "gzip is needed to inflate the stream")
        let size = 3 * 1024 * 1024 + 123
        let script = try ReceiverScript.parse(yaml: "rules: [{path: /bomb, response: {gzipBomb: \(size)}}]")
        let receiver = try await Receiver.start(script: script)
        // HTTPClient.shared inflates (and stops this bomb with its ratio limit); read the raw stream.
        var configuration = HTTPClient.Configuration()
        configuration.decompression = .disabled
        let client = HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
        let response: HTTPClientResponse
        let compressed: ByteBuffer
        do {
            response = try await client.execute(HTTPClientRequest(url: receiver.baseURL + "/bomb"), timeout: .seconds(30))
            compressed = try await response.body.collect(upTo: 1 << 20)
        } catch {
            // Shut down on the way out too: a client dropped while running traps the test process.
            try await client.shutdown()
            await receiver.shutdown()
            throw error
        }
        try await client.shutdown()
        await receiver.shutdown()
        #expect(response.headers["Content-Encoding"] == ["gzip"])
        #expect(compressed.readableBytes < size / 100)

        let folder = try EngineFixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: folder) }
        let file = folder.appendingPathComponent("bomb.gz")
        try Data(compressed.readableBytesView).write(to: file)
        // -l checks the trailer's size; -t checks the CRC.
        let listing = try await runTool([gzip, "-l", "-v", file.path])
        #expect(listing.status == 0)
        #expect(listing.output.contains(" \(size) "))
        #expect(try await runTool([gzip, "-t", file.path]).status == 0)
    }

    @Test func shutdownCutsAScriptedDelayShort() async throws {
        let script = try ReceiverScript.parse(yaml: "rules: [{path: /hang, response: {delay: 60s}}]")
        let (arrivals, arrived) = AsyncStream.makeStream(of: Void.self)
        let receiver = try await Receiver.start(script: script) { _ in arrived.yield() }
        let client = Task { try? await HTTPClient.shared.execute(HTTPClientRequest(url: receiver.baseURL + "/hang"), timeout: .seconds(90)) }
        var iterator = arrivals.makeAsyncIterator()
        _ = await iterator.next()
        let started = ContinuousClock.now
        await receiver.shutdown()
        let took = ContinuousClock.now - started
        _ = await client.value
        // Long before the 60 s delay ends, with room for a loaded machine.
        #expect(took < .seconds(30))
    }

    private func fetch(_ url: String) async throws -> (Int, String, [(String, String)]) {
        let response = try await HTTPClient.shared.execute(HTTPClientRequest(url: url), timeout: .seconds(30))
        let body = try await response.body.collect(upTo: 1 << 20)
        return (Int(response.status.code), String(buffer: body), response.headers.map { ($0.name, $0.value) })
    }
}

/// What a receiver got, collected from its `onRequest` callback.
final class RequestLog: Sendable {
    private let requests = Mutex<[ReceivedRequest]>([])

    func append(_ request: ReceivedRequest) { requests.withLock { $0.append(request) } }
    var all: [ReceivedRequest] { requests.withLock { $0 } }
}
