import ArgumentParser
import Foundation
import StudioEngine
import StudioModel
import StudioTUI

extension Hookline {
    struct Studio: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Open the studio on the workspace in the current folder.")

        @OptionGroup(title: "Workspace Options") var options: WorkspaceOptions
        @OptionGroup(title: "Studio Options") var studio: StudioFlags

        @Option(help: "Run workflow delays this many times faster.")
        var timeScale: Double = 1

        func run() async throws {
            try options.requireWorkspace()
            let workspace = WorkspaceLoader.load(from: options.root)
            let secrets = try SecretStore.load(workspaceRoot: options.root)
            let engine = try Engine(
                workspace: workspace, secrets: secrets,
                configuration: .init(timeScale: timeScale, storePath: options.storePath))
            _ = engine.resume()
            let status = await runStudio(
                workspace: workspace, root: options.root, traffic: engine.feed,
                commands: EngineStudioCommands(engine: engine, workspaceRoot: options.root), flags: studio)
            await engine.shutdown()
            if status != 0 { throw ExitCode(status) }
        }
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
