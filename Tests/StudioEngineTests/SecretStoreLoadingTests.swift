import Foundation
import StudioModel
import Testing

@testable import StudioEngine

/// `.hookline/secrets.yaml` read from the disk.
struct SecretStoreLoadingTests {
    /// Was "cannot read the file: Error Domain=NSCocoaErrorDomain Code=259", with no place to look.
    @Test func aSecretsFileThatIsNotUTF8IsReportedAtItsFirstBadByte() throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("hookline-secrets-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: root) }
        try FileManager.default.createDirectory(at: root.appendingPathComponent(".hookline"), withIntermediateDirectories: true)
        // "crm_token: gepr" then 0xFC, ü in Latin-1.
        try (Data("lob_key: abc\ncrm_token: gepr".utf8) + Data([0xFC, 0x0A])).write(to: root.appendingPathComponent(SecretsFile.path))

        let error = #expect(throws: SecretsFileError.self) { try SecretStore.load(workspaceRoot: root, environment: [:]) }
        #expect(error?.diagnostic.description == ".hookline/secrets.yaml:2:16: error: not UTF-8 text; save the file as UTF-8")
    }

    /// The demo's webhook file says `HOOKLINE_SECRET_LOB_KEY`; that set a secret named `LOB_KEY`,
    /// so `{{secret.lob_key}}` stayed unset and `serve` took requests without `ingest_api_key`.
    @Test func aVariableInCapitalsSetsTheNameInLowerCaseAndAnExactOneWins() throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("hookline-secrets-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: root) }
        try FileManager.default.createDirectory(at: root.appendingPathComponent(".hookline"), withIntermediateDirectories: true)
        try Data("lob_key: from-file\ncrm_token: from-file\n".utf8).write(to: root.appendingPathComponent(SecretsFile.path))

        let secrets = try SecretStore.load(
            workspaceRoot: root,
            environment: [
                "HOOKLINE_SECRET_LOB_KEY": "capitals", "HOOKLINE_SECRET_INGEST_API_KEY": "key",
                "HOOKLINE_SECRET_CRM_TOKEN": "capitals", "HOOKLINE_SECRET_crm_token": "exact", "PATH": "/usr/bin",
            ])
        #expect(secrets["lob_key"] == "capitals")
        #expect(secrets["ingest_api_key"] == "key")
        #expect(secrets["crm_token"] == "exact")
        #expect(secrets["LOB_KEY"] == "capitals")
        #expect(secrets["PATH"] == nil)
    }
}
