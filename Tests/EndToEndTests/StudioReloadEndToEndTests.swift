import Foundation
import Testing

/// Files edited outside the studio while `hookline demo` runs in a real terminal (tmux): the
/// studio shows them without a key pressed, and a broken file does not stop its deliveries.
@Suite(.serialized)
struct StudioReloadEndToEndTests {
    @Test func aWorkflowEditedFromOutsideShowsWithoutAKeypressAndABrokenWebhookKeepsDelivering() async throws {
        let folder = try BinaryRunner.temporaryDirectory()
        let workspace = folder.appendingPathComponent("ws")
        let session = try await TmuxSession(
            command: "\(BinaryRunner.hooklinePath) demo --dir \(workspace.path)", directory: folder)
        try await session.driving {
            // bi-sink, the first workflow, is selected and its tree shown.
            try await session.waitForScreen(timeout: 20) { $0.contains("bi-sink · Page views to BI") && $0.contains("/bi/events") }

            // Written in place, as vim does, not renamed over the file.
            let workflow = workspace.appendingPathComponent("workflows/bi-sink.yaml")
            let original = try String(contentsOf: workflow, encoding: .utf8)
            try original.replacingOccurrences(of: "name: Page views to BI", with: "name: Page views to the lake")
                .write(to: workflow, atomically: false, encoding: .utf8)
            let reloaded = try await session.waitForScreen(timeout: 10) {
                $0.contains("bi-sink · Page views to the lake") && $0.contains("reloaded workflows/bi-sink.yaml from disk")
            }
            #expect(!reloaded.contains("Page views to BI"))

            // A webhook file broken from outside: its last good version keeps running.
            let webhook = workspace.appendingPathComponent("webhooks/bi-events.yaml")
            let good = try String(contentsOf: webhook, encoding: .utf8)
            try "id: bi-events\nmethod: [POST\n".write(to: webhook, atomically: false, encoding: .utf8)
            try await session.waitForScreen(timeout: 10) { $0.contains("kept the last good bi-events") }
            let brokenSince = Date()
            // Page views go on reaching the collector while the file is broken: polled until one
            // sent since then has succeeded (the demo stream sends several a second), 20 s at most.
            var lines: [Substring] = []
            var sentSince: [Substring] = []
            for _ in 0..<40 where sentSince.isEmpty {
                try await Task.sleep(for: .milliseconds(500))
                let logs = try await BinaryRunner.run(
                    BinaryRunner.hooklinePath,
                    ["logs", "-C", workspace.path, "--webhook", "bi-events", "--format", "jsonl", "--since", "1m"])
                #expect(logs.status == 0)
                lines = logs.stdout.split(separator: "\n")
                sentSince = lines.filter { line in
                    guard let data = String(line).data(using: .utf8),
                        let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any],
                        let startedAt = (object["startedAt"] as? String).flatMap({
                            try? Date($0, strategy: Date.ISO8601FormatStyle(includingFractionalSeconds: true))
                        })
                    else { return false }
                    return startedAt > brokenSince && (object["status"] as? Int) == 200
                }
            }
            #expect(!lines.contains { $0.contains("is not defined") })
            #expect(!sentSince.isEmpty)

            try good.write(to: webhook, atomically: false, encoding: .utf8)
            try await session.waitForScreen(timeout: 10) { $0.contains("reloaded webhooks/bi-events.yaml from disk") }

            // The secrets file is read again when it changes; a broken one keeps the secrets as
            // last read, and `!` lists where it is wrong.
            let secretsFile = workspace.appendingPathComponent(".hookline/secrets.yaml")
            let secrets = try String(contentsOf: secretsFile, encoding: .utf8)
            try (secrets + "pin: [\n").write(to: secretsFile, atomically: false, encoding: .utf8)
            try await session.waitForScreen(timeout: 10) { $0.contains("kept the secrets as last read: .hookline/secrets") }
            try await session.press("!")
            try await session.waitForScreen(timeout: 5) { $0.contains(".hookline/secrets.yaml:") && $0.contains("invalid YAML") }
            try await session.press("Escape")
            try await session.waitForScreen(timeout: 10) { !$0.contains("Problems ·") }
            try secrets.write(to: secretsFile, atomically: false, encoding: .utf8)
            try await session.waitForScreen(timeout: 10) { $0.contains("read .hookline/secrets.yaml again") }

            try await session.press("q")
            #expect(try await session.waitForExit(timeout: 15) == 0)
        }
    }
}
