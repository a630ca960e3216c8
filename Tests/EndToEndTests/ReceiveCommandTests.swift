import Foundation
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
}
