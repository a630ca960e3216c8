import Foundation
import StudioModel
import Testing
@testable import StudioTUI

/// ⏎ on a traffic line shows the whole exchange; R replays the selected delivery; y copies its
/// request as curl.
struct TrafficDetailsTests {
    /// A failed attempt with masked credentials, a JSON request and a JSON error answer.
    static var exchange: AttemptRecord {
        var record = Fixtures.record(7, status: 422)
        record.deliveryID = "msg_01JD0000000000000000000000"
        record.method = "POST"
        record.requestHeaders = [
            HeaderField("Content-Type", "application/json"), HeaderField("Authorization", "Basic ••••••"),
            HeaderField("webhook-id", "msg_01JD0000000000000000000000"),
        ]
        record.requestBody = #"{"name":"Ada","address":{"city":"Oslo","zip":"0150"},"tags":["vip"]}"#
        record.responseHeaders = [HeaderField("Content-Type", "application/json")]
        record.responseBody = #"{"error":"zip is not valid for country"}"#
        record.workflowID = "welcome-series"
        record.nodeID = "direct-mail"
        return record
    }

    private func stateShowingExchange(readonly: Bool = false) -> AppState {
        var state = Fixtures.state(records: 3)
        state.readonly = readonly
        _ = reduce(&state, .traffic(records: [Self.exchange], dropped: 0))
        Fixtures.focus(.traffic, in: &state)
        return state
    }

    /// A hold sent nothing: its row and its details say so, not an attempt number that the
    /// attempt made once the endpoint is resumed takes.
    @Test func aHoldIsShownAsHeldNotAsAnAttempt() {
        var hold = Fixtures.record(1, status: nil)
        hold.attempt = AttemptRecord.heldAttempt
        hold.outcome = .failed(errorClass: "endpoint_paused", message: "endpoint lob-letter is paused: 410 Gone")
        #expect(TrafficRow.segments(for: hold, width: 80, timeZone: .gmt).last?.text == " held")
        let about = TrafficDetailsView.lines(for: hold, state: Fixtures.state(records: 1)).map(\.text)
        #expect(about.contains { $0.hasPrefix("held, not sent · scheduled") }, "\(about)")
    }

    /// A 200 whose answer could not be used (an Update User Profile answer that is not a JSON
    /// object) failed its step: its row leads with the error class, as a row with no answer does,
    /// and its details say why under the answer; the row read as a plain success.
    @Test func aTwoHundredThatFailedSaysSoOnItsRowAndInItsDetails() {
        var lookup = Fixtures.record(1, status: 200)
        lookup.url = "https://partner.example/profile?email=ada%40example.com"
        lookup.responseBody = "tier=gold"
        lookup.outcome = .failed(
            errorClass: "profile_answer", message: "the answer cannot be merged into the profile: the answer is not JSON: 1:1: x")
        let row = TrafficRow.segments(for: lookup, width: 200, timeZone: .gmt).map(\.text).joined()
        #expect(row.contains(" 200 "), "\(row)")
        #expect(row.contains("profile_answer · partner.example/profile?email=ada%40example.com"), "\(row)")
        let about = TrafficDetailsView.lines(for: lookup, state: Fixtures.state(records: 1)).map(\.text)
        #expect(about.contains { $0.contains("profile_answer: the answer cannot be merged into the profile") }, "\(about)")
        #expect(about.contains { $0.contains("tier=gold") }, "\(about)")
    }

