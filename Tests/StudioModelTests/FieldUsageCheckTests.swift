import Testing

@testable import StudioModel

/// `validate`'s warnings about merge parameters no user has, at the field's position in the YAML file.
struct FieldUsageCheckTests {
    static let users: Set<String> = ["email", "firstName", "lastName", "plan", "address", "items", "Full Name"]

    /// The warnings for `files` checked against `users` and `events`.
    static func warnings(_ files: [String: String], events: Set<String> = []) -> [String] {
        let workspace = WorkspaceLoader.load(files: files)
        return FieldUsageCheck.warnings(in: workspace, files: files, userFields: users, eventFields: events)
            .map(\.description)
    }

    /// The shared valid workspace plus one webhook `webhooks/t.yaml` with `lines` after its id.
    static func webhook(_ lines: String) -> [String: String] {
        var files = WorkspaceTestFiles.valid
        files["webhooks/t.yaml"] = "id: t\n" + lines
        return files
    }

    @Test func misspelledFieldInALiteralJSONBodyIsReportedAtTheFieldWithTheNearestName() {
        let files = Self.webhook(
            "url: https://x.example/\nbody:\n  type: json\n  template: |\n    {\"name\": \"{{frstName}} {{lastName}}\"}\n")
        #expect(Self.warnings(files) == [
            "webhooks/t.yaml:6:17: warning: merge parameter 'frstName' is not a field of any user (did you mean 'firstName'?)"
        ])
    }

    /// `{{timestamp}}` and `{{now}}` call their helpers, as in handlebars.js, whatever the user
    /// or event holds: where a field of that name exists, the send time would go out in its place.
    @Test func aHelperWrittenAloneWhereUsersOrEventsHaveAFieldOfItsNameIsReported() {
        let files = Self.webhook(
            "url: https://x.example/\nbody:\n  type: json\n  template: |\n"
                + "    {\"at\": \"{{timestamp}}\", \"sent\": \"{{now}}\", \"field\": \"{{this.timestamp}}\", "
                + "\"each\": \"{{#each items}}{{timestamp}}{{/each}}\"}\n")
        let warnings = Self.warnings(files, events: ["timestamp"])
        #expect(warnings == [
            "webhooks/t.yaml:6:15: warning: {{timestamp}} calls the helper timestamp, not the field 'timestamp' that users "
                + "or events have (write {{this.timestamp}} for the field)"
        ], "\(warnings)")
        // Where no user or event has the field, the helper is what the template means.
        #expect(!Self.warnings(files).contains { $0.contains("calls the helper") })
    }

    /// The studio's check reads each loaded definition's file through its own reader: the same
    /// warnings as from the files themselves.
    @Test func theStudiosCheckReadsTheLoadedFilesThroughItsReader() {
        let files = Self.webhook(
            "url: https://x.example/\nbody:\n  type: json\n  template: |\n    {\"name\": \"{{frstName}} {{lastName}}\"}\n")
        let workspace = WorkspaceLoader.load(files: files)
        var read: [String] = []
        let warnings = FieldUsageCheck.warnings(in: workspace, text: { path in
            read.append(path)
            return files[path]
        }, userFields: Self.users)
        #expect(warnings.map(\.description) == Self.warnings(files))
        #expect(warnings.count == 1)
        #expect(read.contains("webhooks/t.yaml") && !read.contains("hookline.yaml"))
    }

    /// An Update User Profile step merges its answer into the profile, so the steps after it, and
    /// the webhooks they call, may use fields no stored user has yet; the same webhook called
    /// before any such step is checked.
    @Test func stepsAfterAnUpdateUserProfileStepAreNotChecked() {
        var files = Self.webhook("url: https://x.example/{{tier}}\n")
        files["webhooks/partner.yaml"] = "id: partner\nmethod: GET\nurl: https://partner.example/profile\n"
        files["webhooks/vip.yaml"] = "id: vip\nmethod: POST\nurl: https://crm.example/{{tier}}\n"
        files["workflows/enrich.yaml"] = """
            id: enrich
            start: {kind: event, event: purchase}
            nodes:
              - {id: lookup, type: updateProfileWebhook, webhook: partner, next: gold}
              - {id: gold, type: yesNo, condition: {all: [{field: tier, op: equals, value: gold}]}, next: {yes: vip, no: mail}}
              - {id: vip, type: callWebhook, webhook: vip}
              - {id: mail, type: sendEmail, subject: "You are {{tier}}"}

            """
        files["workflows/early.yaml"] = """
            id: early
            start: {kind: event, event: signup}
            nodes:
              - {id: call, type: callWebhook, webhook: t, next: hello}
              - {id: hello, type: sendEmail, subject: "Hi {{tier}}"}

            """
        #expect(WorkspaceLoader.load(files: files).errors.isEmpty)
        let warnings = Self.warnings(files)
        #expect(warnings.count == 2, "\(warnings)")
        #expect(warnings.allSatisfy { $0.contains("merge parameter 'tier' is not a field of any user") })
        #expect(warnings.contains { $0.hasPrefix("webhooks/t.yaml:2:") })
        #expect(warnings.contains { $0.hasPrefix("workflows/early.yaml:") })
    }

    @Test func fieldsAnUpdateProfileNodeSetsAreKnown() {
        var files = Self.webhook("url: https://x.example/\nheaders:\n  X-Tier: \"{{tier}} {{address.zone}} {{tieer}}\"\n")
        files["workflows/w.yaml"] = "id: w\nnodes:\n  - id: set\n    type: updateProfile\n    fields: {tier: gold, address.zone: north}\n"
        #expect(Self.warnings(files) == [
            "webhooks/t.yaml:4:40: warning: merge parameter 'tieer' is not a field of any user (did you mean 'tier'?)"
        ])
    }

    @Test func unknownFieldWithoutANearNameHasNoHint() {
        let files = Self.webhook("url: https://x.example/\nheaders:\n  X-Shoe: \"{{shoeSize}}\"\n")
        #expect(Self.warnings(files) == [
            "webhooks/t.yaml:4:14: warning: merge parameter 'shoeSize' is not a field of any user"
        ])
    }

    @Test func everyTemplateOfAWebhookIsCheckedInFileOrder() {
        let files = Self.webhook(
            """
            url: "https://x.example/u/{{emal}}?ref={{refCode}}"
            auth: {type: bearer, token: "{{tokn}}"}
            headers:
              X-Plan: '{{upper plann}}'
            body:
              type: form
              fields: {who: "{{#if firstName}}{{lastNme}}{{/if}}"}

            """)
        #expect(Self.warnings(files) == [
            "webhooks/t.yaml:2:29: warning: merge parameter 'emal' is not a field of any user (did you mean 'email'?)",
            "webhooks/t.yaml:2:42: warning: merge parameter 'refCode' is not a field of any user",
            "webhooks/t.yaml:3:32: warning: merge parameter 'tokn' is not a field of any user",
            "webhooks/t.yaml:5:20: warning: merge parameter 'plann' is not a field of any user (did you mean 'plan'?)",
            "webhooks/t.yaml:8:37: warning: merge parameter 'lastNme' is not a field of any user (did you mean 'lastName'?)",
        ])
    }

    @Test func onlyTheFirstPathComponentIsChecked() {
        let files = Self.webhook("url: https://x.example/\nbody: {type: raw, template: \"{{address.cty}} {{adress.city}}\"}\n")
        #expect(Self.warnings(files) == [
            "webhooks/t.yaml:3:48: warning: merge parameter 'adress' is not a field of any user (did you mean 'address'?)"
        ])
    }

    @Test func messageNodesAreChecked() {
        let files = WorkspaceTestFiles.withWorkflow(
            "  - id: m\n    type: sendEmail\n    subject: Hi {{frstName}}\n    body: |\n      Hello\n      {{lastNam}}\n"
                + "  - id: s\n    type: sendSMS\n    body: '{{pln}}'\n")
        #expect(Self.warnings(files) == [
            "workflows/w.yaml:5:19: warning: merge parameter 'frstName' is not a field of any user (did you mean 'firstName'?)",
            "workflows/w.yaml:8:9: warning: merge parameter 'lastNam' is not a field of any user (did you mean 'lastName'?)",
            "workflows/w.yaml:11:14: warning: merge parameter 'pln' is not a field of any user (did you mean 'plan'?)",
        ])
    }

    @Test func eventFieldsBuiltInNamesSecretsAndScopedPathsAreKnown() {
        let template = #"{{orderId}} {{dataFields.sku}} {{liveData.x}} {{secret.KEY}} {{[Full Name]}} "#
            + #"{{#each items}}{{sku}} {{@index}}{{/each}} {{#with address}}{{city}}{{/with}} {{@root.email}}"#
        let files = Self.webhook("url: https://x.example/\nbody: {type: raw, template: '\(template)'}\n")
        #expect(Self.warnings(files, events: ["orderId"]) == [])
        #expect(Self.warnings(files) == [
            "webhooks/t.yaml:3:32: warning: merge parameter 'orderId' is not a field of any user"
        ])
    }

    @Test func systemWebhooksBrokenTemplatesAndDuplicateFilesAreNotChecked() {
        var files = WorkspaceTestFiles.valid
        files["system-webhooks/s.yaml"] = "id: s\nendpoint: https://bi.example\nheaders: {X-A: \"{{nope}}\"}\nevents: [emailSend]\n"
        files["webhooks/broken.yaml"] = "id: broken\nurl: https://x.example/\nbody: {type: raw, template: \"{{#if nope}}\"}\n"
        // Same id as webhooks/hook.yaml, which sorts first and is the one loaded.
        files["webhooks/zz.yaml"] = "id: hook\nurl: \"https://x.example/{{nope}}\"\n"
        #expect(WorkspaceLoader.load(files: files).errors.count == 2)
        #expect(Self.warnings(files) == [])
    }

    @Test func fieldReferencesListEachUseWithItsPosition() throws {
        let template = try Template(parsing: "Hi {{a}}\n  {{defaultIfEmpty b.c \"x\"}} {{a}}{{#each d}}{{e}}{{/each}}")
        #expect(template.fieldReferences == [
            TemplateFieldReference(path: "a", name: "a", line: 1, column: 6),
            TemplateFieldReference(path: "b.c", name: "b", line: 2, column: 20),
            TemplateFieldReference(path: "a", name: "a", line: 2, column: 32),
            TemplateFieldReference(path: "d", name: "d", line: 2, column: 43),
        ])
    }
}
