import ArgumentParser
import Foundation
import StudioModel

/// Exit codes of DESIGN §7: 0 ok, 1 failure, 64 usage, 65 bad input data.
extension ExitCode {
    static let badInput = ExitCode(65)
}

/// Prints diagnostics compiler-style on standard error, each with its source line and a caret;
/// never a line of the secrets file, which would show a secret.
/// - Returns: whether any of them is an error.
func report(_ diagnostics: [Diagnostic], root: URL) -> Bool {
    for diagnostic in diagnostics {
        let source =
            diagnostic.path == SecretsFile.path
            ? nil : try? String(contentsOf: root.appendingPathComponent(diagnostic.path), encoding: .utf8)
        printError(diagnostic.rendered(source: source))
    }
    return diagnostics.contains { $0.severity == .error }
}

/// Writes a line to standard output at once, unbuffered, so pipes see each record as it happens.
func printLine(_ text: String) {
    FileHandle.standardOutput.write(Data((text + "\n").utf8))
}

func printError(_ text: String) {
    FileHandle.standardError.write(Data((text + "\n").utf8))
}
