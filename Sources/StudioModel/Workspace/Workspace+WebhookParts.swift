extension Workspace {
    /// The parts of every webhook and system webhook file the save-time checks judge: each
    /// loaded definition whole, and what reads well of each file that does not load
    /// (``unloadedWebhookParts``), so one broken part does not hide another's problem.
    ///
    /// A file that does not load is judged by what it says now, even when a definition from it
    /// is kept running (``keepingLastGood(from:)``).
    public var webhookParts: [WebhookParts] {
        let broken = Set(unloadedWebhookParts.map(\.path))
        let webhooks = self.webhooks.compactMap { webhook -> WebhookParts? in
            guard let path = path(ofWebhook: webhook.id), !broken.contains(path) else { return nil }
            return WebhookParts(
                kind: .webhook, id: webhook.id, path: path, url: webhook.url, auth: webhook.auth, signing: webhook.signing,
                retries: webhook.retries)
        }
        let systemWebhooks = self.systemWebhooks.compactMap { webhook -> WebhookParts? in
            guard let path = path(ofSystemWebhook: webhook.id), !broken.contains(path) else { return nil }
            return WebhookParts(kind: .systemWebhook, id: webhook.id, path: path, url: webhook.endpoint, auth: webhook.auth)
        }
        return webhooks + systemWebhooks + unloadedWebhookParts
    }
}
