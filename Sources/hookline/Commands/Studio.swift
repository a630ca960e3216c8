import ArgumentParser
import Foundation
import StudioEngine
import StudioModel
import StudioTUI

extension Hookline {
    struct Studio: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Open the studio on the workspace in the current folder.",
            discussion: """
                The studio runs the workspace's executor: it resumes what a stopped executor left and \
                sends what you run, replay or test send from it. With --readonly it runs none: nothing \
                is resumed or sent from this process, and the traffic pane follows the attempts stored \
                by the executor that runs the workspace (`hookline serve`), as `hookline watch` does. \
                Opened while another process runs the executor, it follows that process's traffic the \
                same way and leaves runs and replays to it; editing and test sends work as usual.
                """)

        @OptionGroup(title: "Workspace Options") var options: WorkspaceOptions
        @OptionGroup(title: "Studio Options") var studio: StudioFlags

        @Option(help: "Run workflow delays this many times faster.")
        var timeScale: Double = 1

        func validate() throws {
            try validateTimeScale(timeScale)
        }

        func run() async throws {
            try options.requireWorkspace()
            // Before loading: a change made meanwhile is then seen as one.
            let files = DefinitionFiles.scan(root: options.root)
            let workspace = WorkspaceLoader.load(from: options.root)
            let secrets = try options.secrets()
            let engine = try EngineCommand.openingStore {
                try Engine(workspace: workspace, secrets: secrets, configuration: engineConfiguration)
            }
            // Read-only is for watching production: this process resumes nothing and sends
            // nothing; the traffic shown is what the workspace's executor stores. So it is when
            // another process runs the executor (`hookline serve`): this studio edits files and
            // test-sends, and leaves runs and replays to that process (a studio opened first
            // keeps that role until it is restarted).
            var otherExecutor: String?
            if !studio.readonly, try await EngineCommand.resume(engine, holder: "the studio") == nil {
                otherExecutor = engine.otherExecutor ?? "another process"
            }
            // A following studio shows the store alone: its own test sends are stored too, and
            // through the engine's feed as well they would show twice.
            let shown = studio.readonly || otherExecutor != nil ? TrafficFeed() : engine.feed
            let following = shown !== engine.feed ? StoredTraffic.follow(engine.store, into: shown) : nil
            if following == nil {
                // The traffic pane opens on what was sent before, not on an empty pane.
                StoredTraffic.publishRecent(engine.store, into: engine.feed)
            }
            let status = await runStudio(
                workspace: workspace, files: files, root: options.root, traffic: shown,
                commands: EngineStudioCommands(engine: engine, workspaceRoot: options.root, otherExecutor: otherExecutor),
                flags: studio,
                notice: otherExecutor.map { "this workspace is run by \($0): the traffic shown is what it stores; runs and replays are its to make" },
                store: { engine.storeProblem })
            following?.cancel()
            // Quit mid-run, as `run` stopped by Ctrl+C says: what is left and who goes on with it.
            let unfinished = engine.executor.stats.journeysActive
            await engine.shutdown()
            if otherExecutor == nil, !studio.readonly, unfinished > 0 {
                printError("stopped with \(counted(unfinished, "journey")) unfinished; hookline resume (or the next studio or serve) goes on with them")
            }
            if status != 0 { throw ExitCode(status) }
        }
    }
}

extension Hookline.Studio {
    /// A read-only studio runs nothing, so it opens the store for reading only: it works on a
    /// store this user may read but not write (production, watched by ops), and writes nothing
    /// there. With no store yet (no file, or an empty one), the engine keeps an empty one in
    /// memory rather than make the file a store (``Engine/Configuration/readonly``).
    var engineConfiguration: Engine.Configuration {
        .init(timeScale: timeScale, storePath: options.storePath, readonly: studio.readonly)
    }
}

extension StudioFlags {
    var studioOptions: StudioOptions {
        var options = StudioOptions()
        options.themeName = theme
        options.noColor = noColor || !(ProcessInfo.processInfo.environment["NO_COLOR"] ?? "").isEmpty
        options.ascii = ascii
        options.readonly = readonly
        options.eventsLogPath = eventsLog
        return options
    }
}

/// The traffic of a read-only studio: the attempts another process stores (`hookline serve`, a
/// `hookline run`), read from the store as `hookline watch` reads them.
enum StoredTraffic {
    /// Publishes the last `recent` stored attempts into `feed`, then each new one as it is
    /// stored, until the task is cancelled.
    static func follow(_ store: any StateStore, into feed: TrafficFeed, recent: Int = 200) -> Task<Void, Never> {
        Task.detached {
            let last = publishRecent(store, into: feed, recent: recent)
            // Only what comes next: a failed first read must not replay the whole store.
            let newest = last.last?.id ?? (try? store.attempts(matching: AttemptFilter(limit: 1)).last?.id) ?? 0
            await StoredAttemptFollower.follow(store, filter: AttemptFilter(limit: 1000), after: newest) {
                feed.publish($0)
            }
        }
    }

    /// Publishes the last `recent` stored attempts into `feed`, oldest first (none when the
    /// store cannot be read: the studio opens on live traffic then).
    @discardableResult
    static func publishRecent(_ store: any StateStore, into feed: TrafficFeed, recent: Int = 200) -> [AttemptRecord] {
        let last = (try? store.attempts(matching: AttemptFilter(limit: recent))) ?? []
        feed.publish(last)
        return last
    }
}
