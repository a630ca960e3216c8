import Foundation
import Testing

@testable import StudioModel

/// A/B splits, attribute splits and profile updates (DESIGN §3, Iterable's Filter and User
/// update tiles): how they load and how they choose.
struct WorkflowSplitTests {
    /// Values typed plainly read as JSON would, not as YAML 1.1 (QA, session 21: `zip: 02134` was
    /// stored in profiles as 1116, octal, `yes` as true, and `02108` in a branch as 2108).
    @Test func plainValuesReadAsJSONWouldNotAsYAML11() throws {
        let nodes = """
              - id: by-zip
                type: attributeSplit
                field: zip
                branches: {boston: [02108, yes, 7, 1.5, true, 0x1F]}
                next: {boston: set, else: set}
              - id: set
                type: updateProfile
                fields: {zip: 02134, optin: yes, off: off, n: -3, big: 12345678901234567890, none: ~, t: True, o: 0o17}

            """
        let workspace = WorkspaceLoader.load(files: WorkspaceTestFiles.withWorkflow(nodes))
        #expect(workspace.diagnostics.isEmpty, "\(workspace.diagnostics)")
        let workflow = try #require(workspace.workflow(id: "w"))
        #expect(
            workflow.node(id: "by-zip")?.kind
                == .attributeSplit(
                    field: "zip",
                    branches: [AttributeBranch(name: "boston", values: ["02108", "yes", .int(7), .double(1.5), .bool(true), "0x1F"])]))
        guard case .updateProfile(let updates)? = workflow.node(id: "set")?.kind else {
            Issue.record("not an updateProfile step")
            return
        }
        #expect(
            updates.map(\.value) == [
                "02134", "yes", "off", .int(-3), .double(1.2345678901234567e19), .null, .bool(true), "0o17",
            ])
    }

    @Test func theThreeNodesLoadWithTheirBranchesInTheOrderWritten() throws {
        let nodes = """
              - id: ab
                type: abSplit
                branches: {B: 30, A: 70}
                next: {A: by-plan, B: set}
              - id: by-plan
                type: attributeSplit
                field: plan
                branches: {pro: pro, team: [team, 3, true]}
                next: {pro: set, else: set}
              - id: set
                type: updateProfile
                fields: {tier: gold, points: 10, address.city: "{{city}}"}

            """
        let workspace = WorkspaceLoader.load(files: WorkspaceTestFiles.withWorkflow(nodes))
        #expect(workspace.diagnostics.isEmpty, "\(workspace.diagnostics)")
        let workflow = try #require(workspace.workflow(id: "w"))
        #expect(workflow.node(id: "ab")?.kind == .abSplit([SplitShare(branch: "B", percent: 30), SplitShare(branch: "A", percent: 70)]))
        #expect(workflow.node(id: "ab")?.kind.splitOutputs == ["B", "A"])
        #expect(
            workflow.node(id: "by-plan")?.kind
                == .attributeSplit(
                    field: "plan",
                    branches: [
                        AttributeBranch(name: "pro", values: ["pro"]),
                        AttributeBranch(name: "team", values: ["team", .int(3), .bool(true)]),
                    ]))
        #expect(workflow.node(id: "by-plan")?.kind.splitOutputs == ["pro", "team", "else"])
        #expect(
            workflow.node(id: "set")?.kind
                == .updateProfile([
                    ProfileFieldUpdate(field: "tier", value: "gold"), ProfileFieldUpdate(field: "points", value: .int(10)),
                    ProfileFieldUpdate(field: "address.city", value: "{{city}}"),
                ]))
    }

    @Test func anABSplitSpreadsJourneysByItsSharesAndKeepsEachJourneysBranch() {
        let shares = [SplitShare(branch: "A", percent: 70), SplitShare(branch: "B", percent: 20), SplitShare(branch: "C", percent: 10)]
        var counts: [String: Int] = [:]
        let ids = (0..<10_000).map { _ in UUID().uuidString }
        for id in ids {
            counts[SplitShare.branch(of: shares, journeyID: id, nodeID: "ab") ?? "none", default: 0] += 1
        }
        // 10,000 draws: each share within 2 points of its percentage (about 4 standard deviations).
        #expect((6_800...7_200).contains(counts["A", default: 0]), "\(counts)")
        #expect((1_800...2_200).contains(counts["B", default: 0]), "\(counts)")
        #expect((800...1_200).contains(counts["C", default: 0]), "\(counts)")
        #expect(counts["none"] == nil)
        // The same journey at the same node always takes the same branch (a resumed journey too).
        for id in ids.prefix(100) {
            #expect(SplitShare.branch(of: shares, journeyID: id, nodeID: "ab") == SplitShare.branch(of: shares, journeyID: id, nodeID: "ab"))
        }
        #expect(SplitShare.branch(of: [SplitShare(branch: "all", percent: 100)], journeyID: "x", nodeID: "ab") == "all")
    }

    @Test func anAttributeSplitTakesTheFirstBranchHoldingTheValueElseEveryoneElse() {
        let branches = [
            AttributeBranch(name: "pro", values: ["pro", "enterprise"]), AttributeBranch(name: "count", values: [.int(3)]),
            AttributeBranch(name: "again", values: ["pro"]),
        ]
        #expect(AttributeBranch.output(of: branches, for: "enterprise") == "pro")
        #expect(AttributeBranch.output(of: branches, for: "pro") == "pro")
        #expect(AttributeBranch.output(of: branches, for: .int(3)) == "count")
        #expect(AttributeBranch.output(of: branches, for: "free") == "else")
        #expect(AttributeBranch.output(of: branches, for: nil) == "else")
    }

    @Test func setFieldMakesTheObjectsOnTheWay() {
        var profile = JSONObject([("email", "ada@example.com"), ("address", "unknown")])
        setField("address.city", to: "Oslo", in: &profile)
        setField("tier", to: "gold", in: &profile)
        #expect(JSONValue.object(profile).jsonText == #"{"email":"ada@example.com","address":{"city":"Oslo"},"tier":"gold"}"#)
    }

    @Test func aDateDelayReadsTheDatesProfilesHold() throws {
        let christmas = try #require(DateDelay.date(from: "2026-12-24T18:00:00Z"))
        #expect(christmas.timeIntervalSince1970 == 1_798_135_200)
        #expect(DateDelay.date(from: "2026-12-24T19:00:00+01:00") == christmas)
        #expect(DateDelay.date(from: "2026-12-24T18:00:00.000Z") == christmas)
        #expect(DateDelay.date(from: "2026-12-24 18:00:00 +00:00") == christmas)
        #expect(DateDelay.date(from: .int(1_798_135_200)) == christmas)
        #expect(DateDelay.date(from: .int(1_798_135_200_000)) == christmas)
        #expect(DateDelay.date(from: "2026-12-24") == christmas.addingTimeInterval(-18 * 3600))
        for bad: JSONValue in ["soon", "", "24/12/2026", .bool(true), .null] { #expect(DateDelay.date(from: bad) == nil) }
        let delay = DateDelay(field: "renewsAt", offset: -2 * 86400, offsetText: "-2d")
        #expect(delay.wakeDate(for: "2026-12-24T18:00:00Z") == christmas.addingTimeInterval(-2 * 86400))
        #expect(delay.description == "until renewsAt -2d")
    }
}
