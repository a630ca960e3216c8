import Foundation
import Testing

@testable import StudioModel

/// A definition file that is there but cannot be read is reported, never skipped in silence.
struct UnreadableDefinitionFileTests {
    @Test func aBrokenLinkALoopOfLinksAndAFolderAreEachReported() throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("hookline-unreadable-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: root) }
        let manager = FileManager.default
        for folder in ["workflows", "webhooks", "system-webhooks"] {
            try manager.createDirectory(at: root.appendingPathComponent(folder), withIntermediateDirectories: true)
        }
        try manager.createSymbolicLink(
            atPath: root.appendingPathComponent("webhooks/moved.yaml").path, withDestinationPath: "/nonexistent/hookline/moved.yaml")
        let loop = root.appendingPathComponent("workflows/loop.yaml").path
        try manager.createSymbolicLink(atPath: loop, withDestinationPath: loop)
        try manager.createDirectory(at: root.appendingPathComponent("system-webhooks/folder.yaml"), withIntermediateDirectories: true)

        #expect(WorkspaceLoader.load(from: root).diagnostics.map(\.description) == [
            "system-webhooks/folder.yaml:0:0: error: is a folder, not a file",
            "webhooks/moved.yaml:0:0: error: is a symbolic link to a missing file, or a loop of links",
            "workflows/loop.yaml:0:0: error: is a symbolic link to a missing file, or a loop of links",
        ])
    }
}
