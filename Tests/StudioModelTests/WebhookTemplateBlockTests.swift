import StudioModel
import Testing

/// The studio's body editor replaces `body.template` alone: every other line of the file stays.
struct WebhookTemplateBlockTests {
    static let file = """
        # Lob letters.
        id: lob-letter
        method: POST
        url: "https://api.lob.com/v1/letters"
        body:
          type: json
          # The address as JSON.
          template: |
            {
              "to": {{toJson address}}
            }

        timeout: 10s   # a comment after

        """

    @Test func findsTheTemplateAndItsType() throws {
        let block = try WebhookTemplateBlock(in: Self.file)
        #expect(block.template == "{\n  \"to\": {{toJson address}}\n}\n")
        #expect(block.type == "json")
    }

    @Test(arguments: [
        "{\"vip\": {{vip}}}\n", "{\"vip\": {{vip}}}", "  indented first line\nsecond\n", "\nstarts empty\n",
        "a\n\n\nb\n", "tab\there\n# not a comment\n", "{}\n",
    ])
    func aReplacedTemplateReadsBackAsTypedAndTheRestIsKept(template: String) throws {
        let block = try WebhookTemplateBlock(in: Self.file)
        let saved = block.replacing(with: template, in: Self.file)
        #expect(try WebhookTemplateBlock(in: saved).template == template)
        #expect(saved.hasPrefix("# Lob letters.\nid: lob-letter\n"))
        #expect(saved.contains("  # The address as JSON.\n  template: |"))
        #expect(saved.hasSuffix("\n\ntimeout: 10s   # a comment after\n"))
    }

    @Test func aQuotedOneLineTemplateBecomesABlock() throws {
        let file = "id: x\nmethod: POST\nurl: https://x.test/\nbody:\n  type: raw\n  contentType: text/plain\n  template: \"hi {{firstName}}\"\nheaders:\n  X-A: b\n"
        let block = try WebhookTemplateBlock(in: file)
        #expect(block.template == "hi {{firstName}}" && block.type == "raw")
        let saved = block.replacing(with: "hi\n{{lastName}}\n", in: file)
        #expect(saved == "id: x\nmethod: POST\nurl: https://x.test/\nbody:\n  type: raw\n  contentType: text/plain\n  template: |\n    hi\n    {{lastName}}\nheaders:\n  X-A: b\n")
    }

    @Test func bodiesItCannotEditAloneAreRefusedWithAReason() {
        #expect(throws: WebhookTemplateBlock.Problem.self) {
            try WebhookTemplateBlock(in: "id: x\nbody: {type: json, template: \"{}\"}\n")
        }
        #expect(throws: WebhookTemplateBlock.Problem.self) {
            try WebhookTemplateBlock(in: "id: x\nbody:\n  type: form\n  fields:\n    a: b\n")
        }
        #expect(throws: WebhookTemplateBlock.Problem.self) { try WebhookTemplateBlock(in: "id: [x\n") }
    }
}
