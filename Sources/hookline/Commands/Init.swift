import ArgumentParser
import Foundation
import StudioModel

extension Hookline {
    struct Init: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Create a new workspace with example workflows and webhooks.")

        @Argument(help: "The folder to create.", completion: .directory)
        var dir: String = "."

        @Option(help: "Base URL the example webhooks call.")
        var baseURL: String = "http://127.0.0.1:8080"

        func run() throws {
            let root = URL(fileURLWithPath: dir, isDirectory: true)
            if FileManager.default.fileExists(atPath: root.appendingPathComponent("hookline.yaml").path) {
                throw ValidationError("\(root.path) already holds a workspace (hookline.yaml); please choose another folder.")
            }
            for (path, contents) in DemoWorkspace.files(receiverBaseURL: baseURL).sorted(by: { $0.key < $1.key }) {
                let url = root.appendingPathComponent(path)
                try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
                try WorkspaceWriter.writeAtomically(contents, to: url)
                print("created \(path)")
            }
            let ignore = root.appendingPathComponent(".gitignore")
            if !FileManager.default.fileExists(atPath: ignore.path) {
                try WorkspaceWriter.writeAtomically(".hookline/\n", to: ignore)
            }
            print("Run `hookline receive` in another terminal, then `hookline` here to open the studio.")
        }
    }
}
