import ArgumentParser
import StudioEngine
import StudioModel
import StudioTUI

extension Hookline {
    struct Send: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Make one real attempt of a webhook for a user and print the exchange (a test send).")

        @OptionGroup(title: "Workspace Options") var options: WorkspaceOptions

        @OptionGroup var target: WebhookRequestArguments

        func run() async throws {
            let prepared = try PreparedWebhookRequest.prepare(workspace: options, target)
            let settings = WorkspaceLoader.load(from: options.root).settings
            let record = try await DeliveryClient.withClient(networkPolicy: NetworkPolicy(settings: settings)) { client in
                let deliverer = Deliverer(client: client, recorder: nil)
                let deliveryOptions = prepared.options
                let result = await deliverer.deliver(
                    prepared.request, origin: prepared.origin, options: deliveryOptions)
                return result.last
            }
            guard let record else { throw ExitCode.failure }
            _ = try prepared.store.recordAttempts([record])
            // Both sides may hold text from elsewhere (a profile field, the receiver's answer):
            // a control character in it must not reach the terminal as a command.
            func show(_ text: String) { print(Sanitizer.cleanKeepingLineBreaks(text)) }
            // As sent and stored: this attempt's timestamp, signature and token, masked.
            show((PreparedRequest(sentIn: record) ?? prepared.request.masked).httpText)
            print("")
            if let statusLine = record.responseStatusLine {
                show("\(statusLine)  (\(Int(record.latencyMilliseconds)) ms)")
                for header in record.responseHeaders { show("\(header.name): \(header.value)") }
                print("")
                let cut = "\n… (body incomplete: cut at 64 KiB, or the answer ended early)"
                // A coded answer (Hookline asks for none) is shown as text when it decodes to some.
                if let decoded = ResponseContentDecoder.decodedContent(of: record, masker: prepared.request.masker),
                    !decoded.isBase64
                {
                    print(decoded.label)
                    show(decoded.text + (decoded.truncated ? cut : ""))
                } else {
                    if record.responseBodyIsBase64 { print("(not UTF-8 text; base64 of the bytes received)") }
                    show(record.responseBody + (record.responseTruncated ? cut : ""))
                }
            } else if case .failed(let errorClass, let message) = record.outcome {
                show("no response: \(errorClass): \(message)")
            }
            if let hint = DeliveryOutcomeClass.hint(for: record, afterTestSend: true) {
                print("")
                print("hint: " + hint)
            }
            if !record.outcome.isSuccess { throw ExitCode.failure }
        }
    }
}
