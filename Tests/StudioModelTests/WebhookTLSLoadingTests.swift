import Foundation
import Testing

@testable import StudioModel

/// A webhook's `tls: {ca: PATH}` (delivery.md §9 row 20): the CA file is read when the workspace
/// loads, relative to its root, and every problem is reported at the key that causes it. A webhook
/// whose CA cannot be used does not load, so it can never fall back to the system's CAs.
struct WebhookTLSLoadingTests {
    static let pem = """
        -----BEGIN CERTIFICATE-----
        MIIBTest
        -----END CERTIFICATE-----

        """

    /// A workspace with one webhook whose file ends with `tls` (line 3 onwards), plus `extra` files.
    static func files(tls: String, extra: [String: String] = [:]) -> [String: String] {
        var files = ["webhooks/hook.yaml": "id: hook\nurl: https://crm.example.com/in\n" + tls]
        files.merge(extra) { $1 }
        return files
    }

    @Test func caFileRelativeToTheRootIsReadIntoTheWebhook() throws {
        let workspace = WorkspaceLoader.load(
            files: Self.files(tls: "tls: {ca: certs/partner-ca.pem}\n", extra: ["certs/partner-ca.pem": Self.pem]))

        #expect(workspace.diagnostics.isEmpty, "\(workspace.diagnostics)")
        let webhook = try #require(workspace.webhook(id: "hook"))
        #expect(webhook.tls == WebhookTLS(caFile: "certs/partner-ca.pem", caPEM: Self.pem))
    }

    @Test func webhookWithoutTLSHasNone() throws {
        let workspace = WorkspaceLoader.load(files: Self.files(tls: ""))
        #expect(workspace.diagnostics.isEmpty)
        #expect(try #require(workspace.webhook(id: "hook")).tls == nil)
    }

    static let problems: [DiagnosticCase] = [
        DiagnosticCase(
            "missing CA file", files(tls: "tls:\n  ca: certs/missing.pem\n"),
            ["webhooks/hook.yaml:4:7: error: CA file 'certs/missing.pem' not found (the path is relative to the workspace root)"]),
        DiagnosticCase(
            "CA file without a certificate", files(tls: "tls: {ca: notes.txt}\n", extra: ["notes.txt": "just text\n"]),
            ["webhooks/hook.yaml:3:11: error: CA file 'notes.txt' holds no certificate (expected PEM text with one or more -----BEGIN CERTIFICATE----- blocks)"]),
        DiagnosticCase(
            "tls is not a mapping", files(tls: "tls: certs/ca.pem\n"),
            ["webhooks/hook.yaml:3:6: error: tls must be a mapping, found 'certs/ca.pem'"]),
        DiagnosticCase(
            "ca is a list", files(tls: "tls:\n  ca: [a.pem, b.pem]\n"),
            ["webhooks/hook.yaml:4:7: error: 'ca' in tls must be a text value, found a list"]),
        DiagnosticCase(
            "ca is missing", files(tls: "tls: {}\n"),
            ["webhooks/hook.yaml:3:6: error: missing required key 'ca' in tls"]),
        DiagnosticCase(
            "misspelt ca", files(tls: "tls:\n  caa: certs/ca.pem\n"),
            [
                "webhooks/hook.yaml:4:3: warning: unknown key 'caa' in tls (did you mean 'ca'?)",
                "webhooks/hook.yaml:4:3: error: missing required key 'ca' in tls",
            ]),
        DiagnosticCase(
            "misspelt tls", files(tls: "tlss: {ca: certs/ca.pem}\n"),
            ["webhooks/hook.yaml:3:1: warning: unknown key 'tlss' in webhook (did you mean 'tls'?)"]),
    ]

    @Test(arguments: problems)
    func problemIsReportedAtItsKey(_ testCase: DiagnosticCase) {
        let workspace = WorkspaceLoader.load(files: testCase.files)
        #expect(workspace.diagnostics.map(\.description) == testCase.expected)
    }

    @Test(arguments: ["missing CA file", "CA file without a certificate", "tls is not a mapping", "ca is a list"])
    func webhookWithAnUnusableCAIsNotLoaded(_ name: String) throws {
        let testCase = try #require(Self.problems.first { $0.name == name })
        let workspace = WorkspaceLoader.load(files: testCase.files)
        #expect(workspace.webhook(id: "hook") == nil)
    }

    // MARK: - On disk

    @Test func caFileOnDiskIsReadRelativeToTheWorkspaceRootAndAMissingOneIsAnError() throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("hookline-tls-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: root) }
        for folder in ["webhooks", "certs"] {
            try FileManager.default.createDirectory(
                at: root.appendingPathComponent(folder), withIntermediateDirectories: true)
        }
        try Data(Self.pem.utf8).write(to: root.appendingPathComponent("certs/ca.pem"))
        let good = "id: good\nurl: https://crm.example.com/in\ntls: {ca: certs/ca.pem}\n"
        let bad = "id: bad\nurl: https://crm.example.com/in\ntls:\n  ca: certs/gone.pem\n"
        let folder = "id: dir\nurl: https://crm.example.com/in\ntls: {ca: certs}\n"
        try Data(good.utf8).write(to: root.appendingPathComponent("webhooks/good.yaml"))
        try Data(bad.utf8).write(to: root.appendingPathComponent("webhooks/bad.yaml"))
        try Data(folder.utf8).write(to: root.appendingPathComponent("webhooks/dir.yaml"))

        let workspace = WorkspaceLoader.load(from: root)

        #expect(workspace.webhook(id: "good")?.tls == WebhookTLS(caFile: "certs/ca.pem", caPEM: Self.pem))
        #expect(workspace.webhook(id: "bad") == nil)
        #expect(workspace.webhook(id: "dir") == nil)
        #expect(
            workspace.diagnostics.map(\.description) == [
                "webhooks/bad.yaml:4:7: error: CA file 'certs/gone.pem' not found (the path is relative to the workspace root)",
                "webhooks/dir.yaml:3:11: error: CA file 'certs' is a folder (the path is relative to the workspace root)",
            ])
    }
}
