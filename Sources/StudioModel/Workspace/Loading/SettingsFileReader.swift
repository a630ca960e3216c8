/// Reads `hookline.yaml` into `WorkspaceSettings`; anything missing keeps its default.
enum SettingsFileReader {
    static func read(_ file: YAMLFile) -> WorkspaceSettings {
        var settings = WorkspaceSettings()
        guard let root = file.composeRoot(), !root.isNullScalar,
            let mapping = YAMLMapping(root, in: file, what: "workspace settings")
        else { return settings }
        mapping.checkKeys(["name", "delivery", "network"])
        if let name = mapping.string("name") { settings.name = name }
        if let delivery = mapping.mapping("delivery", what: "delivery") {
            delivery.checkKeys(["connectTimeout", "timeout", "maxInFlight", "maxInFlightPerHost", "retention"])
            if let value = delivery.timeout("connectTimeout") { settings.delivery.connectTimeout = value }
            if let value = delivery.timeout("timeout") { settings.delivery.timeout = value }
            if let value = delivery.int("maxInFlight", minimum: 1) { settings.delivery.maxInFlight = value }
            if let value = delivery.int("maxInFlightPerHost", minimum: 1) { settings.delivery.maxInFlightPerHost = value }
            if let value = delivery.duration("retention") { settings.delivery.retention = value }
        }
        if let network = mapping.mapping("network", what: "network") {
            network.checkKeys(["allow"])
            for item in network.sequence("allow") ?? [] {
                guard let entry = network.text(of: item, key: "allow") else { continue }
                guard NetworkAllowEntry.isValid(entry) else {
                    file.error(
                        "invalid network allow entry '\(entry)'", at: item,
                        hint: "use a CIDR such as 10.0.0.0/8 or 127.0.0.1/32, an IP address, or a host name")
                    continue
                }
                settings.networkAllowlist.append(entry)
            }
        }
        return settings
    }
}
