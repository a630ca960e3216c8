import Foundation
import StudioModel
import Synchronization

/// Access tokens from OAuth2 client-credentials grants, cached until shortly before they expire.
///
/// A 401 from the endpoint invalidates the token so the next attempt fetches a new one.
public final class OAuth2TokenCache: Sendable {
    struct Key: Hashable {
        var tokenURL: String
        var clientID: String
        var scope: String?
    }

    private struct Entry {
        var token: String
        var expires: Date
    }

    /// Tokens are refreshed this long before they expire. Default: 30 s.
    public let refreshMargin: TimeInterval
    private let entries = Mutex<[Key: Entry]>([:])

    public init(refreshMargin: TimeInterval = 30) {
        self.refreshMargin = refreshMargin
    }

    /// A valid token, fetched with `client` when none is cached.
    /// - Throws: ``OAuth2Error`` when the token endpoint fails or answers without `access_token`.
    public func token(
        tokenURL: String, clientID: String, clientSecret: String, scope: String?, client: DeliveryClient, now: Date = Date()
    ) async throws(OAuth2Error) -> String {
        let key = Key(tokenURL: tokenURL, clientID: clientID, scope: scope)
        if let entry = entries.withLock({ $0[key] }), entry.expires.timeIntervalSince(now) > refreshMargin {
            return entry.token
        }
        var fields = ["grant_type=client_credentials"]
        if let scope, !scope.isEmpty { fields.append("scope=" + OutputMode.form.escaped(scope)) }
        let basic = Data("\(OutputMode.form.escaped(clientID)):\(OutputMode.form.escaped(clientSecret))".utf8).base64EncodedString()
        let request = PreparedRequest(
            method: .post, url: tokenURL,
            headers: [
                HeaderField("User-Agent", RequestBuilder.userAgent),
                HeaderField("Authorization", "Basic " + basic),
                HeaderField("Content-Type", "application/x-www-form-urlencoded"),
                HeaderField("Accept", "application/json"),
            ],
            body: fields.joined(separator: "&"), secretValues: [clientSecret], deliveryID: DeliveryID.make())
        let record = await client.send(request, origin: DeliveryClient.Origin())
        guard let status = record.status else {
            throw OAuth2Error(message: "token endpoint unreachable: \(record.outcome.errorClass ?? "network")")
        }
        guard (200..<300).contains(status) else { throw OAuth2Error(message: "token endpoint answered \(status)") }
        guard let answer = try? JSONValue.parse(record.responseBody), let token = answer["access_token"]?.stringValue else {
            throw OAuth2Error(message: "token endpoint answered without access_token")
        }
        let lifetime = answer["expires_in"]?.doubleValue ?? 3600
        entries.withLock { $0[key] = Entry(token: token, expires: now.addingTimeInterval(lifetime)) }
        return token
    }

    /// Forgets the cached token, after the endpoint rejected it with 401.
    public func invalidate(tokenURL: String, clientID: String, scope: String?) {
        _ = entries.withLock { $0.removeValue(forKey: Key(tokenURL: tokenURL, clientID: clientID, scope: scope)) }
    }
}

public struct OAuth2Error: Error, Sendable, CustomStringConvertible {
    public var message: String
    public var description: String { "oauth2: \(message)" }
}
