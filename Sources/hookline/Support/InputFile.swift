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

/// Reads a JSON file the user named that must hold an object (a template's context, an event's
/// data fields): a syntax error is reported as `PATH:LINE:COL: error: …`, any other value (`[1]`,
/// `"text"`) as `error: PATH: …` instead of being read as no fields; either exits 65 (bad input).
func readJSONObjectFile(_ path: String) throws -> JSONObject {
    let value: JSONValue
    do {
        value = try JSONValue.parse(try readInputFile(path))
    } catch let error as JSONParseError {
        printError("\(path):\(error.line):\(error.column): error: \(error.message)")
        throw ExitCode.badInput
    }
    guard let object = value.objectValue else {
        printError("error: \(path): not a JSON object; write the fields as {\"name\": value, …}")
        throw ExitCode.badInput
    }
    return object
}
