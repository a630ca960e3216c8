import ArgumentParser
import Foundation
import StudioEngine
import StudioModel
import StudioTUI

extension Hookline {
    struct Demo: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Open the studio on a demo workspace, with a local receiver and live demo events.",
            discussion: """
                Creates a demo workspace (three workflows, 200 users), starts the embedded receiver on a \
                free 127.0.0.1 port, sends a steady stream of demo events and opens the studio. \
                Every request goes to the local receiver only.
                """)

        @Option(help: "Folder for the demo workspace; a new temporary folder by default.", completion: .directory)
        var dir: String?

        @Option(help: "Demo events per second.")
        var rate: Double = 20

        @Option(help: "Run workflow delays this many times faster (2d becomes 17 s at 10000).")
        var timeScale: Double = 10_000

        @OptionGroup(title: "Studio Options") var studio: StudioFlags

        func validate() throws {
            guard rate > 0, rate <= 1000 else { throw ValidationError("Please give a --rate above 0 and at most 1000 events per second.") }
            try validateTimeScale(timeScale)
        }

        func run() async throws {
            let root = URL(fileURLWithPath: dir ?? NSTemporaryDirectory() + "hookline-demo-\(getpid())", isDirectory: true)
            let receiver = try await Receiver.start()
            let workspace = try DemoSetup.prepare(at: root, receiverBaseURL: receiver.baseURL)
            let files = DefinitionFiles.scan(root: root)
            let secrets = try loadSecrets(root: root)
            let engine = try Engine(
                workspace: workspace, secrets: secrets,
                configuration: .init(timeScale: timeScale, storePath: root.appendingPathComponent(".hookline/state.sqlite").path))
            let users = DemoWorkspace.users(count: 200)
            try engine.store.saveUsers(users)
            _ = try await EngineCommand.resume(engine, holder: "hookline demo")

            let triggers = workspace.workflows.compactMap(\.start.eventName)
            let stream = DemoEventStream(
                executor: engine.executor, emails: users.compactMap { $0["email"]?.stringValue },
                eventNames: Array(Set(triggers)).sorted(), interval: .nanoseconds(Int(1e9 / rate)))
            stream.start()

            let status = await runStudio(
                workspace: workspace, files: files, root: root, traffic: engine.feed,
                commands: EngineStudioCommands(engine: engine, workspaceRoot: root), flags: studio,
                store: { engine.storeProblem })
            stream.stop()
            await engine.shutdown()
            await receiver.shutdown()
            let count = (try? engine.store.attemptCount()) ?? 0
            print("Demo workspace: \(root.path) (\(count) requests recorded in .hookline/state.sqlite)")
            if status != 0 { throw ExitCode(status) }
        }
    }
}

/// Writes the demo workspace and its secrets, then loads it back like any other workspace.
enum DemoSetup {
    static func prepare(at root: URL, receiverBaseURL: String) throws -> Workspace {
        for (path, contents) in DemoWorkspace.files(receiverBaseURL: receiverBaseURL) {
            let url = root.appendingPathComponent(path)
            try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try WorkspaceWriter.writeAtomically(contents, to: url)
        }
        try SecretStore.save(
            ["lob_key": "test_demo_lob_key_5f2a", "crm_token": "demo_crm_token_91c3"], workspaceRoot: root)
        let workspace = WorkspaceLoader.load(from: root)
        if !workspace.errors.isEmpty {
            throw ValidationError("The demo workspace has errors:\n" + workspace.errors.map(\.description).joined(separator: "\n"))
        }
        return workspace
    }
}
