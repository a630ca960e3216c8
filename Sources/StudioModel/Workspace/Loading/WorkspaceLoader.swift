import Foundation

/// Reads a workspace folder into `Workspace` values, turning every problem into a `Diagnostic`.
public enum WorkspaceLoader {
    /// The folders that hold one definition per `.yaml` (or `.yml`) file.
    static let folders = ["workflows", "webhooks", "system-webhooks"]
    /// How a definition file's name ends: `.yaml`, or `.yml` as many tools write it.
    public static let definitionExtensions = [".yaml", ".yml"]
    /// The workspace settings file, relative to the root.
    public static let settingsPath = "hookline.yaml"

    /// Reads hookline.yaml, workflows/*.yaml, webhooks/*.yaml, system-webhooks/*.yaml under `root`
    /// (and `*.yml` files there too).
    ///
    /// Never throws for bad files: every problem becomes a Diagnostic (path relative to root,
    /// 1-based line:col) and the rest loads. Files are read in sorted order so diagnostics are
    /// deterministic. A missing hookline.yaml or folder is fine. Files the definitions name (a
    /// webhook's `tls.ca`) are read relative to `root`; a missing one is an error at its key.
    public static func load(from root: URL) -> Workspace {
        load(from: root, overriding: [:])
    }

    /// Same as `load(from:)`, with some definition files' text taken from `overrides`
    /// (relative path → contents) instead of the disk: how an edit is checked before it is written.
    ///
    /// An override may name a file that does not exist yet; it is read when its path is
    /// `hookline.yaml` or `<folder>/<name>.yaml` in one of the three folders. Files that
    /// definitions name (a webhook's `tls.ca`) are still read from the disk.
    public static func load(from root: URL, overriding overrides: [String: String]) -> Workspace {
        var files: [String: String] = [:]
        var unreadable: [Diagnostic] = []
        let manager = FileManager.default
        for path in definitionPaths(in: root) where overrides[path] == nil {
            let url = root.appendingPathComponent(path)
            // Without following links: a link to nowhere is a file the user has that cannot be read.
            guard (try? manager.attributesOfItem(atPath: url.path)) != nil else { continue }
            do {
                let data = try Data(contentsOf: url)
                guard let text = String(data: data, encoding: .utf8) else {
                    let at = InvalidUTF8.firstLocation(in: data) ?? SourceLocation(line: 0, column: 0)
                    unreadable.append(
                        Diagnostic(path: path, line: at.line, column: at.column, message: "not UTF-8 text; save the file as UTF-8"))
                    continue
                }
                files[path] = text
            } catch {
                unreadable.append(Diagnostic(path: path, line: 0, column: 0, message: unreadableReason(url, error)))
            }
        }
        files.merge(overrides) { $1 }
        var workspace = load(files: files, referencedFiles: .disk(root: root))
        workspace.diagnostics = sorted(workspace.diagnostics + unreadable)
        return workspace
    }

    /// Why the file at `url` could not be read, in the user's terms.
    private static func unreadableReason(_ url: URL, _ error: Error) -> String {
        var isFolder: ObjCBool = false
        if FileManager.default.fileExists(atPath: url.path, isDirectory: &isFolder), isFolder.boolValue {
            return "is a folder, not a file"
        }
        if (try? FileManager.default.destinationOfSymbolicLink(atPath: url.path)) != nil,
            !FileManager.default.fileExists(atPath: url.path)
        {
            return "is a symbolic link to a missing file, or a loop of links"
        }
        return "cannot read file: \(error.localizedDescription)"
    }

    /// The definition files the loader reads under `root`, relative to it: `hookline.yaml`, then
    /// each folder's `*.yaml` and `*.yml` (hidden files left out). `hookline.yaml` is listed even when missing.
    static func definitionPaths(in root: URL) -> [String] {
        var paths = [settingsPath]
        for folder in folders {
            let names = (try? FileManager.default.contentsOfDirectory(atPath: root.appendingPathComponent(folder).path)) ?? []
            paths += names.filter(isDefinitionFileName).map { "\(folder)/\($0)" }
        }
        return paths
    }

    /// Whether a file of one of the folders holds a definition: `*.yaml` or `*.yml`, not hidden.
    static func isDefinitionFileName(_ name: some StringProtocol) -> Bool {
        !name.hasPrefix(".") && definitionExtensions.contains { name.hasSuffix($0) }
    }

