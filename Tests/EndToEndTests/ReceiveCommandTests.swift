import Foundation
import StudioModel
import Testing

/// `hookline receive` as a terminal shows it.
struct ReceiveCommandTests {
    /// A request's body is the sender's: an escape sequence in it retitled and cleared the
    /// terminal of whoever watched the log, and a CR could forge a log line.
    @Test func whatTheSenderWroteIsShownNotObeyed() async throws {
        let workspace = try await LiveWorkspace.make()
        defer { workspace.remove() }
        let result = try await BinaryRunner.run(
            "/usr/bin/curl",
            ["-sS", "-X", "POST", "--data-binary", "a\u{1B}]0;PWNED\u{07}\u{1B}[2J\rfake line\nsecond",
                "http://127.0.0.1:\(workspace.receiverPort)/v1/letters"])
        try #require(result.status == 0, "curl: \(result.stderr)")
        let log = try await LiveWorkspace.waitFor("the request in the receiver's log") { () -> String? in
            workspace.receiver.stdout.contains("second") ? workspace.receiver.stdout : nil
        }
        #expect(!log.unicodeScalars.contains { $0 == "\u{1B}" || $0 == "\u{07}" || $0 == "\r" }, "\(log.debugDescription)")
        #expect(log.contains("  a␛]0;PWNED·␛[2J·fake line\n  second"), "\(log)")
    }

    /// QA saw `receive --verify-secret S` print S when a sender echoed it in its body: the log is
    /// shown and kept, so the receiver's own signing secret is masked there like any credential,
    /// with its `whsec_` prefix and without.
    @Test func theReceiversOwnSigningSecretIsMaskedWhereASenderEchoesIt() async throws {
        let key = "MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
        let receiver = try BinaryRunner.start(
            BinaryRunner.hooklinePath, ["receive", "--port", "0", "--verbose", "--verify-secret", "whsec_" + key])
        defer {
            receiver.signal(SIGKILL)
            receiver.removeOutput()
        }
        let port = try await LiveWorkspace.waitFor("the receiver's port") { () -> Int? in
            guard let line = receiver.stdout.split(separator: "\n").first(where: { $0.hasPrefix("listening on ") }),
                let colon = line.lastIndex(of: ":")
            else { return nil }
            return Int(line[line.index(after: colon)...].prefix { $0.isNumber })
        }
        let result = try await BinaryRunner.run(
            "/usr/bin/curl",
            [
                "-sS", "-X", "POST", "-H", "X-Echo: whsec_\(key)", "--data-binary",
                #"{"secret":"whsec_\#(key)","key":"\#(key)"}"#, "http://127.0.0.1:\(port)/hooks",
            ])
        try #require(result.status == 0, "curl: \(result.stderr)")
        let log = try await LiveWorkspace.waitFor("the request in the receiver's log") { () -> String? in
            receiver.stdout.contains("\"key\"") ? receiver.stdout : nil
        }
        #expect(!log.contains(key), "\(log)")
        #expect(log.contains("X-Echo: whsec_\(SecretMasker.mask)") || log.contains("X-Echo: \(SecretMasker.mask)"), "\(log)")
        #expect(log.contains(#"{"secret":"\#(SecretMasker.mask)","key":"\#(SecretMasker.mask)"}"#), "\(log)")
        #expect(log.contains("POST /hooks 401"), "\(log)")
    }

    /// A script's mistakes are placed at their line and column, compiler-style, with the line and
    /// a caret, and exit 65 (bad input); a tab said only "The given data was not valid YAML.",
    /// a bad value only its key path.
    @Test(arguments: [
        ("rules:\n\t- path: /a\n", ":2:1: error: invalid YAML: found character that cannot start any token", "\t- path: /a"),
        (
            "rules:\n  - path: /a\n    response: {delay: soon}\n",
            ":3:23: error: rules[0].response.delay: `soon` is not a duration like 20s", "    response: {delay: soon}"
        ),
    ])
    func aBadScriptIsPlacedAtItsLineAndColumn(script: String, expected: String, line: String) async throws {
        let folder = try BinaryRunner.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: folder) }
        let file = folder.appendingPathComponent("faults.yaml")
        try Data(script.utf8).write(to: file)
        let result = try await BinaryRunner.run(BinaryRunner.hooklinePath, ["receive", "--port", "0", "--script", file.path])

        #expect(result.status == 65)
        let lines = result.stderr.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        #expect(lines.first == file.path + expected, "\(result.stderr)")
        #expect(lines.dropFirst().first == line)
    }
}
