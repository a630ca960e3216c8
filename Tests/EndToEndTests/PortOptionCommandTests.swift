#if canImport(Glibc)
import Glibc
#endif
import Foundation
import Testing

/// `--port` on the commands that listen: a value outside 0...65535 is a usage error, never another port.
struct PortOptionCommandTests {
    @Test(arguments: [
        ["receive", "--port", "99999"], ["receive", "--port=-1"], ["serve", "--port", "65536"],
    ])
    func aPortOutsideTheRangeIsAUsageError(arguments: [String]) async throws {
        let workspace = try BinaryRunner.temporaryDirectory()
        let process = try BinaryRunner.start(BinaryRunner.hooklinePath, arguments + (arguments[0] == "serve" ? ["-C", workspace.path] : []))
        defer { process.removeOutput() }
        // Without the check the command would listen on the wrapped-around port: stop it after a while.
        let watchdog = Task {
            try await Task.sleep(for: .seconds(20))
            process.signal(SIGKILL)
        }
        defer { watchdog.cancel() }
        let status = try await process.wait()
        #expect(status == 64)
        #expect(process.stderr.contains("Please give a --port from 0 to 65535"))
        #expect(!process.stderr.contains("listening"))
    }
}
