import Foundation
import StudioEngine
import StudioModel
import Synchronization
import Testing

struct ExecutorTests {
    private let secrets = ["lob_key": "sk_live_very_secret_1234"]

    @Test func runsEveryNodeAgainstTheReceiverAndStoresEachAttempt() async throws {
        let receiver = try await Receiver.start()
        let folder = try EngineFixtures.temporaryDirectory()
        let storePath = folder.appendingPathComponent(".hookline/state.sqlite").path
        let engine = try Engine(
            workspace: EngineFixtures.workspace(baseURL: receiver.baseURL), secrets: secrets,
            configuration: .init(timeScale: 1_000_000, storePath: storePath))
        try engine.store.saveUsers(EngineFixtures.users)

        for user in EngineFixtures.users {
            try engine.executor.track(TrackedEvent(email: user["email"]?.stringValue ?? "", name: "signup"))
        }
        await engine.executor.waitUntilIdle()
        await engine.shutdown()
        await receiver.shutdown()

        // A fresh connection to the file sees what the executor wrote.
        let reopened = try SQLiteStateStore(path: storePath)
        let attempts = try reopened.recentAttempts(limit: 100)
        // 3 letters + 3 profile lookups + 2 VIP calls for the two "pro" users.
        #expect(attempts.count == 8)
        #expect(attempts.allSatisfy { $0.status == 200 && $0.outcome == .success })
        #expect(Set(attempts.compactMap(\.nodeID)) == ["direct-mail", "enrich", "vip-call"])
        #expect(attempts.filter { $0.nodeID == "vip-call" }.compactMap(\.userEmail).sorted() == ["ada@example.com", "cy@example.com"])
    }

    /// As in Iterable, an event for an address the store does not know creates its user; a known
    /// user's profile is left as it was.
    @Test func anEventForANewAddressCreatesItsUser() async throws {
        let engine = try Engine(workspace: Workspace(), secrets: [:], configuration: .init())
        try engine.store.saveUsers(EngineFixtures.users)
        let known = try #require(EngineFixtures.users.first)
        try engine.executor.track(TrackedEvent(email: "new@example.com", name: "pageView"))
        try engine.executor.track(TrackedEvent(email: known["email"]?.stringValue ?? "", name: "pageView"))
        await engine.executor.waitUntilIdle()
        #expect(try engine.store.user(email: "new@example.com") == ["email": "new@example.com"])
        #expect(try engine.store.user(email: known["email"]?.stringValue ?? "") == known)
        await engine.shutdown()
    }

    @Test func sendsTypedJSONBodiesAndMasksTheSecretEverywhere() async throws {
        let wire = Mutex<[ReceivedRequest]>([])
        let receiver = try await Receiver.start { request in wire.withLock { $0.append(request) } }
        let engine = try Engine(
            workspace: EngineFixtures.workspace(baseURL: receiver.baseURL), secrets: secrets,
            configuration: .init(timeScale: 1_000_000))
        try engine.store.saveUsers(EngineFixtures.users)
        try engine.executor.start(workflowID: "welcome", emails: ["cy@example.com"])
        await engine.executor.waitUntilIdle()
        await engine.shutdown()
        await receiver.shutdown()

        // The secret reached the wire…
        let sent = try #require(wire.withLock { $0 }.first { $0.path == "/v1/letters" })
        let credentials = Data("sk_live_very_secret_1234:".utf8).base64EncodedString()
        #expect(sent.headers.contains { $0.name.lowercased() == "authorization" && $0.value == "Basic " + credentials })
        #expect(sent.headers.contains { $0.name.lowercased() == "x-campaign" && $0.value == "Welcome" })
        // …and nothing stored holds it.
        let letter = try #require(try engine.store.recentAttempts(limit: 10).first { $0.nodeID == "direct-mail" })
        let body = try JSONValue.parse(letter.requestBody)
        #expect(body["age"] == .int(29))
        #expect(body["name"] == "friend")
        #expect(body["city"] == "Oslo")
        let authorization = letter.requestHeaders.first { $0.name == "Authorization" }?.value
        #expect(authorization == "Basic ••••••")
        let everything = AttemptJSON.encode(letter).jsonText
        #expect(!everything.contains("sk_live_very_secret_1234"))
        #expect(!everything.contains(Data("sk_live_very_secret_1234:".utf8).base64EncodedString()))
        #expect(letter.requestHeaders.contains { $0.name == "webhook-id" && $0.value.hasPrefix("msg_") })
    }

    /// A field that cannot be set is logged with the helper's reason, which quotes the value it
    /// could not read: a secret there is masked.
    @Test func anUpdateProfileFieldThatFailsOnASecretLogsItMasked() async throws {
        var workspace = EngineFixtures.workspace(baseURL: "http://127.0.0.1:9")
        workspace.workflows = [
            Workflow(
                id: "stamp", name: "Stamp", start: .manual,
                nodes: [
                    WorkflowNode(
                        id: "set", kind: .updateProfile([ProfileFieldUpdate(field: "since", value: "{{dateFormat secret.lob_key}}")]),
                        next: .single("done")),
                    WorkflowNode(id: "done", kind: .exit),
                ])
        ]
        let log = LogCapture()
        let engine = try Engine(
            workspace: workspace, secrets: secrets, configuration: .init(timeScale: 1_000_000), logger: log.logger)
        try engine.store.saveUsers(EngineFixtures.users)
        try engine.executor.start(workflowID: "stamp", emails: ["ada@example.com"])
        await engine.executor.waitUntilIdle()
        await engine.shutdown()

        let warning = try #require(log.messages.first { $0.contains("'since' not set") })
        #expect(warning.contains("dateFormat cannot read '\(SecretMasker.mask)'"), "\(warning)")
        #expect(!log.messages.joined().contains("sk_live_very_secret_1234"))
    }

