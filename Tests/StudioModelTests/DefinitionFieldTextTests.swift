import StudioModel
import Testing
import Yams

/// The studio's forms set one field of a file and leave every other line as written.
struct DefinitionFieldTextTests {
    static let webhook = """
        # Lob.
        id: lob-letter
        method: POST   # the API wants POST
        url: "https://api.lob.com/v1/letters"
        retries:
          - 5s
          - 1m
        body:
          type: json
          template: "{}"

        """

    @Test func aOneLineValueIsReplacedWhereItIsWrittenKeepingItsComment() throws {
        let text = try DefinitionFieldText.setting("method", to: .plain("PUT"), in: .root, text: Self.webhook)
        #expect(text == Self.webhook.replacingOccurrences(of: "method: POST   #", with: "method: PUT   #"))
        let url = try DefinitionFieldText.setting("url", to: .text("https://x.test/{{email}}?a=1"), in: .root, text: text)
        #expect(url.contains("url: \"https://x.test/{{email}}?a=1\"\nretries:"))
    }

    @Test func aLongerValueIsReplacedWithItsLinesAndAMissingKeyIsAdded() throws {
        var text = try DefinitionFieldText.setting("retries", to: .plain("[]"), in: .root, text: Self.webhook)
        #expect(text.contains("url: \"https://api.lob.com/v1/letters\"\nretries: []\nbody:\n"))
        text = try DefinitionFieldText.setting("timeout", to: .plain("10s"), in: .root, text: text)
        #expect(text.hasSuffix("  template: \"{}\"\ntimeout: 10s\n"))
        text = try DefinitionFieldText.setting("retries", to: nil, in: .root, text: text)
        #expect(!text.contains("retries"))
        #expect(text.hasPrefix("# Lob.\nid: lob-letter\nmethod: POST   # the API wants POST\n"))
    }

    /// A value over several lines, or a flow list, is written anew on the key's line; the comment
    /// that ends that line stays, and a `#` inside a quoted scalar is not one.
    @Test(arguments: [
        ("retries:   # backoff\n  - 5s\n  - 1m\n", "retries: []   # backoff\n"),
        ("retries: ['5s', \"1m # no\", 'it''s # no']  # backoff\n", "retries: []  # backoff\n"),
        ("retries: [\"a\\\" # no\", b#c]\n", "retries: []\n"),
    ])
    func aRewrittenValueKeepsTheCommentOnItsKeyLine(written: String, rewritten: String) throws {
        let file = Self.webhook.replacingOccurrences(of: "retries:\n  - 5s\n  - 1m\n", with: written)
        try #require(file != Self.webhook)
        let text = try DefinitionFieldText.setting("retries", to: .plain("[]"), in: .root, text: file)
        #expect(text == Self.webhook.replacingOccurrences(of: "retries:\n  - 5s\n  - 1m\n", with: rewritten))
    }

    @Test(arguments: [
        "plain", "two words", "yes", "1h", "a: b", "# not a comment", "{{firstName}}", "say \"hi\"\\", "tab\there",
        "日本", "line\nbreak", "- dash", "",
    ])
    func textReadsBackAsWritten(value: String) throws {
        let text = try DefinitionFieldText.setting("name", to: .text(value), in: .root, text: Self.webhook)
        let root = try #require(try Yams.compose(yaml: text)?.mapping)
        #expect(root.first { $0.key.scalar?.string == "name" }?.value.scalar?.string == value)
    }

    @Test func aStepsFieldIsSetInItsOwnLines() throws {
        let flow = "id: w\nnodes:\n  - id: wait\n    type: delay\n    duration: 2d  # two days\n  - id: done\n    type: exit\n"
        var text = try DefinitionFieldText.setting("duration", to: .plain("3h"), in: .node("wait"), text: flow)
        #expect(text == flow.replacingOccurrences(of: "duration: 2d", with: "duration: 3h"))
        text = try DefinitionFieldText.setting("next", to: .text("done"), in: .node("wait"), text: text)
        #expect(text.contains("    duration: 3h  # two days\n    next: done\n  - id: done"))
        #expect(throws: WorkflowNodesText.Problem.self) {
            try DefinitionFieldText.setting("id", to: nil, in: .node("wait"), text: flow)
        }
        #expect(throws: WorkflowNodesText.Problem.self) {
            try DefinitionFieldText.setting("duration", to: .plain("1h"), in: .node("nope"), text: flow)
        }
    }
}
