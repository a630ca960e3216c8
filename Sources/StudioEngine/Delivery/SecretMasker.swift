import StudioModel

/// Replaces secret values and credentials with `••••••` in anything that is stored or shown.
public struct SecretMasker: Sendable {
    public static let mask = "••••••"

    /// Header names whose whole value is a credential.
    static let credentialHeaders: Set<String> = [
        "authorization", "proxy-authorization", "cookie", "set-cookie", "x-api-key", "api-key", "x-auth-token",
    ]

    /// Query parameters whose values are credentials (delivery.md §8.9).
    static let secretQueryParameters: Set<String> = [
        "key", "api_key", "apikey", "token", "access_token", "secret", "sig", "signature", "password", "auth",
    ]

    private let secretValues: [String]

    /// - Parameter secretValues: Values to hide wherever they appear. Values shorter than 4
    ///   characters are skipped: masking them would scramble ordinary text and reveal little.
    public init(secretValues: [String]) {
        self.secretValues = Set(secretValues.filter { $0.count >= 4 }).sorted { $0.count > $1.count }
    }

    public func mask(_ text: String) -> String {
        var result = text
        for secret in secretValues where result.contains(secret) {
            result = result.replacingOccurrences(of: secret, with: Self.mask)
        }
        return result
    }

    /// A URL with secret values masked and the values of credential query parameters hidden.
    public func maskURL(_ url: String) -> String {
        let masked = mask(url)
        guard let question = masked.firstIndex(of: "?") else { return masked }
        let query = masked[masked.index(after: question)...]
        let fragmentStart = query.firstIndex(of: "#") ?? query.endIndex
        let pairs = query[..<fragmentStart].split(separator: "&", omittingEmptySubsequences: false).map { pair -> String in
            guard let equals = pair.firstIndex(of: "=") else { return String(pair) }
            let name = pair[..<equals].removingPercentEncoding?.lowercased() ?? pair[..<equals].lowercased()
            return Self.secretQueryParameters.contains(name) ? pair[..<equals] + "=" + Self.mask : String(pair)
        }
        return masked[...question] + pairs.joined(separator: "&") + query[fragmentStart...]
    }

    public func mask(_ headers: [HeaderField]) -> [HeaderField] {
        headers.map { header in
            let name = header.name.lowercased()
            if Self.credentialHeaders.contains(name) {
                if let space = header.value.firstIndex(of: " "), name.hasSuffix("authorization") {
                    return HeaderField(header.name, header.value[..<space] + " " + Self.mask)
                }
                return HeaderField(header.name, Self.mask)
            }
            if ["secret", "token", "-key", "password", "credential"].contains(where: name.contains), name != "idempotency-key" {
                return HeaderField(header.name, Self.mask)
            }
            return HeaderField(header.name, mask(header.value))
        }
    }
}

import Foundation