    /// Whether `path` is a definition file directly in `folder` (`workflows/welcome.yaml`).
    static func isDefinitionPath(_ path: String, in folder: String) -> Bool {
        let parts = path.split(separator: "/", omittingEmptySubsequences: false)
        return parts.count == 2 && parts[0] == folder && isDefinitionFileName(parts[1])
    }

    /// Same as `load(from:)`, from in-memory files (relative path → contents), for tests and the demo.
    ///
    /// Paths other than `hookline.yaml` and `<folder>/<name>.yaml` in the three folders are only
    /// read when a definition names them (a webhook's `tls.ca`).
    public static func load(files: [String: String]) -> Workspace {
        load(files: files, referencedFiles: .memory(files))
    }

    static func load(files: [String: String], referencedFiles: ReferencedFiles) -> Workspace {
        var workspace = Workspace()
        var diagnostics: [Diagnostic] = []
        func paths(in folder: String) -> [String] {
            files.keys.filter { isDefinitionPath($0, in: folder) }.sorted()
        }
        func file(_ path: String) -> YAMLFile { YAMLFile(path: path, source: files[path] ?? "") }

        if files[settingsPath] != nil {
            let settingsFile = file(settingsPath)
            workspace.settings = SettingsFileReader.read(settingsFile)
            diagnostics += settingsFile.diagnostics
        }

        var catalog = WebhookCatalog(declaredIDs: [], webhooks: [:])
        var definedIn: [String: String] = [:]
        for path in paths(in: "webhooks") {
            let webhookFile = file(path)
            let (webhook, id, parts) = WebhookFileReader.read(webhookFile, files: referencedFiles)
            if let other = definedIn[id] {
                diagnostics.append(duplicate("webhook", id: id, in: webhookFile, other: other))
            } else {
                definedIn[id] = path
                workspace.sourcePaths.webhooks[id] = path
                catalog.declaredIDs.append(id)
                if let webhook {
                    catalog.webhooks[id] = webhook
                    workspace.webhooks.append(webhook)
                } else if let parts {
                    workspace.unloadedWebhookParts.append(parts)
                }
            }
            diagnostics += webhookFile.diagnostics
        }

        definedIn = [:]
        for path in paths(in: "system-webhooks") {
            let systemFile = file(path)
            let (systemWebhook, parts) = SystemWebhookFileReader.read(systemFile)
            if let systemWebhook {
                if let other = definedIn[systemWebhook.id] {
                    diagnostics.append(duplicate("system webhook", id: systemWebhook.id, in: systemFile, other: other))
                } else {
                    definedIn[systemWebhook.id] = path
                    workspace.sourcePaths.systemWebhooks[systemWebhook.id] = path
                    workspace.systemWebhooks.append(systemWebhook)
                }
            } else if let parts {
                workspace.unloadedWebhookParts.append(parts)
            }
            diagnostics += systemFile.diagnostics
        }

        definedIn = [:]
        for path in paths(in: "workflows") {
            let workflowFile = file(path)
            if let workflow = WorkflowFileReader.read(workflowFile, catalog: catalog) {
                if let other = definedIn[workflow.id] {
                    diagnostics.append(duplicate("workflow", id: workflow.id, in: workflowFile, other: other))
                } else {
                    definedIn[workflow.id] = path
                    workspace.sourcePaths.workflows[workflow.id] = path
                    workspace.workflows.append(workflow)
                }
            }
            diagnostics += workflowFile.diagnostics
        }

        workspace.diagnostics = sorted(diagnostics)
        return workspace
    }

    private static func duplicate(_ kind: String, id: String, in file: YAMLFile, other: String) -> Diagnostic {
        let at = file.topLevelValue(of: "id") ?? SourceLocation(line: 1, column: 1)
        return Diagnostic(
            path: file.path, line: at.line, column: at.column, message: "duplicate \(kind) id '\(id)'; this file is skipped",
            hint: "also defined in \(other)")
    }

    /// Orders diagnostics by file, then position; stable for equal positions.
    public static func sorted(_ diagnostics: [Diagnostic]) -> [Diagnostic] {
        diagnostics.enumerated().sorted { lhs, rhs in
            let a = lhs.element, b = rhs.element
            if a.path != b.path { return a.path < b.path }
            if a.line != b.line { return a.line < b.line }
            if a.column != b.column { return a.column < b.column }
            return lhs.offset < rhs.offset
        }.map(\.element)
    }
}
