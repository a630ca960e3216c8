import Foundation
import Yams

/// Warns about merge parameters that no user has: Iterable renders a missing field as empty, so a typo
/// such as `{{frstName}}` would otherwise go out silently as an empty string.
///
/// ```swift
/// let warnings = FieldUsageCheck.warnings(
///     in: workspace, files: files, userFields: ["email", "firstName"], eventFields: ["orderId"])
/// // webhooks/lob-letter.yaml:9:24: warning: merge parameter 'frstName' is not a field of any user (did you mean 'firstName'?)
/// ```
///
/// What is checked:
/// - The templates that webhooks and workflow nodes render: every loaded `webhooks/*.yaml` (URL, header
///   values, auth fields, body; whether or not a workflow calls it yet, since it can be test-sent) and the
///   subject and body of `sendEmail`, `sendSMS` and `sendPush` nodes. System webhooks are not checked: they
///   render Iterable's fixed event payload, not a user.
/// - Only a field's first path component (`address` of `address.city`); nested keys vary per user.
///
/// What counts as known: the top-level keys of any user profile; the `dataFields` keys of any stored event,
/// because a workflow started by an event or `triggerWorkflow` looks up the trigger's data first and that
/// data is unknowable without events (a field only an event-triggered journey can supply is therefore
/// flagged until one such event has been tracked); the fields an `updateProfile` node of any workflow
/// sets; and the names the context always answers, `dataFields` and `liveData`. Secrets, `@` variables and paths inside `#each`/`#with`/sections are never checked,
/// nor the templates of steps that may run after an Update User Profile step, and of the webhooks
/// they call: the answer merged into the profile may bring any field.
/// Templates that do not parse are skipped: the loader already reported them as errors.
public enum FieldUsageCheck {
    /// Top-level names every template context answers, whoever the user is.
    public static let builtInFields: Set<String> = Set(["dataFields", "liveData"]).union(JourneyFields.names)

    /// Warnings, sorted by position, for every use of an unknown field in `workspace`'s templates.
    ///
    /// - Parameters:
    ///   - workspace: The workspace loaded from `files`; only webhooks and workflows it holds are checked
    ///     (a file skipped as a duplicate, or one that failed to load, is not checked again).
    ///   - files: The workspace files (relative path → contents) the workspace was loaded from; they give
    ///     each template's position.
    ///   - userFields: The union of every user profile's top-level keys.
    ///   - eventFields: The union of every stored event's `dataFields` keys.
    public static func warnings(
        in workspace: Workspace, files: [String: String], userFields: Set<String>, eventFields: Set<String> = []
    ) -> [Diagnostic] {
        let setByNodes = Set(workspace.workflows.flatMap(\.nodes).flatMap { node -> [String] in
            guard case .updateProfile(let fields) = node.kind else { return [] }
            return fields.compactMap { $0.field.split(separator: ".").first.map(String.init) }
        })
        let known = userFields.union(eventFields).union(setByNodes).union(builtInFields)
        let candidates = userFields.union(eventFields).union(setByNodes).sorted()
        let enriched = afterProfileUpdates(in: workspace)
        var warnings: [Diagnostic] = []
        for (file, mapping) in definitions(in: "webhooks", files: files, isLoaded: { workspace.webhook(id: $0) != nil }) {
            guard !enriched.webhooks.contains(IDCheck.id(in: mapping, kind: "webhooks")) else { continue }
            warnings += check(TemplateCheck.webhookSites(mapping), in: file, known: known, candidates: candidates)
        }
        for (file, mapping) in definitions(in: "workflows", files: files, isLoaded: { workspace.workflow(id: $0) != nil }) {
            guard let nodes = mapping["nodes"]?.sequence else { continue }
            let enrichedSteps = enriched.steps[IDCheck.id(in: mapping, kind: "workflows")] ?? []
            for node in nodes {
                guard let entry = YAMLMapping(node, in: file, what: "node"),
                    let typeName = entry["type"]?.scalar?.string,
                    !enrichedSteps.contains(entry["id"]?.scalar?.string ?? "")
                else { continue }
                let sites = TemplateCheck.nodeSites(entry, typeName: typeName)
                warnings += check(sites, in: file, known: known, candidates: candidates)
            }
        }
        return WorkspaceLoader.sorted(warnings)
    }

    /// Reads the webhook and workflow files under `root`, then returns `warnings(in:files:…)`.
    public static func warnings(
        in workspace: Workspace, root: URL, userFields: Set<String>, eventFields: Set<String> = []
    ) -> [Diagnostic] {
        var files: [String: String] = [:]
        for folder in ["webhooks", "workflows"] {
            let names = (try? FileManager.default.contentsOfDirectory(atPath: root.appendingPathComponent(folder).path)) ?? []
            for name in names where WorkspaceLoader.isDefinitionFileName(name) {
                let path = "\(folder)/\(name)"
                files[path] = try? String(contentsOf: root.appendingPathComponent(path), encoding: .utf8)
            }
        }
        return warnings(in: workspace, files: files, userFields: userFields, eventFields: eventFields)
    }

