import Foundation
import StudioEngine
import StudioModel

/// One of the two HTTP servers, `hookline serve`'s ingest API or the embedded receiver, started on
/// 127.0.0.1:0 for a test of what both must do on the wire.
struct ServerUnderTest {
    enum Kind: CaseIterable {
        case ingest, receiver
    }

    var port: Int
    var shutdown: () async throws -> Void

    /// The ingest API runs over an engine of its own, with no API key; the receiver without a script.
    static func start(_ kind: Kind, timeouts: ConnectionTimeouts = ConnectionTimeouts()) async throws -> ServerUnderTest {
        switch kind {
        case .ingest:
            let engine = try Engine(workspace: Workspace(), secrets: [:], configuration: .init(storePath: nil))
            let server = try await IngestServer.start(engine: engine, port: 0, timeouts: timeouts)
            return ServerUnderTest(port: server.port) {
                await server.shutdown()
                await engine.shutdown()
            }
        case .receiver:
            let receiver = try await Receiver.start(timeouts: timeouts)
            return ServerUnderTest(port: receiver.port) { await receiver.shutdown() }
        }
    }

    /// A new connection to the server.
    func connect() throws -> LoopbackSocket {
        let socket = try LoopbackSocket()
        try socket.connect(to: port)
        return socket
    }
}
