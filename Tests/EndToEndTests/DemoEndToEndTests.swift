import Foundation
import Testing

/// Runs the built `hookline demo` in a real terminal (tmux) as a new user would.
@Suite(.serialized)
struct DemoEndToEndTests {
    /// A traffic line: time, method, a 2xx status, latency.
    static let liveTrafficLine = #/\d\d:\d\d:\d\d\.\d{3} +(GET|POST|PUT|PATCH|DELETE) +2\d\d +\d/#

    @Test func demoShowsLiveTrafficWithoutAKeyAndQuitsCleanly() throws {
        let folder = try BinaryRunner.temporaryDirectory()
        let session = try TmuxSession(
            command: "\(BinaryRunner.hooklinePath) demo --dir \(folder.path)/ws", directory: folder)
        defer { session.kill() }

        let screen = try session.waitForScreen(timeout: 20) { screen in
            screen.split(separator: "\n").filter { $0.contains(Self.liveTrafficLine) }.count >= 3
        }
        #expect(screen.contains("direct-mail"))
        #expect(screen.contains("Workflows"))

        try session.press("q")
        #expect(session.waitForExit(timeout: 15) == 0)
        // Everything shown was stored.
        #expect(FileManager.default.fileExists(atPath: folder.path + "/ws/.hookline/state.sqlite"))
    }

    @Test func theStudioRedrawsOnResizeAndShowsANoticeWhenTooSmall() throws {
        let folder = try BinaryRunner.temporaryDirectory()
        let session = try TmuxSession(
            command: "\(BinaryRunner.hooklinePath) demo --dir \(folder.path)/ws", directory: folder)
        defer { session.kill() }

        try session.waitForScreen(timeout: 20) { $0.contains("direct-mail") }
        try session.resize(columns: 40, rows: 10)
        try session.waitForScreen(timeout: 5) { $0.lowercased().contains("too small") }
        try session.resize(columns: 80, rows: 24)
        try session.waitForScreen(timeout: 5) { $0.contains("direct-mail") }
        try session.press("q")
        #expect(session.waitForExit(timeout: 15) == 0)
    }
}
