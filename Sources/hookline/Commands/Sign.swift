import ArgumentParser
import Foundation
import StudioEngine

extension Hookline {
    /// `hookline sign`: the Standard Webhooks signature of a body, for checking a receiver by hand.
    struct Sign: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Print the webhook-signature header for the body read from standard input.",
            discussion: """
                The body is signed byte for byte as read: no newline is added or removed. \
                Repeat --secret to print one signature per secret, as during a rotation.
                """)

        @Option(help: "A signing secret: whsec_ followed by base64 of 24 to 64 bytes.")
        var secret: [String]

        @Option(help: "The webhook-id of the message.")
        var id: String

        @Option(help: "The webhook-timestamp, in Unix seconds.")
        var timestamp: Int

        func validate() throws {
            guard !secret.isEmpty else { throw ValidationError("Please provide --secret.") }
            // The spec: id and timestamp must not contain "." or the signed content becomes ambiguous.
            guard !id.contains(".") else { throw ValidationError("Please pass an --id without '.'.") }
            _ = try signer()
        }

        /// The signer of the given secrets. A secret that is no key is a mistake of the command
        /// line, as `receive --verify-secret` has it: the usage exit (64), not bad input data.
        private func signer() throws -> StandardWebhooksSigner {
            do { return try StandardWebhooksSigner(secrets: secret) } catch {
                throw ValidationError("--secret: \(error)")
            }
        }

        func run() throws {
            let signer = try signer()
            let body = FileHandle.standardInput.readDataToEndOfFile()
            printLine(signer.signature(id: id, timestamp: timestamp, body: body))
        }
    }
}
