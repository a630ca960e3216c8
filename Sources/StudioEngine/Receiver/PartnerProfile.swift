import StudioModel

/// The profile the receiver returns for `GET …?email=`: stable for a given address, so
/// Update User Profile nodes merge the same fields every time.
enum PartnerProfile {
    static func profile(for email: String) -> JSONValue {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in email.utf8 {
            hash = (hash ^ UInt64(byte)) &* 0x100_0000_01b3
        }
        let tiers = ["bronze", "silver", "gold"]
        return [
            "email": .string(email),
            "tier": .string(tiers[Int(hash % 3)]),
            "partnerScore": .int(Int(hash % 100)),
            "ltv": .double(Double(hash % 500_000) / 100),
            "prefs": ["sms": .bool(hash & 1 == 0), "email": true],
        ]
    }
}
