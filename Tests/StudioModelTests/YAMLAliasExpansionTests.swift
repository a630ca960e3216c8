import Testing

@testable import StudioModel

/// "Billion laughs": anchors whose lists repeat the previous anchor ten times compose cheaply but
/// expand to 10⁹ values. A file like that is refused with a location instead of hanging the loader.
struct YAMLAliasExpansionTests {
    /// Anchors `l0` … `l8` under a node's `fields`, each a list of ten of the previous one.
    private static let laughs = (1...8).map { level in
        "        l\(level): &l\(level) [" + Array(repeating: "*l\(level - 1)", count: 10).joined(separator: ",") + "]\n"
    }.joined()

    @Test(.timeLimit(.minutes(1))) func anAliasBombInAProfileUpdateIsRefusedWhereItGrowsTooLarge() {
        let nodes = "  - id: set\n    type: updateProfile\n    fields:\n        l0: &l0 [lol,lol,lol,lol,lol,lol,lol,lol,lol,lol]\n"
            + Self.laughs
        let diagnostics = WorkspaceLoader.load(files: WorkspaceTestFiles.withWorkflow(nodes)).diagnostics.map(\.description)
        // l4 is ten l3s of 11,111 values each: its eighth alias takes the aliases' total past 100,000.
        #expect(diagnostics == [
            "workflows/w.yaml:10:46: error: aliases here expand to more than 100000 values; the file is not read "
                + "(write the values out, or share fewer through anchors)"
        ])
    }

    /// Yams hashes mapping keys to find duplicates: an alias bomb used as a key hung in Yams itself.
    @Test(.timeLimit(.minutes(1))) func anAliasBombUsedAsAKeyIsRefusedBeforeYamsHashesIt() {
        let text = "l0: &l0 [lol,lol,lol,lol,lol,lol,lol,lol,lol,lol]\n" + Self.laughs.replacingOccurrences(of: "        ", with: "")
            + "? *l8\n: 1\nid: w\nnodes: [{id: a, type: exit}]\n"
        var files = WorkspaceTestFiles.valid
        files["workflows/w.yaml"] = text
        #expect(WorkspaceLoader.load(files: files).diagnostics.map(\.description) == [
            "workflows/w.yaml:5:38: error: aliases here expand to more than 100000 values; the file is not read "
                + "(write the values out, or share fewer through anchors)"
        ])
    }

    /// The studio's form edits and themes compose text the loader has not checked; they refuse a
    /// bomb too instead of hanging the studio.
    @Test(.timeLimit(.minutes(1))) func formEditsAndThemesRefuseAnAliasBomb() {
        let text = "l0: &l0 [lol,lol,lol,lol,lol,lol,lol,lol,lol,lol]\n" + Self.laughs.replacingOccurrences(of: "        ", with: "")
            + "? *l8\n: 1\n"
        #expect(throws: (any Error).self) {
            _ = try DefinitionFieldText.setting("name", to: .text("x"), in: .root, text: text + "name: a\n")
        }
        #expect {
            _ = try ThemeSpec.parse(yaml: text, path: "themes/bomb.yaml")
        } throws: { error in
            (error as? ThemeError)?.diagnostic.description.hasPrefix("themes/bomb.yaml:5:1: error: aliases here expand") == true
        }
    }

    @Test func aConditionSharedThroughAnAnchorStillLoads() throws {
        let nodes = "  - id: first\n    type: yesNo\n    condition: &pro {all: [{field: plan, op: equals, value: pro}]}\n"
            + "    next: {yes: second, no: exit}\n"
            + "  - id: second\n    type: yesNo\n    condition: *pro\n    next: {yes: exit, no: exit}\n"
        let workspace = WorkspaceLoader.load(files: WorkspaceTestFiles.withWorkflow(nodes))
        #expect(workspace.diagnostics.filter { $0.path == "workflows/w.yaml" }.map(\.description) == [])
        let workflow = try #require(workspace.workflows.first { $0.id == "w" })
        #expect(workflow.nodes.count == 2)
    }
}
