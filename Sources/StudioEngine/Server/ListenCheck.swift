import NIOCore
import NIOPosix

/// Whether an address can be listened on, found before a command does what it cannot take back:
/// `hookline serve` resumes journeys, which sends requests, only once it knows its port is free.
public enum ListenCheck {
    /// Binds `host:port` as the server will (`SO_REUSEADDR`) and lets go at once.
    /// - Throws: ``ListenError`` when the address cannot be bound (in use, not allowed, not this
    ///   machine's); any other error as it came.
    public static func check(host: String, port: Int) async throws {
        let channel: any Channel
        do {
            channel = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
                .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
                .bind(host: host, port: port).get()
        } catch {
            throw ListenError(error) ?? error
        }
        try? await channel.close()
    }
}
