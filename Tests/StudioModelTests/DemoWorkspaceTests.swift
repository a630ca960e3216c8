import Foundation
import Testing

@testable import StudioModel

struct DemoWorkspaceTests {
    static let base = "http://127.0.0.1:8089"

    @Test func demoWorkspaceLoadsWithoutDiagnostics() {
        let workspace = WorkspaceLoader.load(files: DemoWorkspace.files(receiverBaseURL: Self.base))
        #expect(workspace.diagnostics.map(\.description) == [])
        #expect(workspace.settings.name == "Acme lifecycle")
        #expect(workspace.settings.networkAllowlist == ["127.0.0.1/32"])
        #expect(workspace.workflows.map(\.id) == ["bi-sink", "direct-mail", "enrichment"])
        #expect(workspace.webhooks.map(\.id) == ["bi-events", "crm-vip", "lob-letter", "partner-profile"])
        #expect(workspace.systemWebhooks.map(\.id) == ["bi-email-events"])
    }

    @Test func demoWorkflowsHaveTheDocumentedShape() throws {
        let workspace = WorkspaceLoader.load(files: DemoWorkspace.files(receiverBaseURL: Self.base + "/"))
        let mail = try #require(workspace.workflow(id: "direct-mail"))
        #expect(mail.start == .event("signup"))
        #expect(mail.nodes.map(\.kind.typeName) == ["callWebhook", "delay", "yesNo", "sendEmail"])
        #expect(mail.nodes[1].kind == .delay(WorkflowDuration(seconds: 172_800, text: "2d")))
        #expect(mail.nodes[2].next == .branches(["yes": "follow-up"]))
        guard case .sendEmail(let subject, let body) = mail.nodes[3].kind else {
            Issue.record("follow-up is \(mail.nodes[3].kind.typeName)")
            return
        }
        #expect(subject == "Did your letter arrive, {{defaultIfEmpty firstName \"friend\"}}?")
        #expect(body.contains("{{address.city}}"))

        let lob = try #require(workspace.webhook(id: "lob-letter"))
        #expect(lob.url == "http://127.0.0.1:8089/v1/letters")
        #expect(lob.auth == .basic(username: "{{secret.lob_key}}", password: ""))
        guard case .json(let template) = lob.body else {
            Issue.record("lob-letter body is \(lob.body.typeName)")
            return
        }
        #expect(template.contains("{{toJson address}}"))
        #expect(template.contains("\"age\": {{age}}"))

        let enrichment = try #require(workspace.workflow(id: "enrichment"))
        #expect(enrichment.start == .event("purchase"))
        #expect(
            enrichment.nodes.map(\.kind.typeName) == [
                "updateProfileWebhook", "attributeSplit", "callWebhook", "addToList", "abSplit", "updateProfile", "updateProfile",
            ])
        #expect(workspace.webhook(id: "partner-profile")?.method == .get)
        #expect(workspace.webhook(id: "partner-profile")?.url == "http://127.0.0.1:8089/profile")
        #expect(workspace.webhook(id: "crm-vip")?.method == .put)

        let sink = try #require(workspace.workflow(id: "bi-sink"))
        #expect(sink.start == .event("pageView"))
        #expect(
            workspace.webhook(id: "bi-events")?.body
                == .form(fields: [
                    .init(name: "email", value: "{{email}}"), .init(name: "event", value: "{{eventName}}"),
                    .init(name: "plan", value: "{{defaultIfEmpty plan \"free\"}}"),
                ]))
        #expect(workspace.systemWebhooks.first?.endpoint == "http://127.0.0.1:8089/system/email")
        #expect(workspace.systemWebhooks.first?.events == ["emailSend", "emailOpen"])
    }

    @Test func demoUsersAreUniqueAndDeterministic() {
        let users = DemoWorkspace.users()
        #expect(users.count == 200)
        let emails = users.compactMap { $0["email"]?.stringValue }
        #expect(Set(emails).count == 200)
        #expect(users == DemoWorkspace.users())
        #expect(users != DemoWorkspace.users(seed: 7))
        #expect(emails.allSatisfy { $0.hasSuffix("@example.com") && $0.contains(".") })
    }

    @Test func demoUsersHaveTypedFields() throws {
        for user in DemoWorkspace.users(count: 50) {
            #expect(user.keys == ["email", "firstName", "lastName", "plan", "age", "vip", "address", "signupDate"])
            guard case .int(let age) = user["age"] else {
                Issue.record("age is not an int: \(String(describing: user["age"]))")
                continue
            }
            #expect((18...79).contains(age))
            #expect(["free", "pro", "enterprise"].contains(user["plan"]?.stringValue ?? ""))
            #expect(user["address"]?["city"]?.stringValue != nil)
            #expect(user["address"]?["zip"]?.stringValue?.count == 5)
            if case .bool = user["vip"] {} else { Issue.record("vip is not a bool") }
            #expect(user["signupDate"]?.stringValue?.hasSuffix(" +00:00") == true)
        }
    }

    @Test(arguments: [1, 5, 1000])
    func manyUsersStayUnique(count: Int) {
        let emails = DemoWorkspace.users(count: count, seed: 3).compactMap { $0["email"]?.stringValue }
        #expect(Set(emails).count == count)
    }
}
