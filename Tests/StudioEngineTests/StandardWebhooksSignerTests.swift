import Foundation
import StudioEngine
import StudioModel
import Testing

/// Standard Webhooks v1 signing (delivery.md §1.2 vectors, §8.7, §9 row 26).
struct StandardWebhooksSignerTests {
    // The official libraries' vector, copied from delivery.md §1.2.
    private static let specSecret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
    private static let specID = "msg_p5jXN8AQM9LWM0D4loKWxJek"
    private static let specTimestamp = 1_614_265_330
    private static let specPayload = #"{"test": 2432232314}"#
    private static let specSignature = "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="
    /// A second secret for rotation: base64 of the bytes 0…31 (signature computed with Python `hmac`).
    private static let otherSecret = "whsec_AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8="
    private static let otherSignature = "v1,O4Gjv1HqPqsMrjmczoggs/sWA8gZD0VyHG+fLh4+ktI="

    @Test func signsTheSpecVector() throws {
        let signer = try StandardWebhooksSigner(secret: Self.specSecret)
        #expect(signer.signature(id: Self.specID, timestamp: Self.specTimestamp, body: Self.specPayload) == Self.specSignature)
    }

    @Test func acceptsTheSecretWithoutItsPrefix() throws {
        let signer = try StandardWebhooksSigner(secret: "MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw")
        #expect(signer.signature(id: Self.specID, timestamp: Self.specTimestamp, body: Self.specPayload) == Self.specSignature)
    }

    @Test func acceptsASecretWhosePaddingWasDropped() throws {
        let signer = try StandardWebhooksSigner(secret: String(Self.otherSecret.dropLast()))
        #expect(signer.signature(id: Self.specID, timestamp: Self.specTimestamp, body: Self.specPayload) == Self.otherSignature)
    }

