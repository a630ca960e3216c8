import Foundation
import ArgumentParser
import StudioEngine

extension Hookline {
    struct Preview: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Print the exact request a webhook would send for a user, without sending it.")

        @OptionGroup(title: "Workspace Options") var options: WorkspaceOptions

        @OptionGroup var target: WebhookRequestArguments

        @Option(help: "How to print the request.")
        var format: RequestFormat = .http

        @Flag(help: "Show secrets and credentials instead of masking them.")
        var revealSecrets = false

        func run() throws {
            let prepared = try PreparedWebhookRequest.prepare(workspace: options, target)
            // What send refuses would print as if it could be sent: the url's form (credentials, an
            // invalid port) and what the network policy refuses as validate judges it, IP literals
            // and denied names included; no name is looked up.
            if let violation = NetworkPolicy(settings: prepared.settings).check(url: prepared.request.url).violation {
                printError("warning: hookline send refuses this request: \(violation.message)")
            }
            let shown = prepared.options.previewing(prepared.request, at: Date())
            let request = revealSecrets ? shown : shown.masked
            switch format {
            case .http:
                // Byte-exact: the body's last byte is the output's last, so that a pipe gets what
                // Content-Length counts. A terminal gets a line break after it for the prompt.
                let text = request.httpText
                StandardOutput.write(Data(text.utf8))
                if isatty(STDOUT_FILENO) != 0, !text.hasSuffix("\n") { StandardOutput.write(Data("\n".utf8)) }
            case .curl: print(request.curlCommand)
            case .json: print(request.jsonValue.prettyJSONText)
            }
        }
    }
}
