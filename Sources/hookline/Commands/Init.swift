import ArgumentParser
import Foundation
import StudioEngine
import StudioModel

extension Hookline {
    struct Init: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Create a new workspace with example workflows and webhooks.")

        @Argument(help: "The folder to create.", completion: .directory)
        var dir: String = "."

        @Option(help: "Base URL the example webhooks call.")
        var baseURL: String = "http://127.0.0.1:8080"

        func validate() throws {
            // The example webhooks take their scheme and host from it: `validate` would refuse the workspace.
            if let violation = NetworkPolicy.formViolation(of: baseURL) {
                throw ValidationError("Please give an http:// or https:// --base-url, not '\(baseURL)': \(violation.message).")
            }
        }

        func run() throws {
            let root = URL(fileURLWithPath: dir, isDirectory: true)
            if let file = Self.fileInTheWay(of: root) {
                printError("error: \(file.path) is a file, not a folder; nothing was created.")
                throw ExitCode.failure
            }
            let files = DemoWorkspace.files(receiverBaseURL: baseURL).sorted(by: { $0.key < $1.key })
            // A user's file is never written over: if any file init would create is there, nothing is created.
            let taken = files.map(\.key).filter { FileManager.default.fileExists(atPath: root.appendingPathComponent($0).path) }
            if !taken.isEmpty {
                printError("error: \(root.path) already has \(taken.joined(separator: ", ")); nothing was created.")
                printError("Please choose another folder, or move those files away first.")
                throw ExitCode.failure
            }
            for (path, contents) in files {
                let url = root.appendingPathComponent(path)
                try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
                // Exclusive create, so a file that appeared since the check above is not replaced either.
                try Data(contents.utf8).write(to: url, options: .withoutOverwriting)
                print("created \(path)")
            }
            try ignoreStateFolder(in: root)
            print("Run `hookline receive` in another terminal, then `hookline` here to open the studio.")
        }

        /// The nearest of `root` and the folders above it that exists, when it is a file: no
        /// workspace folder can be made there.
        private static func fileInTheWay(of root: URL) -> URL? {
            var candidate = root.standardizedFileURL
            var isFolder: ObjCBool = false
            while !FileManager.default.fileExists(atPath: candidate.path, isDirectory: &isFolder) {
                let parent = candidate.deletingLastPathComponent()
                guard parent.path != candidate.path else { return nil }
                candidate = parent
            }
            return isFolder.boolValue ? nil : candidate
        }

        /// Makes `.gitignore` ignore `.hookline/` (the store and secrets), keeping whatever the file already says.
        private func ignoreStateFolder(in root: URL) throws {
            let ignore = root.appendingPathComponent(".gitignore")
            guard FileManager.default.fileExists(atPath: ignore.path) else {
                try WorkspaceWriter.writeAtomically(".hookline/\n", to: ignore)
                print("created .gitignore")
                return
            }
            let text = try String(contentsOf: ignore, encoding: .utf8)
            let patterns: Set<String> = [".hookline", ".hookline/", "/.hookline", "/.hookline/"]
            let lines = text.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline)
            if lines.contains(where: { patterns.contains($0.trimmingCharacters(in: .whitespaces)) }) { return }
            let separator = text.isEmpty || text.hasSuffix("\n") ? "" : "\n"
            try WorkspaceWriter.writeAtomically(text + separator + ".hookline/\n", to: ignore)
            print("added .hookline/ to .gitignore")
        }
    }
}
