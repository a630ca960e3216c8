import ArgumentParser
import Foundation
import StudioEngine

extension Hookline {
    struct Receive: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Run the embedded receiver: a local endpoint that logs what it gets and answers.")

        @Option(help: "Address to listen on; loopback only unless you mean it.")
        var host: String = "127.0.0.1"

        @Option(help: "Port to listen on; 0 picks a free one.")
        var port: Int = 8080

        @Flag(help: "Also print each request's headers and body.")
        var verbose = false

        func run() async throws {
            let verbose = self.verbose
            let receiver = try await Receiver.start(host: host, port: port) { request in
                var text = request.logLine
                if verbose {
                    text += "\n" + request.headers.map { "  \($0.name): \($0.value)" }.joined(separator: "\n")
                    if !request.body.isEmpty { text += "\n  " + request.body }
                }
                printLine(text)
            }
            printLine("listening on \(receiver.baseURL)")
            await waitForTerminationSignal()
            await receiver.shutdown()
        }
    }
}
