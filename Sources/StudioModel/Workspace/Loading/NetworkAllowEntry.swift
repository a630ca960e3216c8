/// Syntax checks for entries of `network.allow` in `hookline.yaml`.
enum NetworkAllowEntry {
    /// Whether `entry` is an IPv4 or IPv6 address or CIDR, or a host name (with or without a
    /// trailing dot, in any case).
    static func isValid(_ entry: String) -> Bool {
        let parts = entry.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count <= 2, let address = parts.first, !address.isEmpty else { return false }
        let prefix: Int?
        if parts.count == 2 {
            guard let value = Int(parts[1]) else { return false }
            prefix = value
        } else {
            prefix = nil
        }
        if address.contains(":") {
            let allowed = Set("0123456789abcdefABCDEF:.")
            return address.allSatisfy(allowed.contains) && (prefix.map { (0...128).contains($0) } ?? true)
        }
        if isIPv4(address) { return prefix.map { (0...32).contains($0) } ?? true }
        guard prefix == nil else { return false }
        return isHostName(address)
    }

    static func isIPv4(_ text: Substring) -> Bool {
        let octets = text.split(separator: ".", omittingEmptySubsequences: false)
        guard octets.count == 4 else { return false }
        return octets.allSatisfy { octet in
            guard !octet.isEmpty, octet.count <= 3, octet.allSatisfy(\.isASCII), let value = Int(octet) else { return false }
            return value <= 255
        }
    }

    static func isHostName(_ text: Substring) -> Bool {
        // An all-numeric dotted name would be a malformed IPv4 address, not a host.
        if text.allSatisfy({ $0.isNumber || $0 == "." }) { return false }
        // A fully qualified name may end in a dot (`localhost.`): the policy reads it as `localhost`.
        let name = text.hasSuffix(".") ? text.dropLast() : text
        let labels = name.split(separator: ".", omittingEmptySubsequences: false)
        return labels.allSatisfy { label in
            !label.isEmpty && label.count <= 63 && !label.hasPrefix("-") && !label.hasSuffix("-")
                && label.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-") }
        }
    }
}