    /// QA F13: the user column stayed 22 wide on wide terminals, cutting ordinary addresses.
    /// QA: an open preview kept the screen's keys in the bar (`⏎ fields`, which closes it).
    @Test func anOpenPreviewOrExchangeShowsItsOwnKeys() throws {
        var state = Fixtures.state(records: 3)
        _ = reduce(&state, .showPreview(Fixtures.record(1)))
        let preview = LongTextTests.rows(renderApp(state))[22]
        #expect(preview.contains("j/k scroll") && preview.contains("y curl") && preview.contains("Esc close"), "\(preview)")
        #expect(!preview.contains("fields") && !preview.contains("replay"), "\(preview)")
        _ = reduce(&state, .key(.escape))
        _ = reduce(&state, .showExchange(Fixtures.record(1)))
        let exchange = LongTextTests.rows(renderApp(state))[22]
        #expect(exchange.contains("R replay") && exchange.contains("Esc close"), "\(exchange)")
        // A test send is no delivery: R, which would refuse it, is not offered (QA).
        _ = reduce(&state, .key(.escape))
        var test = Fixtures.record(2)
        test.trigger = .test
        _ = reduce(&state, .showExchange(test))
        let testExchange = LongTextTests.rows(renderApp(state))[22]
        #expect(testExchange.contains("y curl") && !testExchange.contains("replay"), "\(testExchange)")
    }

    /// The total is the schedule of the attempt's webhook: `1/1` with no retries, `2/4` with three
    /// (QA: every line said `/8`, as if seven retries were to come after a final failure).
    @Test func anAttemptCountsAgainstItsWebhooksSchedule() {
        var state = AppState(workspace: Workspace(), size: Size(width: 100, height: 30))
        state.workspace.webhooks = [
            Webhook(id: "once", method: .post, url: "http://127.0.0.1:9/a", retries: []),
            Webhook(id: "thrice", method: .post, url: "http://127.0.0.1:9/b",
                    retries: [WorkflowDuration(seconds: 5, text: "5s"), WorkflowDuration(seconds: 60, text: "1m"),
                              WorkflowDuration(seconds: 3600, text: "1h")]),
        ]
        var once = Fixtures.record(1)
        once.webhookID = "once"
        var thrice = Fixtures.record(2)
        thrice.webhookID = "thrice"
        thrice.attempt = 2
        var standard = Fixtures.record(3)
        standard.webhookID = "gone"
        let shown = [once, thrice, standard].map { record in
            TrafficRow.attemptText(record, of: state.workspace.scheduledAttempts(ofWebhook: record.webhookID))
        }
        #expect(shown == ["1/1", "2/4", "1/8"])
    }

    /// QA: a replay of a delivery that used its 8 attempts read `9/8`, like a counting bug.
    @Test func anAttemptOutsideTheScheduleShowsItsNumberAlone() {
        var replayed = Fixtures.record(1)
        replayed.attempt = 9
        replayed.trigger = .replay
        var ninth = Fixtures.record(2)
        ninth.attempt = 9
        var third = Fixtures.record(3)
        third.attempt = 3
        #expect([replayed, ninth, third].map { TrafficRow.attemptText($0, of: 8) } == ["9", "9", "3/8"])
        let line = TrafficRow.segments(for: replayed, width: 78, timeZone: .gmt).map(\.text).joined()
        #expect(line.hasSuffix("    9"), "\(line)")
    }

    @Test func wideTerminalsWidenTheUserColumn() {
        var record = Fixtures.record(1, status: 200)
        record.userEmail = "dennis.wilson85@example.com"
        func user(_ width: Int) -> String { TrafficRow.segments(for: record, width: width, timeZone: .gmt)[5].text }
        #expect(user(78) == "dennis.wilson85@exa… ")
        #expect(user(130).hasPrefix("dennis.wilson85@example.com "))
        #expect(TrafficRow.segments(for: record, width: 130, timeZone: .gmt).reduce(0) { $0 + DisplayWidth.width(of: $1.text) } == 130)
    }

    @Test func enterOnATrafficLineOpensItsExchangeAndEscapeClosesIt() {
        var state = stateShowingExchange()
        _ = reduce(&state, .key(.enter))
        #expect(state.details?.record.deliveryID == Self.exchange.deliveryID)
        _ = reduce(&state, .key(.escape))
        #expect(state.details == nil)
    }

