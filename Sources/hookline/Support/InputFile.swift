import ArgumentParser
import Foundation
import StudioModel

/// Reads a text file the user named on the command line. A file that is missing or a folder is
/// reported on standard error as `error: PATH: …`, one that is not UTF-8 as `PATH:LINE:COL: error: …`
/// at its first bad byte; either exits 65 (bad input).
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
        let at = InvalidUTF8.firstLocation(in: data) ?? SourceLocation(line: 1, column: 1)
        printError("\(path):\(at.line):\(at.column): error: not UTF-8 text; save the file as UTF-8")
        throw ExitCode.badInput
    }
    return text
}
