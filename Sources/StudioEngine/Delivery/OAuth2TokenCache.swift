import Foundation
import StudioModel
import Synchronization

/// Access tokens from OAuth2 client-credentials grants, cached until shortly before they expire.
///
/// One fetch per grant is in flight at a time: a delivery that needs the token while it is
/// being fetched waits for that fetch rather than asking the token endpoint itself. Otherwise
/// 100 concurrent deliveries make 100 token requests, and a token endpoint that rate-limits, or
/// that keeps only its latest token valid, fails most of them.
///
/// A 401 from the endpoint invalidates the token it rejected, and only that one: the 401s of
/// many deliveries sent with one token cause one refresh, not one each.
public final class OAuth2TokenCache: Sendable {
    struct Key: Hashable {
        var tokenURL: String
        var clientID: String
        var scope: String?
    }

    private struct Entry: Sendable {
        var token: String
        var expires: Date
    }

    /// A token request in flight, whose answer every caller that needs the grant's token meanwhile shares.
    private typealias Fetch = Task<Result<Entry, OAuth2Error>, Never>

    private struct State {
        var entries: [Key: Entry] = [:]
        var fetches: [Key: Fetch] = [:]
    }

    /// Where a caller's token comes from.
    private enum Lookup: Sendable {
        case cached(String)
        case fetching(Fetch)
    }

    /// Tokens are refreshed this long before they expire. Default: 30 s.
    public let refreshMargin: TimeInterval
    private let state = Mutex(State())

    public init(refreshMargin: TimeInterval = 30) {
        self.refreshMargin = refreshMargin
    }

    /// A valid token, fetched with `client` when none is cached, or the one a fetch already in
    /// flight for the same grant brings.
    /// - Throws: ``OAuth2Error`` when the token endpoint fails or answers without `access_token`.
    public func token(
        tokenURL: String, clientID: String, clientSecret: String, scope: String?, client: DeliveryClient, now: Date = Date()
    ) async throws(OAuth2Error) -> String {
        let key = Key(tokenURL: tokenURL, clientID: clientID, scope: scope)
        let lookup = state.withLock { state -> Lookup in
            if let entry = state.entries[key], entry.expires.timeIntervalSince(now) > refreshMargin {
                return .cached(entry.token)
            }
            if let fetch = state.fetches[key] { return .fetching(fetch) }
            let fetch = Fetch { [self] in
                let result = await Self.fetch(key, clientSecret: clientSecret, client: client, now: now)
                finish(key, with: result)
                return result
            }
            state.fetches[key] = fetch
            return .fetching(fetch)
        }
        switch lookup {
        case .cached(let token): return token
        case .fetching(let fetch): return try await fetch.value.get().token
        }
    }

    /// Forgets the cached token if it is `rejected`, the one the endpoint answered 401 to. A
    /// token fetched since (another delivery's 401 refreshed it) is kept.
    public func invalidate(tokenURL: String, clientID: String, scope: String?, rejected: String) {
        let key = Key(tokenURL: tokenURL, clientID: clientID, scope: scope)
        state.withLock { state in
            if state.entries[key]?.token == rejected { state.entries[key] = nil }
        }
    }

    /// Ends the fetch in flight for `key`, caching its token when it brought one.
    private func finish(_ key: Key, with result: Result<Entry, OAuth2Error>) {
        state.withLock { state in
            state.fetches[key] = nil
            if case .success(let entry) = result { state.entries[key] = entry }
        }
    }

    /// Asks the token endpoint for a token of the grant `key` (RFC 6749 §4.4).
    private static func fetch(
        _ key: Key, clientSecret: String, client: DeliveryClient, now: Date
    ) async -> Result<Entry, OAuth2Error> {
        var fields = ["grant_type=client_credentials"]
        if let scope = key.scope, !scope.isEmpty { fields.append("scope=" + OutputMode.form.escaped(scope)) }
        let basic = Data("\(OutputMode.form.escaped(key.clientID)):\(OutputMode.form.escaped(clientSecret))".utf8)
            .base64EncodedString()
        let request = PreparedRequest(
            method: .post, url: key.tokenURL,
            headers: [
                HeaderField("User-Agent", RequestBuilder.userAgent),
                HeaderField("Authorization", "Basic " + basic),
                HeaderField("Content-Type", "application/x-www-form-urlencoded"),
                HeaderField("Accept", "application/json"),
            ],
            body: fields.joined(separator: "&"), secretValues: [clientSecret], deliveryID: DeliveryID.make())
        let (record, answer) = await client.sendReceiving(request, origin: DeliveryClient.Origin())
        let outcome = DeliveryOutcomeClass.classify(record)
        guard let status = record.status else {
            // Refused before it was sent (the network policy, a bad URL): the token request's
            // own class and reason are the attempt's, as they would be for the webhook's URL.
            if case .failed(let errorClass, let reason) = record.outcome, outcome.wasRefusedBeforeSending {
                return .failure(
                    OAuth2Error(message: "token request not sent: \(reason)", outcome: outcome, errorClass: errorClass))
            }
            return .failure(
                OAuth2Error(
                    message: "token endpoint unreachable: \(record.outcome.errorClass ?? "network")", outcome: outcome))
        }
        guard (200..<300).contains(status) else {
            let retryAfter = answer?.header("retry-after").flatMap { RetryAfter.parse($0, now: now) }
            return .failure(
                OAuth2Error(message: "token endpoint answered \(status)", outcome: outcome, retryAfter: retryAfter))
        }
        guard let body = answer.flatMap({ String(validating: $0.body, as: UTF8.self) }),
            let fields = try? JSONValue.parse(body), let token = fields["access_token"]?.stringValue
        else {
            return .failure(OAuth2Error(message: "token endpoint answered without access_token"))
        }
        let lifetime = fields["expires_in"]?.doubleValue ?? 3600
        return .success(Entry(token: token, expires: now.addingTimeInterval(lifetime)))
    }
}

public struct OAuth2Error: Error, Sendable, CustomStringConvertible {
    public var message: String
    /// How the token request ended, when its answer (or the lack of one) is the reason; nil for
    /// an answer that could not be used (no `access_token`).
    public var outcome: DeliveryOutcomeClass?
    /// The token endpoint's `Retry-After`, in seconds.
    public var retryAfter: TimeInterval?
    /// The class the attempt is stored with when it is not `oauth2_error`: the token request
    /// was refused before it was sent (`blocked_by_policy`).
    public var errorClass: String?

    public init(
        message: String, outcome: DeliveryOutcomeClass? = nil, retryAfter: TimeInterval? = nil, errorClass: String? = nil
    ) {
        self.message = message
        self.outcome = outcome
        self.retryAfter = retryAfter
        self.errorClass = errorClass
    }

    /// Whether the token endpoint may answer later: it was unreachable, or answered 429 or a 5xx
    /// other than 501 (the classes delivery.md §8.4 retries). A 400 or 401 (`invalid_client`)
    /// needs the configuration fixed.
    public var isRetryable: Bool { outcome?.isRetryable ?? false }

    public var description: String { "oauth2: \(message)" }
}
