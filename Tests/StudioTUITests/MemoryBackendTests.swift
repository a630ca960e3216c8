import Foundation
import Testing
@testable import StudioTUI

struct MemoryBackendTests {
    @Test func presentWritesOnlyChangedCellsUntilInvalidated() {
        let backend = MemoryBackend(size: Size(width: 80, height: 24))
        var state = Fixtures.state(records: 5)
        backend.present(renderApp(state))
        #expect(backend.lastChangeCount == 80 * 24)
        _ = reduce(&state, .key(.tab))  // focus moves: titles and the selection restyle
        backend.present(renderApp(state))
        #expect(backend.presentCount == 2)
        #expect(backend.lastChangeCount > 0 && backend.lastChangeCount < 200)
        backend.invalidate()
        backend.present(renderApp(state))
        #expect(backend.lastChangeCount == 80 * 24)
    }

    @Test func missingSnapshotFails() {
        guard ProcessInfo.processInfo.environment["SNAPSHOT_RECORD"] != "1" else { return }
        withKnownIssue {
            Snapshot.assert(CellGrid(size: Size(width: 1, height: 1)), named: "no-such-snapshot")
        }
    }
}
