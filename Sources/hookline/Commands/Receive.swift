import ArgumentParser
import Foundation
import StudioEngine
import StudioTUI

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

        @Flag(help: "Show credentials (Authorization, API-key headers and query parameters) instead of masking them.")
        var revealSecrets = false

        @Flag(help: "Print nothing per request (for load tests: logging caps the rate).")
        var quiet = false

        @Option(
            help: ArgumentHelp(
                "Answer from a YAML or JSON script: rules by path and method, each a sequence of responses.",
                valueName: "file"),
            completion: .file(extensions: ["yaml", "yml", "json"]))
        var script: String?

        @Option(
            name: .customLong("verify-secret"),
            help: ArgumentHelp(
                "Check every request's Standard Webhooks signature with this signing secret (whsec_…) and answer 401 with the reason when it fails; repeat it for a rotation. HOOKLINE_VERIFY_SECRET works too and stays out of the process list.",
                valueName: "secret"))
        var verifySecrets: [String] = []

        func validate() throws {
            try validatePort(port)
            _ = try verifier()
        }

        /// The signing secrets to check signatures with: the ones given, or HOOKLINE_VERIFY_SECRET's.
        private var signingSecrets: [String] {
            guard verifySecrets.isEmpty, let fromEnvironment = ProcessInfo.processInfo.environment["HOOKLINE_VERIFY_SECRET"],
                !fromEnvironment.isEmpty
            else { return verifySecrets }
            return [fromEnvironment]
        }

        /// The signer that checks signatures with ``signingSecrets``; nil for none.
        private func verifier() throws -> StandardWebhooksSigner? {
            let secrets = signingSecrets
            guard !secrets.isEmpty else { return nil }
            do { return try StandardWebhooksSigner(secrets: secrets) } catch {
                throw ValidationError("--verify-secret: \(error)")
            }
        }

        func run() async throws {
            let verbose = self.verbose
            let quiet = self.quiet
            let revealSecrets = self.revealSecrets
            let signingSecrets = self.signingSecrets
            var loaded: ReceiverScript?
            if let script {
                do {
                    loaded = try ReceiverScript.load(from: URL(fileURLWithPath: script))
                } catch let error as ReceiverScriptError {
                    // As `validate` prints a workspace file's problems: path:line:col, the line, a caret.
                    printError(error.rendered)
                    throw ExitCode.badInput
                } catch {
                    printError("error: \(script): \(error)")
                    throw ExitCode.badInput
                }
            }
            let verifier = try verifier()
            let receiver = try await Receiver.start(host: host, port: port, script: loaded, verifier: verifier) { received in
                guard !quiet else { return }
                // Its own signing secret too: a sender may echo it back.
                let request = revealSecrets ? received : received.masked(hidingSigningSecrets: signingSecrets)
                // What the sender wrote is shown, not obeyed: an escape sequence in a path, header
                // or body could retitle or clear the terminal, or forge log lines.
                func shown(_ text: String) -> String { Sanitizer.clean(text, upTo: .max) }
                var text = shown(request.logLine)
                if verbose {
                    text += "\n" + request.headers.map { "  \(shown($0.name)): \(shown($0.value))" }.joined(separator: "\n")
                    if !request.body.isEmpty {
                        text += "\n  " + request.body.split(separator: "\n", omittingEmptySubsequences: false).map { shown(String($0)) }
                            .joined(separator: "\n  ")
                    }
                }
                // Queued: a reader that stops reading must not stop the receiver answering.
                StandardOutput.enqueue(Array((text + "\n").utf8), lines: 1)
            }
            printLine("listening on \(receiver.baseURL)" + (verifier == nil ? "" : ", checking Standard Webhooks signatures"))
            await waitForTerminationSignal()
            await receiver.shutdown()
            await StandardOutput.drain()
        }
    }
}
