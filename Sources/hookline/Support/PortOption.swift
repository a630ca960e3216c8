import ArgumentParser

/// Checks a `--port` value: a TCP port, 0...65535, where 0 asks the system for a free one.
///
/// A value outside the range is a usage error (exit 64), instead of wrapping around to another
/// port when it is narrowed to 16 bits (99999 would listen on 34463).
/// - Throws: `ValidationError` when the port is out of range.
func validatePort(_ port: Int) throws {
    guard (0...65535).contains(port) else {
        throw ValidationError("Please give a --port from 0 to 65535 (0 picks a free one), not \(port).")
    }
}
