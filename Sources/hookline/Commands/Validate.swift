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
            try options.requireWorkspace()
            var workspace = WorkspaceLoader.load(from: options.root)
            if let fields = storedFieldNames() {
                let warnings = FieldUsageCheck.warnings(
                    in: workspace, root: options.root, userFields: fields.users, eventFields: fields.events)
                workspace = FieldUsageCheck.adding(warnings, to: workspace)
            }
            let root = options.root
            func read(_ path: String) -> String? { try? String(contentsOf: root.appendingPathComponent(path), encoding: .utf8) }
            if let exposure = SecretStore.exposure(workspaceRoot: root) {
                workspace.diagnostics.append(
                    Diagnostic(
                        path: SecretsFile.path, line: 1, column: 1, severity: .warning, message: exposure,
                        hint: "chmod 600 \(SecretsFile.path)"))
            }
            var secrets: [String: String] = [:]
            do {
                secrets = try SecretStore.load(workspaceRoot: root)
                workspace.diagnostics += SecretUsageCheck.warnings(
                    in: workspace, known: Set(secrets.keys), tooShort: SecretUsageCheck.tooShortToMask(secrets), read: read)
            } catch let error as SecretsFileError {
                workspace.diagnostics += error.diagnostics
            } catch {
                workspace.diagnostics.append(
                    Diagnostic(path: SecretsFile.path, line: 0, column: 0, message: "cannot read the file: \(error)"))
            }
            workspace.diagnostics += NetworkPolicy(settings: workspace.settings).saveTimeDiagnostics(for: workspace, text: read)
            workspace.diagnostics += RequestBuilder().saveTimeDiagnostics(for: workspace, secrets: secrets, text: read)
            workspace.diagnostics = WorkspaceLoader.sorted(workspace.diagnostics)
            let hasErrors = report(workspace.diagnostics, root: options.root)
            let errors = workspace.errors.count
            let warnings = workspace.diagnostics.count - errors
            print(
                "\(counted(workspace.workflows.count, "workflow")), \(counted(workspace.webhooks.count, "webhook")), "
                    + "\(counted(workspace.systemWebhooks.count, "system webhook")): "
                    + "\(counted(errors, "error")), \(counted(warnings, "warning"))")
            if hasErrors { throw ExitCode.badInput }
        }

        /// The top-level field names of the stored users and events; nil, after a note on standard error,
        /// when there is no store or no user to check against, or a warning when the store is an
        /// empty file or cannot be read. The store is only read: an empty file is left as it is.
        private func storedFieldNames() -> (users: Set<String>, events: Set<String>)? {
            let notChecked = "merge parameters not checked against profiles"
            guard FileManager.default.fileExists(atPath: options.storePath) else {
                printError("no users yet: \(notChecked)")
                return nil
            }
            do {
                let store = try SQLiteStateStore(path: options.storePath, readonly: true)
                let users = try store.userFieldNames()
                guard !users.isEmpty else {
                    printError("no users yet: \(notChecked)")
                    return nil
                }
                return (users, try store.eventFieldNames())
            } catch let error as StoreError {
                printError("warning: \(error); \(notChecked)")
            } catch {
                printError("warning: cannot read users from \(options.storePath): \(error); \(notChecked)")
            }
            return nil
        }
    }
}