    @Test func theExchangeShowsHeadersAndPrettyJSONBodies() {
        var state = stateShowingExchange()
        _ = reduce(&state, .key(.enter))
        let text = TrafficDetailsView.lines(for: Self.exchange, state: state).map(\.text)
        #expect(text.first == "POST https://api.lob.com/v1/letters")
        #expect(text.contains("  Authorization: Basic ••••••"))
        #expect(text.contains(#"      "city": "Oslo","#), "\(text)")
        #expect(text.contains("Response 422"))
    }

    /// An answer coded with gzip (which Hookline does not ask for) showed as base64 of the coded
    /// bytes: opening it asks the runtime to decode it, and the decoded text is what is shown.
    @Test func aGzipCodedAnswerIsShownDecoded() throws {
        var coded = Self.exchange
        coded.responseHeaders = [HeaderField("Content-Type", "application/json"), HeaderField("content-encoding", "gzip")]
        coded.responseBody = "H4sIAAAAAAACA6tWys9WsiopKk3VUcrLL0lVslLKSM3JyVegP6lUCwAedPx7jQAAAA=="
        coded.responseBodyIsBase64 = true
        var state = Fixtures.state(records: 3)
        #expect(reduce(&state, .showExchange(Self.exchange)) == [], "not coded: nothing to decode")
        let effects = reduce(&state, .showExchange(coded))
        #expect(effects == [.decodeResponse(coded)])
        let shown = TrafficDetailsView.lines(for: coded, state: state).map(\.text)
        #expect(shown.contains("  (not UTF-8 text: base64 of the bytes received)"), "until it is decoded")

        let decoded = DecodedResponseContent(text: #"{"ok":true,"note":"hello"}"#, isBase64: false, byteCount: 26, truncated: false)
        _ = reduce(&state, .responseDecoded(Self.exchange, decoded))
        #expect(state.details?.decoded == nil, "another exchange's answer")
        _ = reduce(&state, .responseDecoded(coded, decoded))
        #expect(state.details?.decoded == decoded)
        let details = try #require(state.details)
        let text = TrafficDetailsView.lines(for: details.record, decoded: details.decoded, state: state).map(\.text)
        #expect(text.contains("  (decoded from its Content-Encoding: 26 bytes)"), "\(text)")
        #expect(text.contains(#"    "note": "hello""#), "\(text)")
        #expect(!text.contains { $0.contains("H4sI") })
    }

    /// A reason phrase other than the standard one is shown as the server sent it; an empty one
    /// shows the status alone.
    @Test func theResponseShowsAnUnusualReasonPhraseAsReceived() {
        var state = stateShowingExchange()
        _ = reduce(&state, .key(.enter))
        var record = Self.exchange
        record.responseReason = "Not Today"
        #expect(TrafficDetailsView.lines(for: record, state: state).map(\.text).contains("Response 422 Not Today"))
        record.responseReason = ""
        #expect(TrafficDetailsView.lines(for: record, state: state).map(\.text).contains("Response 422"))
    }

    /// The exchange left out `Host` and `Content-Length`, which the endpoint got: the request
    /// shown must be the one sent.
    @Test func theRequestShowsTheHeadersTheClientAddsOnTheWire() {
        var state = stateShowingExchange()
        _ = reduce(&state, .key(.enter))
        let text = TrafficDetailsView.lines(for: Self.exchange, state: state).map(\.text)
        let request = Array(text.drop { $0 != "Request" }.dropFirst().prefix { !$0.isEmpty })
        #expect(request.first == "  Host: api.lob.com", "\(text)")
        #expect(request.last == "  Content-Length: \(Self.exchange.requestBody.utf8.count)", "\(text)")
    }

    /// Each `\r\n` showed as `··` with the whole body on one line: Swift reads CR LF as one
    /// Character, which a split on "\n" never meets.
    @Test func aBodyWithCRLFLineEndsIsShownLineByLine() {
        #expect(TrafficDetailsView.bodyLines("line1\r\nline2\nline3\r\n") == ["line1", "line2", "line3", ""])
    }

    /// A long line that is not JSON (a 3 KB token, minified HTML) was cut at 2,048 characters
    /// with `…`: the exchange shows it whole, wrapped.
    @Test func aLongBodyLineIsWrappedWhole() {
        var record = Self.exchange
        record.responseBody = String(repeating: "abcdefghij", count: 300) + "THE-END"
        var state = stateShowingExchange()
        _ = reduce(&state, .key(.enter))
        let text = TrafficDetailsView.lines(for: record, state: state).map(\.text)
        let body = text.drop { !$0.hasPrefix("Response") }.joined()
        #expect(body.contains("THE-END"), "\(text.suffix(3))")
        #expect(!body.contains("…"))
    }

    @Test func scrollingStaysWithinTheExchange() {
        var state = stateShowingExchange()
        _ = reduce(&state, .key(.enter))
        let total = TrafficDetailsView.lines(for: Self.exchange, state: state).count
        let visible = TrafficDetailsView.visibleLineCount(state)
        for _ in 0..<100 { _ = reduce(&state, .key(.char("j"))) }
        #expect(state.details?.scroll == max(0, total - visible))
        _ = reduce(&state, .key(.char("g")))
        #expect(state.details?.scroll == 0)
    }

    @Test func replayAsksTheEngineForTheSelectedDelivery() {
        var state = stateShowingExchange()
        #expect(reduce(&state, .key(.char("R"))) == [.replay(deliveryID: Self.exchange.deliveryID)])
        #expect(state.status?.text == "replaying \(Self.exchange.deliveryID)…")
        _ = reduce(&state, .key(.enter))
        #expect(reduce(&state, .key(.char("R"))) == [.replay(deliveryID: Self.exchange.deliveryID)])
    }

    /// A test send has no outbox row: R says so instead of asking the engine for a delivery that is not there.
    @Test func aTestSendIsNotReplayed() {
        var state = Fixtures.state(records: 3)
        var test = Self.exchange
        test.trigger = .test
        _ = reduce(&state, .traffic(records: [test], dropped: 0))
        Fixtures.focus(.traffic, in: &state)
        #expect(reduce(&state, .key(.char("R"))) == [])
        #expect(state.status?.text == "a test send is no delivery, so it has nothing to replay: t sends another")
        // Nor does its exchange offer it.
        _ = reduce(&state, .key(.enter))
        let footer = renderApp(state).rowText(TrafficDetailsView.box(state).maxY - 1)
        #expect(footer.contains("Esc closes") && !footer.contains("R replay"), "\(footer)")
    }

    @Test func readOnlyStudiosCannotReplay() {
        var state = stateShowingExchange(readonly: true)
        #expect(reduce(&state, .key(.char("R"))).isEmpty)
        _ = reduce(&state, .key(.enter))
        #expect(reduce(&state, .key(.char("R"))).isEmpty)
        #expect(!state.keyMap.barBindings(focus: .traffic, readonly: true).contains { $0.id == .replay })
    }

    @Test func yCopiesTheSelectedAttemptOrTheOpenExchangeAsCurl() {
        var state = stateShowingExchange(readonly: true)
        #expect(reduce(&state, .key(.char("y"))) == [.copyAsCurl(Self.exchange)])
        _ = reduce(&state, .key(.enter))
        #expect(reduce(&state, .key(.char("y"))) == [.copyAsCurl(Self.exchange)])
        // A preview was not sent, but copying it is how to send it by hand.
        _ = reduce(&state, .showPreview(Self.exchange))
        #expect(reduce(&state, .key(.char("y"))) == [.copyAsCurl(Self.exchange)])
    }

    @Test func yWithoutASelectedAttemptSaysWhatItNeeds() {
        var state = Fixtures.state(records: 0)
        Fixtures.focus(.traffic, in: &state)
        #expect(reduce(&state, .key(.char("y"))).isEmpty)
        #expect(state.status?.text == "select an attempt in the traffic pane to copy it as curl")
    }

    @Test func detailsOverlayAt80x24() {
        var state = stateShowingExchange()
        _ = reduce(&state, .key(.enter))
        Snapshot.assert(renderApp(state), named: "details-80x24", styles: false)
    }
}
