import Foundation
import StudioEngine
import Testing

/// `hookline run --users FILE`: the list is read a batch at a time, as a user writes it.
struct AddressListReaderTests {
    private func file(_ bytes: [UInt8]) throws -> String {
        let path = try EngineFixtures.temporaryDirectory().appendingPathComponent("users.txt").path
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        return path
    }

    private func batches(_ reader: AddressListReader, of size: Int) throws -> [[String]] {
        var batches: [[String]] = []
        while let batch = try reader.next(upTo: size) { batches.append(batch) }
        return batches
    }

    @Test(arguments: [1, 2, 5, 1 << 20])
    func linesAreReadWhateverTheChunksCut(chunkSize: Int) throws {
        let text = "\u{FEFF}# exported 2026-11-29\r\nada@example.com\r\n\r\n  bob@example.com \t\r\n#cy@example.com\nzoë@example.com"
        let reader = try AddressListReader(path: try file(Array(text.utf8)), chunkSize: chunkSize)
        #expect(try batches(reader, of: 2) == [["ada@example.com", "bob@example.com"], ["zoë@example.com"]])
    }

    /// `run --users FILE` finds users stored lowercase whatever case the file writes them in.
    @Test func addressesAreReadLowercase() throws {
        let reader = try AddressListReader(path: try file(Array("Ada@Example.COM\nZOË@example.com\n".utf8)))
        #expect(try reader.next(upTo: 10) == ["ada@example.com", "zoë@example.com"])
    }

    @Test func anUnreadableLineIsLocatedAfterTheAddressesBeforeIt() throws {
        let path = try file(Array("ada@example.com\nbob@example.com\n".utf8) + [0xFF, 0xFE, 0x0A] + Array("cy@example.com\n".utf8))
        let reader = try AddressListReader(path: path)
        #expect(try reader.next(upTo: 10) == ["ada@example.com", "bob@example.com"])
        #expect {
            _ = try reader.next(upTo: 10)
        } throws: { error in
            "\(error)" == "\(path):3: the line is not UTF-8 text"
        }
    }

    /// A CSV header or a name is not an address: no journey may start for it.
    @Test(arguments: ["email,firstName", "not an email", "ada@", "@example.com", "ada@@example.com"])
    func aLineThatIsNotAnAddressIsLocatedAfterTheAddressesBeforeIt(line: String) throws {
        let path = try file(Array("ada@example.com\n\(line)\nbob@example.com\n".utf8))
        let reader = try AddressListReader(path: path)
        #expect(try reader.next(upTo: 10) == ["ada@example.com"])
        #expect {
            _ = try reader.next(upTo: 10)
        } throws: { error in
            "\(error)".hasPrefix("\(path):2: '\(line)' is not an email address: ")
        }
    }

    @Test func anAddressNoUserHasIsRead() throws {
        let reader = try AddressListReader(path: try file(Array("nobody+tag@example.invalid\n".utf8)))
        #expect(try reader.next(upTo: 10) == ["nobody+tag@example.invalid"])
    }

    @Test func aMissingFileOrAFolderIsNamedInTheError() throws {
        let folder = try EngineFixtures.temporaryDirectory().path
        #expect {
            _ = try AddressListReader(path: folder + "/missing.txt")
        } throws: { error in
            "\(error)" == "\(folder)/missing.txt: No such file or directory"
        }
        #expect {
            _ = try AddressListReader(path: folder)
        } throws: { error in
            "\(error)" == "\(folder): is a folder, not a list of addresses"
        }
    }

    @Test func anEmptyListHasNoBatch() throws {
        let reader = try AddressListReader(path: try file(Array("\n# nobody yet\n\n".utf8)))
        #expect(try reader.next(upTo: 10) == nil)
    }
}
