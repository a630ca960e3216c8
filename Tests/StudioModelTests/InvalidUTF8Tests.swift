import Foundation
import Testing

@testable import StudioModel

/// A file that is not UTF-8 is reported at its first bad byte, not as a whole.
struct InvalidUTF8Tests {
    @Test func theFirstBadByteIsFoundByLineAndCharacterColumn() {
        // "café " is five Characters and six bytes; 0xFF can start no UTF-8 sequence.
        let data = Data("id: w\nname: café ".utf8) + Data([0xFF, 0x0A])
        #expect(InvalidUTF8.firstLocation(in: data) == SourceLocation(line: 2, column: 12))
        #expect(InvalidUTF8.firstLocation(in: Data("id: w\nname: café\n".utf8)) == nil)
        // A sequence cut short: 0xC3 wants a continuation byte.
        #expect(InvalidUTF8.firstLocation(in: Data([0x61, 0xC3])) == SourceLocation(line: 1, column: 2))
    }

    @Test func aWorkspaceFileThatIsNotUTF8IsReportedAtItsFirstBadByte() throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("hookline-utf8-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: root) }
        try FileManager.default.createDirectory(at: root.appendingPathComponent("webhooks"), withIntermediateDirectories: true)
        try (Data("id: hook\nname: Caf".utf8) + Data([0xE9, 0x0A])).write(to: root.appendingPathComponent("webhooks/hook.yaml"))

        #expect(WorkspaceLoader.load(from: root).diagnostics.map(\.description) == [
            "webhooks/hook.yaml:2:10: error: not UTF-8 text; save the file as UTF-8"
        ])
    }
}
