import ArgumentParser
import StudioEngine
import StudioModel

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
            // As sent and stored: this attempt's timestamp, signature and token, masked.
            print((PreparedRequest(sentIn: record) ?? prepared.request.masked).httpText)
            print("")
            if let statusLine = record.responseStatusLine {
                print("\(statusLine)  (\(Int(record.latencyMilliseconds)) ms)")
                for header in record.responseHeaders { print("\(header.name): \(header.value)") }
                print("")
                if record.responseBodyIsBase64 { print("(not UTF-8 text; base64 of the bytes received)") }
                print(record.responseBody + (record.responseTruncated ? "\n… (body incomplete: cut at 64 KiB, or the answer ended early)" : ""))
            } else if case .failed(let errorClass, let message) = record.outcome {
                print("no response: \(errorClass): \(message)")
            }
            if let hint = DeliveryOutcomeClass.hint(for: record, afterTestSend: true) {
                print("")
                print("hint: " + hint)
            }
            if !record.outcome.isSuccess { throw ExitCode.failure }
        }
    }
}
