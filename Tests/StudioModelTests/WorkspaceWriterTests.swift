import Foundation
import Testing

@testable import StudioModel

struct WorkspaceWriterTests {
    @Test func atomicWriteCreatesAndReplacesAFile() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("hookline-writer-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let url = directory.appendingPathComponent("hookline.yaml")

        try WorkspaceWriter.writeAtomically("name: One\n", to: url)
        #expect(try String(contentsOf: url, encoding: .utf8) == "name: One\n")
        try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: url.path)

        try WorkspaceWriter.writeAtomically("name: Two ✓\n", to: url)
        #expect(try String(contentsOf: url, encoding: .utf8) == "name: Two ✓\n")
        let attributes = try FileManager.default.attributesOfItem(atPath: url.path)
        #expect((attributes[.posixPermissions] as? NSNumber)?.intValue == 0o600)
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory.path) == ["hookline.yaml"])
    }

    @Test func atomicWriteIntoAMissingFolderThrows() {
        let url = URL(fileURLWithPath: "/nonexistent-\(UUID().uuidString)/file.yaml")
        #expect(throws: WorkspaceWriter.WriteError.self) { try WorkspaceWriter.writeAtomically("x", to: url) }
    }
}