    @Test func anUpdateProfileNodeSavesTheFieldsAndLaterStepsSplitAndRenderOnThem() async throws {
        let wire = Mutex<[ReceivedRequest]>([])
        let receiver = try await Receiver.start { request in wire.withLock { $0.append(request) } }
        var workspace = EngineFixtures.workspace(baseURL: receiver.baseURL)
        workspace.workflows = [
            Workflow(
                id: "tiers", name: "Tiers", start: .manual,
                nodes: [
                    WorkflowNode(
                        id: "set",
                        kind: .updateProfile([
                            ProfileFieldUpdate(field: "tier", value: "{{#if (eq plan \"pro\")}}gold{{else}}silver{{/if}}"),
                            ProfileFieldUpdate(field: "years", value: "{{age}}"),
                            ProfileFieldUpdate(field: "address.zone", value: "north"),
                        ]),
                        next: .single("by-tier")),
                    WorkflowNode(
                        id: "by-tier",
                        kind: .attributeSplit(field: "tier", branches: [AttributeBranch(name: "gold", values: ["gold"])]),
                        next: .branches(["gold": "vip-call", "else": "done"])),
                    WorkflowNode(id: "vip-call", kind: .callWebhook(webhook: "vip-tier", onError: .exit), next: .single("done")),
                    WorkflowNode(id: "done", kind: .exit),
                ])
        ]
        workspace.webhooks.append(
            Webhook(
                id: "vip-tier", method: .post, url: receiver.baseURL + "/crm/tier",
                body: .json(template: #"{"email": "{{email}}", "tier": "{{tier}}", "years": {{years}}, "zone": "{{address.zone}}"}"#)))
        let engine = try Engine(workspace: workspace, secrets: secrets, configuration: .init(timeScale: 1_000_000))
        try engine.store.saveUsers(EngineFixtures.users)
        try engine.executor.start(workflowID: "tiers", emails: EngineFixtures.users.compactMap { $0["email"]?.stringValue })
        await engine.executor.waitUntilIdle()
        await engine.shutdown()
        await receiver.shutdown()

        // Only the two pro users took the gold branch, and the call saw the fields just set, typed.
        let bodies = try wire.withLock { $0 }.filter { $0.path == "/crm/tier" }.map { try JSONValue.parse($0.body) }
        #expect(bodies.compactMap { $0["email"]?.stringValue }.sorted() == ["ada@example.com", "cy@example.com"])
        #expect(bodies.first { $0["email"] == "ada@example.com" } == ["email": "ada@example.com", "tier": "gold", "years": 36, "zone": "north"])
        // The profiles in the store have them too.
        let profiles = try engine.store.users(emails: ["ada@example.com", "bob@example.com"])
        #expect(profiles["bob@example.com"]?["tier"] == "silver")
        #expect(profiles["bob@example.com"]?["years"] == .int(41))
        #expect(profiles["ada@example.com"]?["address"]?["zone"] == "north")
        #expect(profiles["ada@example.com"]?["address"]?["city"] == "London")
    }

    /// A journey holds the profile it read when it started; an Update Profile step wrote that
    /// copy back whole, so a field an API call changed while the journey waited on a webhook was
    /// set back. The step now sets its fields on the stored profile.
    @Test func anUpdateProfileStepKeepsWhatChangedTheProfileMeanwhile() async throws {
        let storePath = try EngineFixtures.temporaryDirectory().appendingPathComponent("state.sqlite").path
        let store = try SQLiteStateStore(path: storePath)
        try store.saveUsers(EngineFixtures.users)
        let receiver = try await Receiver.start(
            script: try script("{path: /crm/vip, response: {status: 200, delay: 300ms}}")
        ) { _ in _ = try? store.mergeUsers([["email": "ada@example.com", "plan": "team"]], mergeNestedObjects: false) }
        var workspace = EngineFixtures.workspace(baseURL: receiver.baseURL)
        workspace.workflows = [
            Workflow(
                id: "tier", name: "Tier", start: .manual,
                nodes: [
                    WorkflowNode(id: "call", kind: .callWebhook(webhook: "vip", onError: .exit), next: .single("set")),
                    WorkflowNode(id: "set", kind: .updateProfile([ProfileFieldUpdate(field: "tier", value: "gold")])),
                ])
        ]
        let engine = try Engine(
            workspace: workspace, secrets: secrets, configuration: .init(timeScale: 1_000_000, storePath: storePath))
        try engine.executor.start(workflowID: "tier", emails: ["ada@example.com"])
        await engine.executor.waitUntilIdle()
        await engine.shutdown()
        await receiver.shutdown()

        let profile = try #require(try store.user(email: "ada@example.com"))
        #expect(profile["plan"] == "team")
        #expect(profile["tier"] == "gold")
        #expect(profile["firstName"] == "Ada")
    }

    /// A field's type is the project's: an Update Profile step that would store text in a number
    /// field (another user's `age` decides it, this one has none), or make an object of a text
    /// field on a path, leaves the field and logs why; the step's other fields are set.
    @Test func anUpdateProfileValueOfAnotherTypeThanItsFieldKeepsIsNotSet() async throws {
        var workspace = EngineFixtures.workspace(baseURL: "http://127.0.0.1:9")
        workspace.workflows = [
            Workflow(
                id: "typed", name: "Typed", start: .manual,
                nodes: [
                    WorkflowNode(
                        id: "set",
                        kind: .updateProfile([
                            ProfileFieldUpdate(field: "age", value: "forty"),
                            ProfileFieldUpdate(field: "plan.tier", value: "gold"),
                            ProfileFieldUpdate(field: "note", value: "kept"),
                        ]))
                ])
        ]
        let log = LogCapture()
        let engine = try Engine(
            workspace: workspace, secrets: secrets, configuration: .init(timeScale: 1_000_000), logger: log.logger)
        try engine.store.saveUsers(EngineFixtures.users + [["email": "new@example.com", "firstName": "New"]])
        try engine.executor.start(workflowID: "typed", emails: ["new@example.com", "ada@example.com"])
        await engine.executor.waitUntilIdle()
        await engine.shutdown()

        let newcomer = try #require(try engine.store.user(email: "new@example.com"))
        #expect(newcomer["age"] == nil)
        #expect(newcomer["note"] == "kept")
        let ada = try #require(try engine.store.user(email: "ada@example.com"))
        #expect(ada["age"] == .int(36))
        #expect(ada["plan"] == "pro")
        #expect(ada["note"] == "kept")
        #expect(try engine.store.profileFieldTypes()["age"] == .number)
        let warnings = log.messages.filter { $0.contains("node set:") && $0.contains("left as it was") }
        #expect(warnings.filter { $0.contains("field 'age' has type number") }.count == 2, "\(log.messages)")
        #expect(warnings.contains { $0.contains("field 'plan' has type string") }, "\(log.messages)")
    }

    /// A raw tag alone (`{{{x}}}`, `{{& x}}`) prints its value as text, so the field is set to that
    /// text; it was rendered as a JSON value (`Ada`, invalid) and the field was not set.
    @Test func anUpdateProfileFieldThatIsOneRawTagIsSetToItsText() async throws {
        var workspace = EngineFixtures.workspace(baseURL: "http://127.0.0.1:9")
        workspace.workflows = [
            Workflow(
                id: "copy", name: "Copy", start: .manual,
                nodes: [
                    WorkflowNode(
                        id: "set",
                        kind: .updateProfile([
                            ProfileFieldUpdate(field: "a", value: "{{{firstName}}}"),
                            ProfileFieldUpdate(field: "c", value: "{{&plan}}"),
                            ProfileFieldUpdate(field: "years", value: " {{age}} "),
                        ]))
                ])
        ]
        let log = LogCapture()
        let engine = try Engine(
            workspace: workspace, secrets: secrets, configuration: .init(timeScale: 1_000_000), logger: log.logger)
        try engine.store.saveUsers(EngineFixtures.users)
        try engine.executor.start(workflowID: "copy", emails: ["ada@example.com"])
        await engine.executor.waitUntilIdle()
        await engine.shutdown()

        #expect(!log.messages.contains { $0.contains("not set") }, "\(log.messages)")
        let profile = try #require(try engine.store.user(email: "ada@example.com"))
        #expect(profile["a"] == "Ada")
        #expect(profile["c"] == "pro")
        #expect(profile["years"] == .int(36))
    }

    @Test func aDateDelayWaitsForTheFieldsDateAndLetsPastOrMissingDatesGoOnAtOnce() async throws {
        let receiver = try await Receiver.start()
        var workspace = EngineFixtures.workspace(baseURL: receiver.baseURL)
        workspace.workflows = [
            Workflow(
                id: "renewal", name: "Renewal", start: .manual,
                nodes: [
                    WorkflowNode(
                        id: "before", kind: .delayUntil(DateDelay(field: "renewsAt", offset: -500, offsetText: "-500s")),
                        next: .single("call")),
                    WorkflowNode(id: "call", kind: .callWebhook(webhook: "vip", onError: .exit)),
                ])
        ]
        // ×1,000: ada's renewal is 2,000 workflow seconds away, so 1.5 s of real time after the offset.
        let engine = try Engine(workspace: workspace, secrets: secrets, configuration: .init(timeScale: 1_000))
        let soon = Date().addingTimeInterval(2_000).formatted(.iso8601)
        try engine.store.saveUsers([
            ["email": "ada@example.com", "renewsAt": .string(soon)], ["email": "bob@example.com", "renewsAt": "2001-01-01"],
            ["email": "cy@example.com"],
        ])
        let started = Date()
        try engine.executor.start(workflowID: "renewal", emails: ["ada@example.com", "bob@example.com", "cy@example.com"])
        await engine.executor.waitUntilIdle()
        await engine.shutdown()
        await receiver.shutdown()

        let attempts = try engine.store.recentAttempts(limit: 10)
        let waited = try #require(attempts.first { $0.userEmail == "ada@example.com" })
        #expect(waited.startedAt.timeIntervalSince(started) >= 1.4)
        for email in ["bob@example.com", "cy@example.com"] {
            let attempt = try #require(attempts.first { $0.userEmail == email })
            #expect(attempt.startedAt < waited.startedAt, "\(email)")
        }
    }

    @Test func listNodesChangeStaticListsThatListsPageThrough() async throws {
        let engine = try Engine(
            workspace: Workspace(workflows: [
                Workflow(
                    id: "graduate", name: "Graduate", start: .list("trial"),
                    nodes: [
                        WorkflowNode(id: "join", kind: .addToList("customers"), next: .single("leave")),
                        WorkflowNode(id: "leave", kind: .removeFromList("trial")),
                    ])
            ]), secrets: [:], configuration: .init(timeScale: 1_000_000))
        let trial = (0..<5).map { "user\($0)@example.com" }
        #expect(try engine.store.addToList("trial", emails: trial + ["user0@example.com"]) == 5)
        #expect(try engine.store.listMembers("trial", after: nil, limit: 2) == ["user0@example.com", "user1@example.com"])
        #expect(try engine.store.listMembers("trial", after: "user1@example.com", limit: 10).count == 3)
        try engine.executor.start(workflowID: "graduate", emails: Array(trial.prefix(3)))
        await engine.executor.waitUntilIdle()
        await engine.shutdown()
        #expect(try engine.store.listMembers("customers", after: nil, limit: 10) == Array(trial.prefix(3)))
        #expect(try engine.store.listMembers("trial", after: nil, limit: 10) == Array(trial.suffix(2)))
    }

    @Test func systemWebhookDeliveriesCountInTheRunsTotalsFailuresIncluded() async throws {
        let receiver = try await Receiver.start()
        let workspace = Workspace(
            settings: WorkspaceSettings(name: "Test", networkAllowlist: ["127.0.0.1/32"]),
            workflows: [
                Workflow(
                    id: "mail", name: "Mail", start: .manual,
                    nodes: [WorkflowNode(id: "welcome", kind: .sendEmail(subject: "Hi", body: "Hello"))])
            ],
            systemWebhooks: [
                SystemWebhook(id: "bi", endpoint: receiver.baseURL + "/system/email", events: ["emailSend"]),
                // Nothing listens on port 9 (discard): every attempt is refused.
                SystemWebhook(id: "down", endpoint: "http://127.0.0.1:9/email", events: ["emailSend"]),
            ])
        // ×1,000,000: the refused endpoint's retry schedule passes in a moment.
        let engine = try Engine(workspace: workspace, secrets: [:], configuration: .init(timeScale: 1_000_000))
        try engine.executor.start(workflowID: "mail", emails: ["ada@example.com"])
        await engine.executor.waitUntilIdle()
        let stats = engine.executor.stats
        await engine.shutdown()
        await receiver.shutdown()
        // The two emailSend POSTs settled, one of them failed: `hookline run` says so and exits 1.
        #expect(stats.deliveries == 2)
        #expect(stats.failures == 1)
    }

    /// The email step's system webhook POST as its receiver got it.
    private func systemWebhookRequest(
        endpoint: (String) -> String, workflowName: String = "Mail", subject: String = "Hi",
        events: [String] = ["emailSend"], profile: JSONObject = ["email": "ada@example.com", "firstName": "Ada"]
    ) async throws -> ReceivedRequest {
        let wire = Mutex<[ReceivedRequest]>([])
        let receiver = try await Receiver.start { request in wire.withLock { $0.append(request) } }
        let workspace = Workspace(
            settings: WorkspaceSettings(name: "Test", networkAllowlist: ["127.0.0.1/32"]),
            workflows: [
                Workflow(
                    id: "mail", name: workflowName, start: .manual,
                    nodes: [WorkflowNode(id: "welcome", kind: .sendEmail(subject: subject, body: "Hello"))])
            ],
            systemWebhooks: [SystemWebhook(id: "bi", endpoint: endpoint(receiver.baseURL), events: events)])
        let engine = try Engine(workspace: workspace, secrets: [:], configuration: .init(timeScale: 1_000_000))
        try engine.store.saveUsers([profile])
        try engine.executor.start(workflowID: "mail", emails: ["ada@example.com"])
        await engine.executor.waitUntilIdle()
        await engine.shutdown()
        await receiver.shutdown()
        return try #require(wire.withLock { $0.first })
    }

    /// QA found `?wf={{workflowName}}` arriving as `?wf=` while the body named the workflow.
    /// Iterable fills its campaign and journey context in the URL (domain.md §1.2), encoded as
    /// any URL merge; what it has no value for, and any other name such as `{{email}}`, is blank.
    @Test func aSystemWebhookEndpointGetsTheEventsWorkflowAndLeavesOtherMergesBlank() async throws {
        let sent = try await systemWebhookRequest(
            endpoint: { $0 + "/system/x?wf={{workflowName}}&wid={{workflowId}}&cid={{campaignId}}&to={{email}}" },
            workflowName: "Mail & more")
        #expect(sent.path == "/system/x")
        #expect(sent.query == "wf=Mail%20%26%20more&wid=mail&cid=&to=")
    }

    /// Iterable's samples write `createdAt` as `2016-12-02 20:21:04 +00:00`, not ISO 8601, and
    /// carry the campaign context, null where it does not apply (domain.md §1.4, §1.6).
    @Test func aSystemWebhookPayloadHasIterablesDateAndContextFields() async throws {
        let sent = try await systemWebhookRequest(
            endpoint: { $0 + "/system/email" }, subject: "Hi {{firstName}}")
        let body = try JSONValue.parse(sent.body)
        #expect(body["email"] == "ada@example.com")
        #expect(body["eventName"] == "emailSend")
        let fields = try #require(body["dataFields"]?.objectValue)
        let createdAt = try #require(fields["createdAt"]?.stringValue)
        #expect(createdAt.wholeMatch(of: #/\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2} \+00:00/#) != nil, "\(createdAt)")
        #expect(fields["workflowId"] == "mail")
        #expect(fields["workflowName"] == "Mail")
        #expect(fields["nodeId"] == "welcome")
        #expect(fields["emailSubject"] == "Hi Ada")
        for name in [
            "campaignId", "campaignName", "templateId", "templateName", "channelId", "messageTypeId", "experimentId",
            "messageId", "contentId", "emailId",
        ] {
            #expect(fields[name] == .null, "\(name)")
        }
    }

    /// A subject that does not render for the user (`dateFormat` of a value that is no date) is a
    /// send Iterable skips: `emailSendSkip` with reason `HandlebarsExecutionError` goes to the
    /// webhooks that take it, and no `emailSend` (QA, session 21: `emailSend` went with a null subject).
    @Test func aSubjectThatDoesNotRenderIsASendSkipNotASend() async throws {
        let sent = try await systemWebhookRequest(
            endpoint: { $0 + "/system/email" }, subject: #"Renews {{dateFormat renew format="yyyy-MM-dd"}}"#,
            events: ["emailSend", "emailSendSkip"], profile: ["email": "ada@example.com", "renew": "garbage"])
        let body = try JSONValue.parse(sent.body)
        #expect(body["eventName"] == "emailSendSkip")
        let fields = try #require(body["dataFields"]?.objectValue)
        #expect(fields["reason"] == "HandlebarsExecutionError")
        #expect(fields["email"] == "ada@example.com")
        #expect(fields["nodeId"] == "welcome")
        #expect(fields["emailSubject"] == nil)
    }

    /// Bob's run of `welcome` against `receiver` (its `/profile` answering the Update Profile
    /// step), to its end; the engine, shut down, with what it stored.
    private func bobsWelcome(
        answering receiver: Receiver, profileMethod: HTTPMethod = .get, moreSecrets: [String: String] = [:]
    ) async throws -> Engine {
        var workspace = EngineFixtures.workspace(baseURL: receiver.baseURL)
        workspace.webhooks[1].method = profileMethod
        let engine = try Engine(
            workspace: workspace, secrets: secrets.merging(moreSecrets) { $1 }, configuration: .init(timeScale: 1_000_000))
        try engine.store.saveUsers(EngineFixtures.users)
        try engine.executor.start(workflowID: "welcome", emails: ["bob@example.com"])
        await engine.executor.waitUntilIdle()
        await engine.shutdown()
        await receiver.shutdown()
        return engine
    }

    @Test func mergesTheProfileAnswerIntoTheUser() async throws {
        let engine = try await bobsWelcome(answering: try await Receiver.start())

        let lookup = try #require(try engine.store.recentAttempts(limit: 10).first { $0.nodeID == "enrich" })
        #expect(lookup.method == "GET")
        #expect(lookup.url.hasSuffix("/profile?email=bob%40example.com"))
        #expect(lookup.requestBody.isEmpty)
        #expect(!lookup.requestHeaders.contains { $0.name == "Content-Type" })
        let profile = try #require(try engine.store.user(email: "bob@example.com"))
        #expect(profile["tier"]?.stringValue != nil)
        #expect(profile["firstName"] == "Bob")
    }

    /// A nested field of the answer whose name holds a `.` is left out, as a top-level one is
    /// (QA: `{"prefs": {"a.b": 1}}` was stored, though no template can reach it and the ingest
    /// API refuses it).
    @Test func aNestedDottedNameInAProfileAnswerIsLeftOut() async throws {
        let engine = try await bobsWelcome(
            answering: try await Receiver.start(
                script: try ReceiverScript.parse(
                    yaml: #"rules: [{path: /profile, response: {body: '{"prefs": {"a.b": 1, "ok": 2}, "x.y": 3, "tier": "gold"}'}}]"#)))

        let profile = try #require(try engine.store.user(email: "bob@example.com"))
        #expect(profile["prefs"] == ["ok": 2])
        #expect(profile["x.y"] == nil)
        #expect(profile["tier"] == "gold")
    }

    /// Names the ingest API refuses at any depth (empty, a control character, a `.` inside an
    /// array's object) are left out of an answer too, and said (QA, session 21: `""` and `"a\tb"`
    /// were merged, and even given project field types).
    @Test func anUnreadableNameAnywhereInAProfileAnswerIsLeftOut() async throws {
        let body = #"{\"\": 1, \"a\\tb\": 2, \"nest\": {\"\": 3, \"k\": 4}, \"arr\": [{\"a.b\": 5, \"c\": 6}], \"tier\": \"gold\"}"#
        let engine = try await bobsWelcome(
            answering: try await Receiver.start(
                script: try ReceiverScript.parse(yaml: "rules: [{path: /profile, response: {body: \"\(body)\"}}]")))

        let profile = try #require(try engine.store.user(email: "bob@example.com"))
        #expect(profile[""] == nil && profile["a\tb"] == nil)
        #expect(profile["nest"] == ["k": 4])
        #expect(profile["arr"] == [["c": 6]])
        #expect(profile["tier"] == "gold")
        let types = try engine.store.profileFieldTypes()
        #expect(types[""] == nil && types["a\tb"] == nil && types["tier"] == .string)
    }

    /// An Update Profile step whose webhook is not a GET sends it as written, and does not merge
    /// its answer, as Iterable saves only a GET's (QA: a POST's answer was merged).
    @Test func aProfileWebhookThatIsNotAGETIsSentButItsAnswerNotMerged() async throws {
        let engine = try await bobsWelcome(
            answering: try await Receiver.start(
                script: try ReceiverScript.parse(yaml: #"rules: [{path: /profile, response: {body: '{"tier": "gold"}'}}]"#)),
            profileMethod: .post)

        let lookup = try #require(try engine.store.recentAttempts(limit: 10).first { $0.nodeID == "enrich" })
        #expect(lookup.method == "POST")
        #expect(lookup.url.hasSuffix("/profile?email=bob%40example.com"))
        #expect(lookup.status == 200)
        #expect(try engine.store.user(email: "bob@example.com")?["tier"] == nil, "a POST's answer was merged")
    }

    /// An answer that cannot be merged (gzip-encoded, which hookline never decodes; cut at the
    /// 64 KiB kept; not JSON; JSON but no object) left the profile unchanged while the step
    /// passed, with nothing logged: an enrichment that never happened looked done.
    @Test(arguments: [
        (#"{status: 200, headers: {Content-Encoding: gzip}, bodyBase64: H4sIAAAAAAACA6tWKslMLVKyUkrPz0lRqgUAKZ5rZg8AAAA=}"#,
            "the answer is gzip-encoded"),
        (#"{status: 200, body: '{"tier": "gold", "pad": "\#(String(repeating: "x", count: 70_000))"}'}"#,
            "longer than the 64 KiB kept"),
        ("{status: 200, body: 'tier=gold'}", "the answer is not JSON"),
        (#"{status: 200, body: '["gold"]'}"#, "JSON but not an object"),
    ])
    func aProfileAnswerThatCannotBeMergedFailsTheStep(response: String, reason: String) async throws {
        let receiver = try await Receiver.start(script: try script("{path: /profile, response: \(response)}"))
        let log = LogCapture()
        let engine = try Engine(
            workspace: EngineFixtures.workspace(baseURL: receiver.baseURL), secrets: secrets,
            configuration: .init(timeScale: 1_000_000), logger: log.logger)
        try engine.store.saveUsers(EngineFixtures.users)
        try engine.executor.start(workflowID: "welcome", emails: ["bob@example.com"])
        await engine.executor.waitUntilIdle()
        let stats = engine.executor.stats
        await engine.shutdown()
        await receiver.shutdown()

        #expect(stats.failures == 1, "\(stats.summary)")
        #expect(try engine.store.user(email: "bob@example.com")?["tier"] == nil)
        #expect(
            log.messages.contains { $0.contains("cannot be merged into the profile: ") && $0.contains(reason) }, "\(log.messages)")
        // `enrich` exits on error: nothing after it ran.
        #expect(try engine.store.recentAttempts(limit: 10).map(\.nodeID) == ["direct-mail", "enrich"])
    }

    /// The attempt of an answer that cannot be merged is a failure, its 200 and the answer as
    /// received (masked) kept beside why: it was stored and settled as a success, so the traffic,
    /// `logs` and a HAR export showed a plain 200 for a step that took its error path. It is not
    /// retried: the endpoint answered, and would answer the same.
    @Test(arguments: [
        ("{status: 200, body: 'tier=gold'}", "tier=gold", "the answer is not JSON: "),
        (#"{status: 200, body: '["gold"]'}"#, #"["gold"]"#, "the answer is JSON but not an object"),
        (#"{status: 200, body: '{"tier": "gold", "pad": "\#(String(repeating: "x", count: 70_000))"}'}"#,
            #"{"tier": "gold", "pad": "xxx"#, "the answer is longer than the 64 KiB kept of it"),
    ])
    func aProfileAnswerThatCannotBeMergedIsAFailedAttemptThatKeepsTheAnswer(
        response: String, keptBodyStart: String, reason: String
    ) async throws {
        let receiver = try await Receiver.start(script: try script("{path: /profile, response: \(response)}"))
        let engine = try Engine(
            workspace: EngineFixtures.workspace(baseURL: receiver.baseURL), secrets: secrets,
            configuration: .init(timeScale: 1_000_000))
        try engine.store.saveUsers(EngineFixtures.users)
        try engine.executor.start(workflowID: "welcome", emails: ["bob@example.com"])
        await engine.executor.waitUntilIdle()
        await engine.shutdown()
        await receiver.shutdown()

        let lookups = try engine.store.recentAttempts(limit: 10).filter { $0.nodeID == "enrich" }
        #expect(lookups.count == 1, "a 200 was retried")
        let lookup = try #require(lookups.first)
        #expect(lookup.status == 200)
        #expect(lookup.responseBody.hasPrefix(keptBodyStart))
        #expect(lookup.outcome.errorClass == "profile_answer", "\(lookup.outcome)")
        guard case .failed(_, let message) = lookup.outcome else { return }
        #expect(message.hasPrefix("the answer cannot be merged into the profile: " + reason), "\(message)")
        #expect(try engine.store.delivery(id: lookup.deliveryID)?.status == .failed)
    }

    /// An empty answer (a 204: the partner knows nothing of the user) leaves the profile as it
    /// is and the journey goes on.
    @Test func anEmptyProfileAnswerLeavesTheProfileAndTheJourneyGoesOn() async throws {
        let receiver = try await Receiver.start(script: try script("{path: /profile, response: {status: 204}}"))
        let engine = try Engine(
            workspace: EngineFixtures.workspace(baseURL: receiver.baseURL), secrets: secrets,
            configuration: .init(timeScale: 1_000_000))
        try engine.store.saveUsers(EngineFixtures.users)
        try engine.executor.start(workflowID: "welcome", emails: ["bob@example.com"])
        await engine.executor.waitUntilIdle()
        let stats = engine.executor.stats
        await engine.shutdown()
        await receiver.shutdown()

        #expect(stats.failures == 0, "\(stats.summary)")
        #expect(stats.journeysFinished == 1)
        #expect(try engine.store.user(email: "bob@example.com")?["firstName"] == "Bob")
    }

    /// Iterable refuses a profile write that would change a field's type; the answer's other
    /// fields are still merged, and the refused one is named in the log.
    @Test func aProfileAnswerThatWouldChangeAFieldsTypeLeavesThatFieldAsItWas() async throws {
        let receiver = try await Receiver.start(
            script: try script(#"{path: /profile, response: {status: 200, body: '{"age": "forty", "tier": "gold"}'}}"#))
        let log = LogCapture()
        let engine = try Engine(
            workspace: EngineFixtures.workspace(baseURL: receiver.baseURL), secrets: secrets,
            configuration: .init(timeScale: 1_000_000), logger: log.logger)
        try engine.store.saveUsers(EngineFixtures.users)
        try engine.executor.start(workflowID: "welcome", emails: ["bob@example.com"])
        await engine.executor.waitUntilIdle()
        await engine.shutdown()
        await receiver.shutdown()

        let profile = try #require(try engine.store.user(email: "bob@example.com"))
        #expect(profile["age"] == 41)
        #expect(profile["tier"] == "gold")
        #expect(log.messages.contains { $0.contains("field 'age' has type number and keeps it") }, "\(log.messages)")
    }

    /// A field's type is the project's: `"forty"` for a user without `age` was merged while
    /// other users held numbers in it; it is left out and logged as for a user holding one.
    @Test func aProfileAnswerFollowsTheFieldsTypeInTheProjectForAUserWithoutIt() async throws {
        let receiver = try await Receiver.start(
            script: try script(#"{path: /profile, response: {status: 200, body: '{"age": "forty", "tier": "gold"}'}}"#))
        let log = LogCapture()
        let engine = try Engine(
            workspace: EngineFixtures.workspace(baseURL: receiver.baseURL), secrets: secrets,
            configuration: .init(timeScale: 1_000_000), logger: log.logger)
        try engine.store.saveUsers(
            EngineFixtures.users.map { user in
                var user = user
                if user["email"] == "bob@example.com" { user["age"] = nil }
                return user
            })
        try engine.executor.start(workflowID: "welcome", emails: ["bob@example.com"])
        await engine.executor.waitUntilIdle()
        await engine.shutdown()
        await receiver.shutdown()

        let profile = try #require(try engine.store.user(email: "bob@example.com"))
        #expect(profile["age"] == nil)
        #expect(profile["tier"] == "gold")
        #expect(log.messages.contains { $0.contains("field 'age' has type number and keeps it") }, "\(log.messages)")
    }

    @Test func aFailingEndpointIsRetriedOnScheduleWithOneIDThenTheJourneyExits() async throws {
        let attempts = try await runWelcomeForAda(letterPath: "/v1/letters/status/503")
        #expect(attempts.count == 8)
        #expect(attempts.map(\.attempt) == Array(1...8))
        #expect(attempts.allSatisfy { $0.status == 503 && $0.outcome == .httpError })
        #expect(Set(attempts.map(\.deliveryID)).count == 1)
        // The journey exited at the failed node: no profile lookup followed.
        #expect(!attempts.contains { $0.nodeID == "enrich" })
    }

    @Test func aPermanentClientErrorIsNotRetried() async throws {
        let attempts = try await runWelcomeForAda(letterPath: "/v1/letters/status/422")
        #expect(attempts.count == 1)
        #expect(attempts.first?.status == 422)
    }

    @Test func aWebhooksOwnRetryListReplacesTheSchedule() async throws {
        let attempts = try await runWelcomeForAda(letterPath: "/v1/letters/status/503") { workspace in
            workspace.webhooks[0].retries = [WorkflowDuration(seconds: 10), WorkflowDuration(seconds: 60)]
        }
        #expect(attempts.count == 3)
    }

    @Test func noRetriesMakesOneAttempt() async throws {
        let attempts = try await runWelcomeForAda(letterPath: "/v1/letters/status/503") { workspace in
            workspace.webhooks[0].retries = []
        }
        #expect(attempts.count == 1)
    }

    @Test func aBodyOverOneMebibyteIsRefusedBeforeSending() async throws {
        let attempts = try await runWelcomeForAda { workspace in
            let huge = String(repeating: "x", count: (1 << 20) + 1)
            workspace.webhooks[0].body = .json(template: "{\"pad\": \"\(huge)\"}")
        }
        #expect(attempts.count == 1)
        #expect(attempts.first?.status == nil)
        #expect(attempts.first?.outcome.errorClass == "invalid_request")
    }

    @Test func loopbackIsRefusedUnlessTheWorkspaceAllowsIt() async throws {
        let attempts = try await runWelcomeForAda(allowlist: [])
        #expect(attempts.count == 1)
        #expect(attempts.first?.status == nil)
        #expect(attempts.first?.outcome.errorClass == "blocked_by_policy")
    }

    @Test func aRefusedConnectionIsRecordedWithItsErrorClass() async throws {
        // Port 9 on loopback has no listener here: the connection is refused at once.
        let engine = try Engine(
            workspace: EngineFixtures.workspace(baseURL: "http://127.0.0.1:9"), secrets: secrets,
            configuration: .init(timeScale: 1_000_000))
        try engine.executor.start(workflowID: "welcome", emails: ["ada@example.com"])
        await engine.executor.waitUntilIdle()
        await engine.shutdown()

        let attempt = try #require(try engine.store.recentAttempts(limit: 10).first)
        #expect(attempt.status == nil)
        #expect(attempt.outcome.errorClass == "connection_refused")
        // In words, not NIO's "connection reset (error set): Connection refused".
        #expect(attempt.outcome == .failed(errorClass: "connection_refused", message: "127.0.0.1:9 refused the connection: nothing listens on that port"))
    }

    @Test func delaysWaitForTheScaledDuration() async throws {
        let receiver = try await Receiver.start()
        // 2 days at a time scale of 86,400 is 2 s of real time.
        let engine = try Engine(
            workspace: EngineFixtures.workspace(baseURL: receiver.baseURL), secrets: secrets,
            configuration: .init(timeScale: 86_400))
        try engine.store.saveUsers(EngineFixtures.users)
        let started = ContinuousClock.now
        try engine.executor.start(workflowID: "welcome", emails: ["ada@example.com"])
        await engine.executor.waitUntilIdle()
        let elapsed = ContinuousClock.now - started
        await engine.shutdown()
        await receiver.shutdown()

        #expect(elapsed >= .seconds(2))
        #expect(try engine.store.recentAttempts(limit: 10).contains { $0.nodeID == "vip-call" })
    }

    /// Runs the welcome workflow for Ada against a live receiver; returns the stored attempts.
    private func runWelcomeForAda(
        letterPath: String = "/v1/letters", allowlist: [String] = ["127.0.0.1/32"],
        configure: (inout Workspace) -> Void = { _ in }
    ) async throws -> [AttemptRecord] {
        let receiver = try await Receiver.start()
        var workspace = EngineFixtures.workspace(baseURL: receiver.baseURL, letterPath: letterPath)
        workspace.settings.networkAllowlist = allowlist
        configure(&workspace)
        // At a time scale of 1,000,000 the 27.6 h retry schedule takes about 0.1 s.
        let engine = try Engine(workspace: workspace, secrets: secrets, configuration: .init(timeScale: 1_000_000))
        try engine.store.saveUsers(EngineFixtures.users)
        try engine.executor.start(workflowID: "welcome", emails: ["ada@example.com"])
        await engine.executor.waitUntilIdle()
        await engine.shutdown()
        await receiver.shutdown()
        return try engine.store.recentAttempts(limit: 20)
    }
}

extension ExecutorTests {
    /// A loop with no delay (refused by validate, but a file can change under a running
    /// executor) ends the journey as failed instead of spinning for ever.
    @Test(.timeLimit(.minutes(1)))
    func aLoopWithNoDelayEndsTheJourneyAsFailed() async throws {
        let workflow = Workflow(
            id: "loop", name: "Loop", start: .event("loopme"),
            nodes: [
                WorkflowNode(id: "a", kind: .updateProfile([ProfileFieldUpdate(field: "seen", value: true)]), next: .single("b")),
                WorkflowNode(id: "b", kind: .addToList("looped"), next: .single("a")),
            ])
        let engine = try Engine(
            workspace: Workspace(settings: WorkspaceSettings(name: "Test"), workflows: [workflow], webhooks: []),
            secrets: [:], configuration: .init(timeScale: 1_000_000))
        try engine.store.saveUsers([["email": "ada@example.com"]])
        try engine.executor.track(TrackedEvent(email: "ada@example.com", name: "loopme"))
        await engine.executor.waitUntilIdle()
        let journeys = try engine.store.journeys(email: "ada@example.com", limit: 10)
        await engine.shutdown()
        #expect(journeys.map(\.status) == [.failed])
        #expect(try engine.store.unfinishedJourneys().isEmpty)
    }
}

extension ExecutorTests {
    /// `hookline run X --time-scale N` resumes only X's journeys: another workflow's user asleep
    /// in a two-day delay is not woken early, and a plain resume later still finds them.
    @Test func resumingOneWorkflowLeavesTheOthersAsleepForALaterResume() async throws {
        let folder = try EngineFixtures.temporaryDirectory()
        let storePath = folder.appendingPathComponent(".hookline/state.sqlite").path
        let slow = Workflow(
            id: "slow", name: "Slow", start: .event("signup"),
            nodes: [
                WorkflowNode(id: "wait", kind: .delay(WorkflowDuration(seconds: 172_800, text: "2d")), next: .single("woke")),
                WorkflowNode(id: "woke", kind: .addToList("woke")),
            ])
        let fast = Workflow(id: "fast", name: "Fast", start: .event("other"), nodes: [WorkflowNode(id: "mark", kind: .addToList("fast"))])
        let workspace = Workspace(settings: WorkspaceSettings(name: "Test"), workflows: [slow, fast], webhooks: [])
        func engine(timeScale: Double) throws -> Engine {
            try Engine(workspace: workspace, secrets: [:], configuration: .init(timeScale: timeScale, storePath: storePath))
        }

        let first = try engine(timeScale: 1)
        try first.store.saveUsers([["email": "ada@example.com"]])
        try first.executor.start(workflowID: "slow", emails: ["ada@example.com"])
        // Stopped once the journey sleeps in its delay (stored as waiting).
        for _ in 0..<500 where try first.store.journeys(email: "ada@example.com", limit: 5).map(\.status) != [.waiting] {
            try await Task.sleep(for: .milliseconds(10))
        }
        try #require(try first.store.journeys(email: "ada@example.com", limit: 5).map(\.status) == [.waiting])
        first.executor.stop()
        await first.shutdown()
        // Due in a moment, as a run at a faster time scale would have stored it: a resume waits
        // what is left of a stored wake time in real time, whatever its own scale.
        var asleep = try #require(try first.store.journeys(email: "ada@example.com", limit: 5).first)
        asleep.wakeAt = Date().addingTimeInterval(0.5)
        try first.store.saveJourneys([asleep])

        let scaled = try engine(timeScale: 1_000_000)
        let summary = try #require(try scaled.resume(workflowIDs: ["fast"]))
        await scaled.executor.waitUntilIdle()
        #expect(summary.journeys == 0 && summary.leftForLater == 1)
        #expect(try scaled.store.journeys(email: "ada@example.com", limit: 5).map(\.status) == [.waiting])
        await scaled.shutdown()

        let later = try engine(timeScale: 1_000_000)
        #expect(try later.resume()?.journeys == 1)
        await later.executor.waitUntilIdle()
        #expect(try later.store.journeys(email: "ada@example.com", limit: 5).map(\.status) == [.finished])
        await later.shutdown()
    }

    /// How `run`, `resume` and `events track` end: deliveries counted as such (a delivery retried
    /// three times is one), each noun in the singular for one.
    @Test func theHeadlessSummaryCountsJourneysAndDeliveries() {
        var stats = ExecutorStats()
        stats.journeysFinished = 1
        stats.deliveries = 1
        #expect(stats.summary == "1 journey, 1 delivery, 0 failed")
        stats.journeysFinished = 3
        stats.deliveries = 4
        stats.failures = 1
        stats.journeysRefused = 2
        #expect(stats.summary == "3 journeys, 4 deliveries, 1 failed, 2 not started (entry limits)")
    }
}
