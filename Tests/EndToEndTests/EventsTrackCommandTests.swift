#if canImport(Glibc)
import Glibc
#endif
import Foundation
import StudioModel
import Testing

/// `hookline events track`: one event, its journeys run headless; refused while another
/// executor runs the workspace.
@Suite(.serialized)
struct EventsTrackCommandTests {
    @Test func aTrackedEventRunsItsJourneyWithTheEventsData() async throws {
        let workspace = try await LiveWorkspace.make()
        defer { workspace.remove() }
        let tracked = try await workspace.hookline(
            "events", "track", "--email", "ada@example.com", "--event", "signup", "--data", #"{"plan": "pro"}"#)
        #expect(tracked.status == 0, "\(tracked.stderr)")
        let line = try JSONValue.parse(tracked.stdout.trimmingCharacters(in: .whitespacesAndNewlines))
        #expect(line["outcome"] == "success")
        #expect(line["requestBody"] == #"{"email": "ada@example.com", "plan": "pro"}"#)

        let bad = try await workspace.hookline("events", "track", "--email", "ada@example.com", "--event", "signup", "--data", "[1]")
        #expect(bad.status == 64)
        #expect(bad.stderr.contains("--data must be a JSON object"))

        // From a file, a mistake is bad input at FILE:LINE:COL, as `preview --event` reports it.
        let file = try workspace.write("event.json", "{\n  \"plan\": pro\n}\n")
        let badFile = try await workspace.hookline(
            "events", "track", "--email", "ada@example.com", "--event", "signup", "--data", "@" + file.path)
        #expect(badFile.status == 65)
        #expect(badFile.stderr.contains("\(file.path):2:11: error: "), "\(badFile.stderr)")
    }

    /// Addresses are stored lowercase, as Iterable does: a user imported as `Ada@Example.com` is
    /// the one an event for `ADA@EXAMPLE.COM` reaches, with the imported fields, and `logs --user`
    /// finds the attempt in a third case.
    @Test func anAddressInAnyCaseNamesTheUserImportedInAnother() async throws {
        let workspace = try await LiveWorkspace.make()
        defer { workspace.remove() }
        let users = try workspace.write("users.csv", "email,plan\nAda@Example.com,pro\n")
        let imported = try await workspace.hookline("users", "import", users.path)
        #expect(imported.status == 0, "\(imported.stderr)")

        let tracked = try await workspace.hookline("events", "track", "--email", "ADA@EXAMPLE.COM", "--event", "signup")
        #expect(tracked.status == 0, "\(tracked.stderr)")
        let line = try JSONValue.parse(tracked.stdout.trimmingCharacters(in: .whitespacesAndNewlines))
        #expect(line["requestBody"] == #"{"email": "ada@example.com", "plan": "pro"}"#)
        #expect(try await workspace.sqlite("SELECT email FROM user") == "ada@example.com")

        let logs = try await workspace.hookline("logs", "--user", "ada@EXAMPLE.com")
        #expect(logs.status == 0, "\(logs.stderr)")
        #expect(logs.stdout.split(separator: "\n").count == 1)
    }

    @Test func whileServeRunsTheWorkspaceTheEventIsSentThere() async throws {
        let workspace = try await LiveWorkspace.make()
        defer { workspace.remove() }
        let (serve, url) = try await workspace.startServe()
        defer {
            serve.signal(SIGKILL)
            serve.removeOutput()
        }
        let refused = try await workspace.hookline("events", "track", "--email", "ada@example.com", "--event", "signup")
        #expect(refused.status == 1)
        // It names the process and the address of its ingest API, not another workspace's.
        #expect(refused.stderr.contains("another executor runs on this workspace: hookline serve (pid \(serve.pid))"), "\(refused.stderr)")
        #expect(refused.stderr.contains("send the event to it: POST \(url)/api/events/track"), "\(refused.stderr)")
        serve.signal(SIGTERM)
        #expect(try await serve.wait() == 0)
    }

    /// When serve takes only requests with the key, the advice says to send it, or following it
    /// gets a 401.
    @Test func whileServeRunsWithAKeyTheAdviceSaysToSendIt() async throws {
        let workspace = try await LiveWorkspace.make()
        defer { workspace.remove() }
        try workspace.files.writeSecrets(["ingest_api_key": "key_ingest_0123456789"])
        let (serve, url) = try await workspace.startServe()
        defer {
            serve.signal(SIGKILL)
            serve.removeOutput()
        }
        let refused = try await workspace.hookline("events", "track", "--email", "ada@example.com", "--event", "signup")
        #expect(refused.status == 1)
        #expect(
            refused.stderr.contains(
                "send the event to it: POST \(url)/api/events/track with the secret ingest_api_key in an Api-Key header"),
            "\(refused.stderr)")
        #expect(!refused.stderr.contains("key_ingest_0123456789"))
    }
}
