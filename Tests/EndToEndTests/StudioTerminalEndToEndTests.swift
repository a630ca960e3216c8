import Foundation
import Testing

/// What only a real terminal shows: keys whose sequences the terminfo does not list, Ctrl+Z
/// and a terminal that goes away. At 80×24: `COLUMNS` (100, which BinaryRunner sets for
/// help text) is taken out, or ncurses would draw 100 columns wide.
@Suite(.serialized)
struct StudioTerminalEndToEndTests {
    /// QA F2: inside tmux with TERM=xterm-256color, End arrives as `ESC[4~`, which that
    /// terminfo does not list; its `4` switched to the Users screen.
    @Test func endWhoseSequenceTheTerminfoDoesNotListIsNoDigit() async throws {
        let folder = try BinaryRunner.temporaryDirectory()
        let session = try await demo(in: folder, environment: "TERM=xterm-256color")
        try await session.driving {
            try await session.waitForScreen(timeout: 20) { $0.contains("POST   200") }
            try await session.tmux("send-keys", "-t", session.name, "-l", "\u{1B}[4~")
            try await session.tmux("send-keys", "-t", session.name, "-l", "\u{1B}[1;5C")
            try await session.press("?")
            let help = try await session.waitForScreen(timeout: 10) { $0.contains("Keys") }
            #expect(!help.contains("Users ·"), "\(help)")
            #expect(help.contains("This screen (Workflows)"), "\(help)")
        }
    }

    /// QA F8: on a terminal with no colours (TERM=vt100) the selection was bold only. Without
    /// NO_COLOR, which the test runner's environment may hold and which picks reverse anyway.
    @Test func aTerminalWithoutColoursShowsTheSelectionInReverseVideo() async throws {
        let folder = try BinaryRunner.temporaryDirectory()
        let session = try await demo(in: folder, environment: "-u NO_COLOR TERM=vt100")
        try await session.driving {
            try await session.waitForScreen(timeout: 20) { $0.contains("POST   200") }
            let screen = try await session.tmux("capture-pane", "-p", "-e", "-t", session.name)
            // The selected workflow, first in the list.
            let selected = screen.split(separator: "\n").first { $0.contains("▶ bi-sink") } ?? ""
            #expect(selected.contains("\u{1B}[7m ▶ bi-sink"), "\(screen)")
        }
    }

    /// QA F6: Ctrl+Z stops the studio as `kill -TSTP` does; `fg` brings it back.
    @Test func ctrlZSuspendsToTheShellAndFgComesBack() async throws {
        let folder = try BinaryRunner.temporaryDirectory()
        let session = try await TmuxSession(command: "env -u COLUMNS bash --norc --noprofile -i", columns: 80, rows: 24, directory: folder)
        try await session.driving {
            try await session.tmux(
                "send-keys", "-t", session.name, "-l", "\(BinaryRunner.hooklinePath) demo --dir \(folder.path)/ws\r")
            try await session.waitForScreen(timeout: 20) { $0.contains("POST   200") }
            try await session.press("C-z")
            try await session.waitForScreen(timeout: 10) { $0.contains("Stopped") }
            try await session.tmux("send-keys", "-t", session.name, "-l", "fg\r")
            try await session.waitForScreen(timeout: 10) { $0.contains("Hookline") && $0.contains("Workflows") }
            try await session.press("q")
            try await session.waitForScreen(timeout: 10) { !$0.contains("Workflows") }
        }
    }

    /// QA (session 20): a terminal grown while the studio ran (80×24 to 100×30) kept lines of
    /// its frame in the shell after `q`; the shell is left as it was, as `less` leaves it.
    @Test func quittingAfterTheTerminalGrewLeavesNothingOfTheFrameInTheShell() async throws {
        let folder = try BinaryRunner.temporaryDirectory()
        let session = try await TmuxSession(command: "env -u COLUMNS bash --norc --noprofile -i", columns: 80, rows: 24, directory: folder)
        try await session.driving {
            try await session.tmux(
                "send-keys", "-t", session.name, "-l", "clear; echo BEFORE; \(BinaryRunner.hooklinePath) demo --dir \(folder.path)/ws; echo AFTER\r")
            try await session.waitForScreen(timeout: 20) { $0.contains("POST   200") }
            try await session.resize(columns: 100, rows: 30)
            try await session.waitForScreen(timeout: 10) { $0.split(separator: "\n").first?.count == 100 }
            try await session.press("q")
            let shell = try await session.waitForScreen(timeout: 10) { $0.contains("AFTER") }
            #expect(!shell.contains("│") && !shell.contains("─"), "\(shell)")
            #expect(shell.contains("BEFORE"), "\(shell)")
        }
    }

    /// QA F3: closing the terminal (tmux's server going, as an SSH connection drops) kept
    /// nothing of the body editor's unsaved text. Standard error names the draft (it went to
    /// the studio's log, still standing in for it, until the terminal was restored).
    @Test func aClosedTerminalKeepsTheBodyEditorsTextAsADraft() async throws {
        let folder = try BinaryRunner.temporaryDirectory()
        let stderr = folder.appendingPathComponent("stderr.txt")
        let session = try await demo(in: folder, redirect: " 2>\(stderr.path)")
        try await session.driving {
            try await Self.typeUnsavedMarkerInLobLetterBody(in: session)
            await session.kill()
        }
        let draft = folder.appendingPathComponent("ws/.hookline/drafts/webhooks/lob-letter.yaml")
        let deadline = Date().addingTimeInterval(10)
        while Date() < deadline, !FileManager.default.fileExists(atPath: draft.path) {
            try await Task.sleep(for: .milliseconds(100))
        }
        let text = try String(contentsOf: draft, encoding: .utf8)
        #expect(text.contains("unsaved_marker"))
        #expect(text.contains("id: lob-letter"))
        let named = "kept in .hookline/drafts/webhooks/lob-letter.yaml"
        var said = ""
        while Date() < deadline.addingTimeInterval(5), !said.contains(named) {
            said = (try? String(contentsOf: stderr, encoding: .utf8)) ?? ""
            try await Task.sleep(for: .milliseconds(100))
        }
        #expect(said.contains(named), "\(said)")
    }

