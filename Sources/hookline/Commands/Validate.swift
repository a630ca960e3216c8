import ArgumentParser
import Foundation
import StudioEngine
import StudioModel

extension Hookline {
    struct Validate: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Check every workspace file and print each problem as path:line:col.",
            discussion: """
                Merge parameters that no stored user (or tracked event) has are warnings: they would \
                render empty. Warnings alone leave the exit status 0.
                """)

        @OptionGroup(title: "Workspace Options") var options: WorkspaceOptions

        func run() throws {
            var workspace = WorkspaceLoader.load(from: options.root)
            if let fields = storedFieldNames() {
                let warnings = FieldUsageCheck.warnings(
                    in: workspace, root: options.root, userFields: fields.users, eventFields: fields.events)
                workspace = FieldUsageCheck.adding(warnings, to: workspace)
            }
            workspace.diagnostics += networkPolicyDiagnostics(workspace)
            workspace.diagnostics.sort { ($0.path, $0.line, $0.column) < ($1.path, $1.line, $1.column) }
            let hasErrors = report(workspace.diagnostics, root: options.root)
            let errors = workspace.errors.count
            let warnings = workspace.diagnostics.count - errors
            print(
                "\(workspace.workflows.count) workflows, \(workspace.webhooks.count) webhooks, "
                    + "\(workspace.systemWebhooks.count) system webhooks: \(errors) errors, \(warnings) warnings")
            if hasErrors { throw ExitCode.badInput }
        }

        /// Webhook URLs the workspace's network policy would refuse, found when saved rather than
        /// at the first attempt (delivery.md §8.8). Names that resolve later are checked per attempt.
        private func networkPolicyDiagnostics(_ workspace: Workspace) -> [Diagnostic] {
            let policy = NetworkPolicy(settings: workspace.settings)
            let targets =
                workspace.webhooks.map { ("webhooks/\($0.id).yaml", "url", $0.url) }
                + workspace.systemWebhooks.map { ("system-webhooks/\($0.id).yaml", "endpoint", $0.endpoint) }
            return targets.compactMap { path, key, url in
                guard let violation = policy.check(url: url).violation else { return nil }
                let (line, column) = Self.position(ofKey: key, in: options.root.appendingPathComponent(path))
                return Diagnostic(path: path, line: line, column: column, message: violation.message)
            }
        }

        /// Line and column of the value of a top-level `key:` in a YAML file; (1, 1) when not found.
        static func position(ofKey key: String, in file: URL) -> (Int, Int) {
            guard let text = try? String(contentsOf: file, encoding: .utf8) else { return (1, 1) }
            for (index, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated()
            where line.hasPrefix(key + ":") {
                let value = line.dropFirst(key.count + 1).prefix { $0 == " " }
                return (index + 1, key.count + 2 + value.count)
            }
            return (1, 1)
        }

        /// The top-level field names of the stored users and events; nil, after a note on standard error,
        /// when there is no store or no user to check against.
        private func storedFieldNames() -> (users: Set<String>, events: Set<String>)? {
            let noUsers = "no users yet: merge parameters not checked against profiles"
            guard FileManager.default.fileExists(atPath: options.storePath) else {
                printError(noUsers)
                return nil
            }
            do {
                let store = try SQLiteStateStore(path: options.storePath)
                let users = try store.userFieldNames()
                guard !users.isEmpty else {
                    printError(noUsers)
                    return nil
                }
                return (users, try store.eventFieldNames())
            } catch {
                printError("cannot read users from \(options.storePath): \(error); merge parameters not checked")
                return nil
            }
        }
    }
}
