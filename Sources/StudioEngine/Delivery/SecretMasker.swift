import StudioModel

/// Replaces secret values and credentials with `••••••` in anything that is stored or shown.
public struct SecretMasker: Sendable {
    public static let mask = "••••••"

    /// Header names whose whole value is a credential.
    static let credentialHeaders: Set<String> = [
        "authorization", "proxy-authorization", "cookie", "set-cookie", "x-api-key", "api-key", "x-auth-token",
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

    public func mask(_ headers: [HeaderField]) -> [HeaderField] {
        headers.map { header in
            let name = header.name.lowercased()
            if Self.credentialHeaders.contains(name) {
                if let space = header.value.firstIndex(of: " "), name.hasSuffix("authorization") {
                    return HeaderField(header.name, header.value[..<space] + " " + Self.mask)
                }
                return HeaderField(header.name, Self.mask)
            }
            if name.contains("secret") || name.contains("token") || name.contains("signature") {
                return HeaderField(header.name, Self.mask)
            }
            return HeaderField(header.name, mask(header.value))
        }
    }
}

import Foundation
