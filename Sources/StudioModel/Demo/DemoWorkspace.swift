/// A ready-made workspace that shows Hookline's three Iterable-style webhook use cases
/// against a local receiver: direct mail, profile enrichment, and a BI event sink.
public enum DemoWorkspace {
    /// The workspace files (relative path → YAML), with every webhook pointing at `receiverBaseURL`
    /// (such as `http://127.0.0.1:8089`). Load them with `WorkspaceLoader.load(files:)` or write them to disk.
    public static func files(receiverBaseURL: String) -> [String: String] {
        let base = receiverBaseURL.hasSuffix("/") ? String(receiverBaseURL.dropLast()) : receiverBaseURL
        return [
            "hookline.yaml": settings,
            "workflows/direct-mail.yaml": DemoWorkflowFiles.directMail,
            "workflows/enrichment.yaml": DemoWorkflowFiles.enrichment,
            "workflows/bi-sink.yaml": DemoWorkflowFiles.biSink,
            "webhooks/lob-letter.yaml": DemoWebhookFiles.lobLetter(base: base),
            "webhooks/partner-profile.yaml": DemoWebhookFiles.partnerProfile(base: base),
            "webhooks/crm-vip.yaml": DemoWebhookFiles.crmVIP(base: base),
            "webhooks/bi-events.yaml": DemoWebhookFiles.biEvents(base: base),
            "system-webhooks/bi-email-events.yaml": DemoWebhookFiles.biEmailEvents(base: base),
        ]
    }

    /// `count` deterministic pseudo-random user profiles with unique emails; the same seed gives the same users.
    public static func users(count: Int = 200, seed: UInt64 = 42) -> [JSONObject] {
        var generator = DemoUserGenerator(seed: seed)
        return (0..<max(0, count)).map { _ in generator.next() }
    }

    static let settings = """
        # Workspace settings for the Hookline demo.
        name: Acme lifecycle
        delivery:
          connectTimeout: 5s
          timeout: 15s
          maxInFlight: 64
          maxInFlightPerHost: 16
        network:
          # The demo receiver listens on loopback, which webhooks may not reach unless allowed here.
          allow: [127.0.0.1/32]

        """
}