    /// The steps that may run after an Update User Profile step (those reachable from one, by
    /// workflow id) and the webhooks they call: the JSON answer merged into the profile may bring
    /// any field, so their merge parameters are not checked.
    static func afterProfileUpdates(in workspace: Workspace) -> (steps: [String: Set<String>], webhooks: Set<String>) {
        var steps: [String: Set<String>] = [:]
        var webhooks: Set<String> = []
        for workflow in workspace.workflows {
            let byID = Dictionary(workflow.nodes.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
            var queue = workflow.nodes.filter {
                if case .updateProfileWebhook = $0.kind { true } else { false }
            }.flatMap(\.next.targets)
            var reached: Set<String> = []
            while let id = queue.popLast() {
                guard reached.insert(id).inserted, let node = byID[id] else { continue }
                if let webhook = node.kind.webhookID { webhooks.insert(webhook) }
                queue += node.next.targets
            }
            if !reached.isEmpty { steps[workflow.id] = reached }
        }
        return (steps, webhooks)
    }

    /// `warnings(in:files:…)` for the files `workspace`'s webhooks and workflows were loaded from,
    /// each read by `text` (relative path → contents), as the studio checks a save.
    public static func warnings(
        in workspace: Workspace, text: (String) -> String?, userFields: Set<String>, eventFields: Set<String> = []
    ) -> [Diagnostic] {
        let paths =
            workspace.webhooks.compactMap { workspace.path(ofWebhook: $0.id) }
            + workspace.workflows.compactMap { workspace.path(ofWorkflow: $0.id) }
        var files: [String: String] = [:]
        for path in paths { files[path] = text(path) }
        return warnings(in: workspace, files: files, userFields: userFields, eventFields: eventFields)
    }

    /// `workspace` with `warnings` added to its diagnostics, in file and position order.
    public static func adding(_ warnings: [Diagnostic], to workspace: Workspace) -> Workspace {
        var workspace = workspace
        workspace.diagnostics = WorkspaceLoader.sorted(workspace.diagnostics + warnings)
        return workspace
    }

    // MARK: - Private

    /// The files of `folder` whose definition the workspace loaded, first file per id as the loader keeps it.
    private static func definitions(
        in folder: String, files: [String: String], isLoaded: (String) -> Bool
    ) -> [(YAMLFile, YAMLMapping)] {
        let paths = files.keys.filter { WorkspaceLoader.isDefinitionPath($0, in: folder) }.sorted()
        var seen: Set<String> = []
        var result: [(YAMLFile, YAMLMapping)] = []
        for path in paths {
            // A scratch file: problems found while re-reading were reported by the loader already.
            let file = YAMLFile(path: path, source: files[path] ?? "")
            guard let root = file.composeRoot(), let mapping = YAMLMapping(root, in: file, what: folder) else { continue }
            let id = IDCheck.id(in: mapping, kind: folder)
            guard seen.insert(id).inserted, isLoaded(id) else { continue }
            result.append((file, mapping))
        }
        return result
    }

    /// - Parameter candidates: The fields users, events and `updateProfile` steps have, sorted:
    ///   the names suggested for a typo, and those a lone helper call hides.
    private static func check(
        _ sites: [TemplateCheck.Site], in file: YAMLFile, known: Set<String>, candidates: [String]
    ) -> [Diagnostic] {
        var warnings: [Diagnostic] = []
        for site in sites {
            guard let template = try? Template(parsing: site.template) else { continue }
            for reference in template.fieldReferences where !known.contains(reference.name) {
                let location = site.location(line: reference.line, column: reference.column, in: file)
                warnings.append(
                    Diagnostic(
                        path: file.path, line: location.line, column: location.column, severity: .warning,
                        message: "merge parameter '\(reference.name)' is not a field of any user",
                        hint: NameHint.suggestion(for: reference.name, in: candidates)))
            }
            // An event's `timestamp` is common; `{{timestamp}}` still calls the helper.
            for call in template.loneHelperCalls where candidates.contains(call.name) {
                let location = site.location(line: call.line, column: call.column, in: file)
                warnings.append(
                    Diagnostic(
                        path: file.path, line: location.line, column: location.column, severity: .warning,
                        message: "{{\(call.name)}} calls the helper \(call.name), not the field '\(call.name)' that users or events have",
                        hint: "write {{this.\(call.name)}} for the field"))
            }
        }
        return warnings
    }
}
