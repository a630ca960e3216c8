import Foundation
import Testing

/// `hookline sign`: reads the body on standard input and prints the `webhook-signature` value.
struct SignCommandTests {
    // The Standard Webhooks libraries' vector (delivery.md §1.2).
    private static let specSecret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
    private static let specID = "msg_p5jXN8AQM9LWM0D4loKWxJek"
    private static let specTimestamp = "1614265330"
    private static let specPayload = #"{"test": 2432232314}"#
    private static let specSignature = "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="

    @Test func printsTheSpecVectorSignature() async throws {
        let result = try await sign(stdin: Self.specPayload, "--secret", Self.specSecret)
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout == Self.specSignature + "\n")
        #expect(result.stderr.isEmpty)
    }

    @Test func signsStandardInputByteForByte() async throws {
        // A trailing newline is part of the body; signatures computed with Python `hmac`.
        let withNewline = try await sign(stdin: Self.specPayload + "\n", "--secret", Self.specSecret)
        #expect(withNewline.stdout == "v1,FIt3hYjPQCdyuyMOw+0dZwwjGRAx1Il4CsgdFnOmrcc=\n")
        let empty = try await sign(stdin: "", "--secret", Self.specSecret)
        #expect(empty.stdout == "v1,v48jdbgvh29KJz2Qc+ghw8G6vG3nAKnujWBg8oM/62A=\n")
    }

    @Test func repeatedSecretsPrintOneSignatureEachForARotation() async throws {
        let other = "whsec_AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8="
        let result = try await sign(stdin: Self.specPayload, "--secret", Self.specSecret, "--secret", other)
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout == Self.specSignature + " v1,O4Gjv1HqPqsMrjmczoggs/sWA8gZD0VyHG+fLh4+ktI=\n")
    }

    @Test(arguments: ["whsec_c2hvcnQ=", "whsec_", "whsec_!!!not*base64!!!", "c2l4dGVlbi1ieXRlLWtleQ=="])
    func aBadSecretIsAUsageErrorReportedWithoutEchoingIt(secret: String) async throws {
        let result = try await sign(stdin: Self.specPayload, "--secret", secret)
        // A value of the command line, as `receive --verify-secret` has it: 64, not 65 (bad input data).
        #expect(result.status == 64)
        #expect(result.stdout.isEmpty)
        #expect(result.stderr.hasPrefix("Error: --secret: the signing secret"))
        #expect(result.stderr.contains("24 to 64"))
        if secret.count > 6 { #expect(!result.stderr.contains(secret.dropFirst(6))) }
    }

    @Test func anIdWithADotIsAUsageError() async throws {
        let result = try await BinaryRunner.hookline(
            "sign", "--secret", Self.specSecret, "--id", "msg.1", "--timestamp", Self.specTimestamp)
        #expect(result.status == 64)
        #expect(result.stderr.contains("Please pass an --id without '.'."))
    }

    /// Runs `hookline sign --id <spec id> --timestamp <spec ts> <arguments>` with `stdin` as its input.
    ///
    /// ``BinaryRunner`` connects standard input to /dev/null, so a shell redirects it from a file.
    private func sign(stdin: String, _ arguments: String...) async throws -> BinaryRunner.Result {
        let folder = try BinaryRunner.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: folder) }
        let input = folder.appendingPathComponent("body")
        try Data(stdin.utf8).write(to: input)
        let script = #"input=$1; shift; exec "$0" "$@" < "$input""#
        return try await BinaryRunner.run(
            "/bin/sh",
            ["-c", script, BinaryRunner.hooklinePath, input.path, "sign", "--id", Self.specID, "--timestamp",
             Self.specTimestamp] + arguments)
    }
}
