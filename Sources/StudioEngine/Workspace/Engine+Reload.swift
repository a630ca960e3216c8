import Foundation
import StudioModel

extension Engine {
    /// Runs from each workspace `changes` loads again from now on, as `hookline serve` does while
    /// its files are edited: a definition whose file is broken keeps running as it last loaded
    /// (``apply(_:)``), and a changed secrets file is read again (``reloadSecrets(workspaceRoot:)``);
    /// a removed one is not read as "no secrets": the secrets as last read stay until a restart.
    /// `report` gets one line per reload (``WorkspaceReload/summary(kept:)``), on the thread that
    /// woke the reader; then `storeLost` gets what `changes` found wrong with the store
    /// (``WorkspaceChangeSource/takeStoreProblem()``), if anything.
    public func follow(
        _ changes: any WorkspaceChangeSource, workspaceRoot: URL, report: @escaping @Sendable (String) -> Void,
        storeLost: @escaping @Sendable (String) -> Void = { _ in }
    ) {
        changes.onAvailable { [weak changes, self] in
            if let reload = changes?.take() {
                var summary = reload.summary(kept: apply(reload.workspace))
                if reload.changedPaths.contains(SecretsFile.path) {
                    let file = workspaceRoot.appendingPathComponent(SecretsFile.path)
                    if !FileManager.default.fileExists(atPath: file.path) {
                        // Fail closed: read as empty, a file removed by mistake (`git clean -fdX`
                        // takes .hookline/) would turn the ingest API's key check off.
                        summary += "; the secrets as last read stay in use (the ingest_api_key among them) until a restart"
                    } else if let problem = reloadSecrets(workspaceRoot: workspaceRoot) {
                        summary += "; \(problem); the secrets as last read stay in use"
                    }
                }
                report(summary)
            }
            if let problem = changes?.takeStoreProblem() { storeLost(problem) }
        }
    }

    /// Reads the workspace's secrets again, after the secrets file changed, and renders requests
    /// with them from now on; `HOOKLINE_SECRET_…` variables still win. When the file cannot be
    /// read, the secrets in use stay.
    /// - Returns: nil once read; else what is wrong, and where.
    @discardableResult
    public func reloadSecrets(workspaceRoot: URL) -> Diagnostic? {
        do {
            executor.apply(secrets: try SecretStore.load(workspaceRoot: workspaceRoot))
            return nil
        } catch let error as SecretsFileError {
            return error.diagnostic
        } catch {
            return Diagnostic(path: SecretsFile.path, line: 0, column: 0, message: "cannot read the file: \(error)")
        }
    }
}