    /// A crash or `kill -9` of the studio lost the body editor's typing, which only a signal
    /// kept: it is kept in the draft within a second or two while the studio runs, and the body
    /// editor of the next studio opens with it, unsaved.
    @Test func bodyEditorTypingOutlivesAKill9() async throws {
        let folder = try BinaryRunner.temporaryDirectory()
        let draft = folder.appendingPathComponent("ws/.hookline/drafts/webhooks/lob-letter.yaml")
        let session = try await demo(in: folder)
        try await session.driving {
            try await Self.typeUnsavedMarkerInLobLetterBody(in: session)
            // Kept while the studio runs: no signal has reached it.
            let deadline = Date().addingTimeInterval(15)
            var kept = false
            while Date() < deadline, !kept {
                kept = (try? String(contentsOf: draft, encoding: .utf8))?.contains("unsaved_marker") == true
                if !kept { try await Task.sleep(for: .milliseconds(100)) }
            }
            #expect(kept, "the typing is not in \(draft.path) while the studio runs")
            let killed = try await BinaryRunner.run("/usr/bin/pkill", ["-KILL", "-f", "demo --dir \(folder.path)/ws"])
            #expect(killed.status == 0)
        }
        let kept = try String(contentsOf: draft, encoding: .utf8)
        #expect(kept.contains("unsaved_marker"), "\(kept)")
        #expect(kept.contains("id: lob-letter"))

        let again = try await TmuxSession(
            command: "env -u COLUMNS \(BinaryRunner.hooklinePath) studio -C \(folder.path)/ws", columns: 80, rows: 24, directory: folder)
        try await again.driving {
            try await again.waitForScreen(timeout: 20) { $0.contains("Workflows") || $0.contains("welcome") }
            try await Self.openLobLetterBody(in: again)
            let screen = try await again.waitForScreen(timeout: 10) { $0.contains("as you left it") }
            #expect(screen.contains("unsaved_marker"), "\(screen)")
        }
    }

    /// QA: quitting the studio while its journeys were still running said nothing, where `hookline
    /// run` stopped by Ctrl+C says what is left. Here the endpoint refuses connections, so the
    /// deliveries wait for their retries when `q` is pressed.
    @Test func quittingWithJourneysUnfinishedSaysWhoGoesOnWithThem() async throws {
        let folder = try BinaryRunner.temporaryDirectory()
        let root = folder.appendingPathComponent("ws")
        #expect(try await BinaryRunner.hookline("init", root.path, "--base-url", "http://127.0.0.1:9").status == 0)
        let users = folder.appendingPathComponent("users.csv")
        try "email,firstName\nada@example.com,Ada\nbob@example.com,Bob\n".write(to: users, atomically: true, encoding: .utf8)
        #expect(try await BinaryRunner.hookline("users", "import", users.path, "-C", root.path).status == 0)
        let stderr = folder.appendingPathComponent("stderr.txt")
        let session = try await TmuxSession(
            command: "env -u COLUMNS \(BinaryRunner.hooklinePath) studio -C \(root.path) 2>\(stderr.path)",
            columns: 80, rows: 24, directory: folder)
        try await session.driving {
            try await session.waitForScreen(timeout: 20) { $0.contains("Workflows") }
            try await session.press("r")
            try await session.waitForScreen(timeout: 5) { $0.contains("run ") && $0.contains(" for") }
            try await session.press("Enter")
            try await session.waitForScreen(timeout: 10) { $0.contains("for 2 users") }
            try await session.press("q")
            #expect(try await session.waitForExit(timeout: 15) == 0)
        }
        let said = try String(contentsOf: stderr, encoding: .utf8)
        #expect(said.contains("stopped with 2 journeys unfinished; hookline resume (or the next studio or serve) goes on with them"), "\(said)")
    }

    /// Once the demo's traffic flows, opens lob-letter's body editor and types `unsaved_marker`.
    private static func typeUnsavedMarkerInLobLetterBody(in session: TmuxSession) async throws {
        try await session.waitForScreen(timeout: 20) { $0.contains("POST   200") }
        try await openLobLetterBody(in: session)
        try await session.waitForScreen(timeout: 10) { $0.contains("Ctrl+S saves") }
        try await session.tmux("send-keys", "-t", session.name, "-l", "unsaved_marker")
        try await session.waitForScreen(timeout: 10) { $0.contains("unsaved_marker") }
    }

    /// Selects the demo's lob-letter webhook and opens its body editor (`b`).
    private static func openLobLetterBody(in session: TmuxSession) async throws {
        try await session.press("2")
        try await session.waitForScreen(timeout: 10) { $0.contains("lob-letter") }
        // Webhooks in file-name order: bi-events, crm-vip, lob-letter.
        try await session.press("j")
        try await session.press("j")
        try await session.waitForScreen(timeout: 10) { $0.contains("─ lob-letter") }
        try await session.press("b")
    }

    /// The demo in `folder` at 80×24: `env -u COLUMNS <environment> hookline demo …<redirect>`.
    private func demo(in folder: URL, environment: String = "", redirect: String = "") async throws -> TmuxSession {
        try await TmuxSession(
            command: "env -u COLUMNS \(environment) \(BinaryRunner.hooklinePath) demo --dir \(folder.path)/ws\(redirect)",
            columns: 80, rows: 24, directory: folder)
    }
}
