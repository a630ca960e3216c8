import StudioEngine
import StudioTUI

/// The studio's commands, carried out by the engine the command runs.
struct EngineStudioCommands: StudioCommands {
    let engine: Engine

    func replay(deliveryID: String, done: @escaping @Sendable (StatusMessage) -> Void) {
        Task { [engine] in
            do {
                let succeeded = try await engine.executor.replay(deliveryID: deliveryID)
                done(
                    succeeded
                        ? StatusMessage("replay delivered · \(deliveryID)")
                        : StatusMessage("replay failed, not retried · \(deliveryID)", level: .warning))
            } catch {
                done(StatusMessage("cannot replay: \(error)", level: .error))
            }
        }
    }
}
