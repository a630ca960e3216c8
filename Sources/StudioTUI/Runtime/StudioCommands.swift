/// What the studio asks of the engine behind it; the studio never imports the engine.
public protocol StudioCommands: Sendable {
    /// Sends delivery `deliveryID` once more and calls `done` (on any thread) with a line for the
    /// status bar; the attempt itself arrives through the traffic source.
    func replay(deliveryID: String, done: @escaping @Sendable (StatusMessage) -> Void)
}
