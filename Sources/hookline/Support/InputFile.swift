import ArgumentParser
import Foundation

/// Reads a text file the user named on the command line. A file that is missing, a folder or not
/// UTF-8 is reported on standard error as `error: PATH: …` and exits 65 (bad input).
func readInputFile(_ path: String) throws -> String {
    var isFolder: ObjCBool = false
    guard FileManager.default.fileExists(atPath: path, isDirectory: &isFolder) else {
        printError("error: \(path): no such file")
        throw ExitCode.badInput
    }
    guard !isFolder.boolValue else {
        printError("error: \(path): is a folder, not a file")
        throw ExitCode.badInput
    }
    guard let data = FileManager.default.contents(atPath: path) else {
        printError("error: \(path): cannot be read (permission denied?)")
        throw ExitCode.badInput
    }
    guard let text = String(data: data, encoding: .utf8) else {
        printError("error: \(path): cannot read it as UTF-8 text")
        throw ExitCode.badInput
    }
    return text
}
