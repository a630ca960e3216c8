import Foundation
import Testing

/// The CLI as a user meets it: exit codes and messages with file positions.
struct CommandLineTests {
    @Test func validateReportsEachProblemWithItsPositionAndExits65() async throws {
        let folder = try BinaryRunner.temporaryDirectory()
        try FileManager.default.createDirectory(at: folder.appendingPathComponent("workflows"), withIntermediateDirectories: true)
        try """
            id: broken
            name: Broken
            nodes:
              - id: a
                type: sendFax
            """.write(to: folder.appendingPathComponent("workflows/broken.yaml"), atomically: true, encoding: .utf8)
        try """
            id: fine
            name: Fine
            nodes:
              - id: done
                type: exit
            """.write(to: folder.appendingPathComponent("workflows/fine.yaml"), atomically: true, encoding: .utf8)

        let result = try await BinaryRunner.hookline("validate", "--workspace", folder.path)
        #expect(result.status == 65)
        #expect(result.stderr.contains("workflows/broken.yaml:5:11: error:"))
        #expect(result.stderr.contains("sendFax"))
        // The broken file does not stop the good one from loading.
        #expect(result.stdout.contains("2 workflows") || result.stdout.contains("1 workflows"))
    }

    @Test func validateAcceptsTheInitWorkspace() async throws {
        let folder = try BinaryRunner.temporaryDirectory()
        let created = try await BinaryRunner.hookline("init", folder.path + "/ws")
        #expect(created.status == 0)
        let result = try await BinaryRunner.hookline("validate", "-C", folder.path + "/ws")
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("3 workflows"))
    }

    /// `-C` before the subcommand, as `git -C` takes it (QA: it was refused with the studio's usage).
    @Test func theWorkspaceOptionMayComeBeforeTheSubcommand() async throws {
        let folder = try BinaryRunner.temporaryDirectory()
        let created = try await BinaryRunner.hookline("init", folder.path + "/ws")
        #expect(created.status == 0)
        for arguments in [["-C", folder.path + "/ws", "validate"], ["--workspace=" + folder.path + "/ws", "validate"]] {
            let result = try await BinaryRunner.run(BinaryRunner.hooklinePath, arguments)
            #expect(result.status == 0, "\(arguments): \(result.stderr)")
            #expect(result.stdout.contains("3 workflows"), "\(arguments): \(result.stdout)")
        }
        let notAWorkspace = try await BinaryRunner.hookline("-C", folder.path, "logs")
        #expect(notAWorkspace.status == 65, "\(notAWorkspace.stderr)")
        #expect(notAWorkspace.stderr.contains("is not a Hookline workspace"), "\(notAWorkspace.stderr)")
    }

    /// The help called --data "A JSON object used as the context", so `--data '{"qty": 3}'` was
    /// tried, and read as a file name; the README says `--data FILE`.
    @Test func renderHelpSaysDataNamesAFile() async throws {
        let help = try await BinaryRunner.hookline("render", "--help")
        #expect(help.status == 0)
        #expect(help.stdout.contains("USAGE: hookline render --template <template> --data <file> [--mode <mode>]"), "\(help.stdout)")
        #expect(help.stdout.contains("  --data <file>           A JSON file holding the object used as the context.\n"), "\(help.stdout)")
    }

    @Test func renderPrintsTheResultExactlyAndReportsTemplateErrorsAt65() async throws {
        let folder = try BinaryRunner.temporaryDirectory()
        let template = folder.appendingPathComponent("body.hbs")
        let data = folder.appendingPathComponent("data.json")
        try #"{"qty": {{qty}}, "name": "{{name}}"}"#.write(to: template, atomically: true, encoding: .utf8)
        try #"{"qty": 3, "name": "Ada \"A\" L"}"#.write(to: data, atomically: true, encoding: .utf8)
        let ok = try await BinaryRunner.hookline("render", "--template", template.path, "--data", data.path, "--mode", "json")
        #expect(ok.status == 0, "\(ok.stderr)")
        #expect(ok.stdout == #"{"qty": 3, "name": "Ada \"A\" L"}"#)

        // Byte for byte: no newline is added, and an empty result prints nothing.
        try "{{#if x}}x{{/if}}\r\n{{name}}".write(to: template, atomically: true, encoding: .utf8)
        let exact = try await BinaryRunner.hookline("render", "--template", template.path, "--data", data.path, "--mode", "text")
        #expect(exact.stdout == "\r\nAda \"A\" L")
        try "{{missing}}".write(to: template, atomically: true, encoding: .utf8)
        let empty = try await BinaryRunner.hookline("render", "--template", template.path, "--data", data.path)
        #expect(empty.status == 0 && empty.stdout.isEmpty)

        try "line one\n  {{#if x}}unclosed".write(to: template, atomically: true, encoding: .utf8)
        let bad = try await BinaryRunner.hookline("render", "--template", template.path, "--data", data.path)
        #expect(bad.status == 65)
        #expect(bad.stderr.contains("body.hbs:2:"))
    }

    @Test func validateRefusesAPrivateAddressUnlessTheWorkspaceAllowsIt() async throws {
        let folder = try BinaryRunner.temporaryDirectory()
        try FileManager.default.createDirectory(at: folder.appendingPathComponent("webhooks"), withIntermediateDirectories: true)
        try """
            id: crm
            method: POST
            url: "http://10.0.0.5/hooks"
            """.write(to: folder.appendingPathComponent("webhooks/crm.yaml"), atomically: true, encoding: .utf8)
        let refused = try await BinaryRunner.hookline("validate", "-C", folder.path)
        #expect(refused.status == 65)
        #expect(refused.stderr.contains("webhooks/crm.yaml:3:6: error: 10.0.0.5 is a private address"))

        try "name: Ops\nnetwork: {allow: [10.0.0.0/8]}\n".write(
            to: folder.appendingPathComponent("hookline.yaml"), atomically: true, encoding: .utf8)
        let allowed = try await BinaryRunner.hookline("validate", "-C", folder.path)
        #expect(allowed.status == 0, "\(allowed.stderr)")
    }

    @Test func validateReadsAWebhooksRetryList() async throws {
        let folder = try BinaryRunner.temporaryDirectory()
        try FileManager.default.createDirectory(at: folder.appendingPathComponent("webhooks"), withIntermediateDirectories: true)
        try """
            id: crm
            url: "https://crm.example.com/hooks"
            retries: [10s, soon]
            """.write(to: folder.appendingPathComponent("webhooks/crm.yaml"), atomically: true, encoding: .utf8)
        let result = try await BinaryRunner.hookline("validate", "-C", folder.path)
        #expect(result.status == 65)
        #expect(result.stderr.contains("webhooks/crm.yaml:3:16: error: invalid duration 'soon' for 'retries'"))
    }
}