    @Test func signsTheExactBytesWhateverTheirType() throws {
        let signer = try StandardWebhooksSigner(secret: Self.specSecret)
        let bytes = Array(Self.specPayload.utf8)
        #expect(signer.signature(id: Self.specID, timestamp: Self.specTimestamp, body: bytes) == Self.specSignature)
        #expect(signer.signature(id: Self.specID, timestamp: Self.specTimestamp, body: Data(bytes)) == Self.specSignature)
        // A trailing newline is part of the body and changes the signature.
        #expect(signer.signature(id: Self.specID, timestamp: Self.specTimestamp, body: Self.specPayload + "\n")
            == "v1,FIt3hYjPQCdyuyMOw+0dZwwjGRAx1Il4CsgdFnOmrcc=")
    }

    @Test func anEmptyBodySignsIdDotTimestampDot() throws {
        // §8.7: a GET has no body, so the signed content is "id.ts.".
        let signer = try StandardWebhooksSigner(secret: Self.specSecret)
        #expect(signer.signature(id: Self.specID, timestamp: Self.specTimestamp, body: "")
            == "v1,v48jdbgvh29KJz2Qc+ghw8G6vG3nAKnujWBg8oM/62A=")
    }

    @Test func headersCarryIdTimestampAndSignature() throws {
        let signer = try StandardWebhooksSigner(secret: Self.specSecret)
        let headers = signer.headers(id: Self.specID, timestamp: Self.specTimestamp, body: Self.specPayload)
        #expect(headers == [
            HeaderField("webhook-id", Self.specID),
            HeaderField("webhook-timestamp", "1614265330"),
            HeaderField("webhook-signature", Self.specSignature),
        ])
    }

    @Test func rotationSendsTwoSignaturesThatEitherSecretVerifies() throws {
        let rotating = try StandardWebhooksSigner(secrets: [Self.otherSecret, Self.specSecret])
        let header = rotating.signature(id: Self.specID, timestamp: Self.specTimestamp, body: Self.specPayload)
        #expect(header == "\(Self.otherSignature) \(Self.specSignature)")
        #expect(rotating.secretCount == 2)

        for secret in [Self.specSecret, Self.otherSecret] {
            let receiver = try StandardWebhooksSigner(secret: secret)
            #expect(receiver.verify(
                signatureHeader: header, id: Self.specID, timestamp: Self.specTimestamp, body: Self.specPayload))
        }
        let stranger = try StandardWebhooksSigner(secret: StandardWebhooksSigner.generateSecret())
        #expect(!stranger.verify(signatureHeader: header, id: Self.specID, timestamp: Self.specTimestamp, body: Self.specPayload))
    }

    @Test(arguments: [
        "v1,Ceo5qEr07ixe2NLpvHk3FH9bwy/WavXrAFQ/9tdO6mc=", "v1,", "", "g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=",
        "v2,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=", "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE",
    ])
    func verifyRejectsTheLibrariesNegativeCases(header: String) throws {
        let signer = try StandardWebhooksSigner(secret: Self.specSecret)
        #expect(!signer.verify(signatureHeader: header, id: Self.specID, timestamp: Self.specTimestamp, body: Self.specPayload))
    }

    @Test func verifyPassesOneValidEntryAmongInvalidOnes() throws {
        let signer = try StandardWebhooksSigner(secret: Self.specSecret)
        let header = "v1,Ceo5qEr07ixe2NLpvHk3FH9bwy/WavXrAFQ/9tdO6mc= v2,abc \(Self.specSignature) v1a,xyz"
        #expect(signer.verify(signatureHeader: header, id: Self.specID, timestamp: Self.specTimestamp, body: Self.specPayload))
    }

    @Test func verifyRejectsATamperedBodyIdOrTimestamp() throws {
        let signer = try StandardWebhooksSigner(secret: Self.specSecret)
        let header = Self.specSignature
        #expect(!signer.verify(signatureHeader: header, id: Self.specID, timestamp: Self.specTimestamp, body: #"{"test": 2432232315}"#))
        #expect(!signer.verify(signatureHeader: header, id: "msg_other", timestamp: Self.specTimestamp, body: Self.specPayload))
        #expect(!signer.verify(signatureHeader: header, id: Self.specID, timestamp: Self.specTimestamp + 1, body: Self.specPayload))
    }

    @Test(arguments: [(-301, false), (-300, true), (0, true), (299, true), (301, false)])
    func verifyChecksTheTimestampWithinFiveMinutesWhenGivenAClock(offset: Int, passes: Bool) throws {
        let signer = try StandardWebhooksSigner(secret: Self.specSecret)
        let now = Date(timeIntervalSince1970: TimeInterval(Self.specTimestamp + offset))
        #expect(signer.verify(
            signatureHeader: Self.specSignature, id: Self.specID, timestamp: Self.specTimestamp, body: Self.specPayload,
            now: now) == passes)
    }

    @Test(arguments: [
        ("", "empty"), ("whsec_", "empty"), ("   ", "empty"), ("whsec_c2hvcnQ=", "wrong_length"),
        ("whsec_" + Data(repeating: 7, count: 23).base64EncodedString(), "wrong_length"),
        ("whsec_" + Data(repeating: 7, count: 65).base64EncodedString(), "wrong_length"),
        ("whsec_!!!not*base64!!!", "not_base64"), ("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSwA", "not_base64"),
    ])
    func badSecretsAreRefused(secret: String, label: String) {
        #expect {
            try StandardWebhooksSigner(secret: secret)
        } throws: { error in
            guard let error = error as? SigningSecretError else { return false }
            // The message explains the format but never echoes the secret.
            let leaks = secret.count > 6 && error.description.contains(secret.dropFirst(6))
            return error.label == label && !leaks
        }
    }

    @Test func wrongLengthNamesTheByteCount() {
        #expect(throws: SigningSecretError.wrongLength(5)) {
            try StandardWebhooksSigner(secret: "whsec_c2hvcnQ=")
        }
        #expect(SigningSecretError.wrongLength(5).description.contains("5 bytes"))
    }

    @Test(arguments: [24, 32, 64])
    func secretsOfTwentyFourToSixtyFourBytesAreAccepted(byteCount: Int) throws {
        let secret = "whsec_" + Data(repeating: 1, count: byteCount).base64EncodedString()
        #expect(try StandardWebhooksSigner.decodeSecret(secret).count == byteCount)
    }

    @Test func aRotationWithOneBadSecretIsRefused() {
        #expect(throws: SigningSecretError.self) {
            try StandardWebhooksSigner(secrets: [Self.specSecret, "whsec_c2hvcnQ="])
        }
        #expect(throws: SigningSecretError.empty) {
            try StandardWebhooksSigner(secrets: [])
        }
    }

    @Test func generatedSecretsAreThirtyTwoFreshBytesThatSign() throws {
        let first = StandardWebhooksSigner.generateSecret()
        let second = StandardWebhooksSigner.generateSecret()
        #expect(first.hasPrefix("whsec_"))
        #expect(first != second)
        #expect(try StandardWebhooksSigner.decodeSecret(first).count == 32)
        let signer = try StandardWebhooksSigner(secret: first)
        let header = signer.signature(id: "msg_1", timestamp: 1, body: "{}")
        #expect(signer.verify(signatureHeader: header, id: "msg_1", timestamp: 1, body: "{}"))
    }

    @Test func descriptionHidesTheSecrets() throws {
        let signer = try StandardWebhooksSigner(secrets: [Self.specSecret, Self.otherSecret])
        #expect("\(signer)" == "StandardWebhooksSigner(2 secrets)")
    }
}
