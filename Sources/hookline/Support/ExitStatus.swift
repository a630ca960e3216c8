import ArgumentParser
import Foundation
import StudioEngine
import StudioModel

/// Exit codes of DESIGN §7: 0 ok, 1 failure, 64 usage, 65 bad input data.
extension ExitCode {
    static let badInput = ExitCode(65)
}

/// Prints diagnostics compiler-style on standard error, each with its source line and a caret.
/// A literal secret in the line, or a value of the secrets file pasted into it, is shown masked,
/// in the message too; a line of the secrets file, or of a file whose secrets cannot be told
/// apart, is not printed.
/// - Returns: whether any of them is an error.
func report(_ diagnostics: [Diagnostic], root: URL) -> Bool {
    // Every command reports the load's problems, most of the time none: no secrets read then.
    guard !diagnostics.isEmpty else { return false }
    // A secrets file that does not load is itself one of the diagnostics; its lines are never shown.
    let secretValues = Array(((try? SecretStore.load(workspaceRoot: root)) ?? [:]).values)
    let masker = SecretMasker(secretValues: secretValues)
    var files: [String: DefinitionEdit?] = [:]
    for diagnostic in diagnostics {
        let file =
            files[diagnostic.path]
            ?? (diagnostic.path == SecretsFile.path
                ? nil
                : (try? String(contentsOf: root.appendingPathComponent(diagnostic.path), encoding: .utf8)).flatMap {
                    try? DefinitionEdit(path: diagnostic.path, original: $0, secretValues: secretValues)
                })
        files[diagnostic.path] = file
        var shown = diagnostic
        shown.message = masker.mask(diagnostic.message)
        shown.hint = diagnostic.hint.map(masker.mask)
        printError(shown.rendered(source: file?.original, hiding: file?.hiddenRanges ?? []))
    }
    return diagnostics.contains { $0.severity == .error }
}

/// Writes a line to standard output at once, unbuffered, so pipes see each record as it happens.
func printLine(_ text: String) {
    StandardOutput.write(Data((text + "\n").utf8))
}

func printError(_ text: String) {
    try? FileHandle.standardError.write(contentsOf: Data((text + "\n").utf8))
}
