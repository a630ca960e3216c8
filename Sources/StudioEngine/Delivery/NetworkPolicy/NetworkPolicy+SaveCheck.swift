import StudioModel

extension NetworkPolicy {
    /// The save-time check (delivery.md §8.8): every webhook and system-webhook URL this policy
    /// refuses, as an error at its `url:` or `endpoint:` line, and every `network.allow` entry that
    /// can never open anything, at the entry. Host names that pass are checked again, by address,
    /// before each attempt. A file that does not load has the URLs it reads well checked too
    /// (``Workspace/webhookParts``).
    /// - Parameter text: The text of a workspace file by relative path, to place each error;
    ///   nil places it at 1:1.
    public func saveTimeDiagnostics(for workspace: Workspace, text: (String) -> String?) -> [Diagnostic] {
        // An OAuth2 token endpoint is reached over the same policy, and checked now whatever its path and
        // query merge: the loader refuses a merge parameter in a URL's scheme or host (`WebhookURLCheck`),
        // so what the policy judges is as written, as for `url:`.
        typealias Target = (path: String, key: String, parent: String?, url: String)
        let targets: [Target] = workspace.webhookParts.flatMap { parts in
            var urls: [Target] = []
            if let url = parts.url { urls.append((parts.path, parts.urlKey, nil, url)) }
            if case .oauth2ClientCredentials(let tokenURL, _, _, _)? = parts.auth {
                urls.append((parts.path, "tokenUrl", "auth", tokenURL))
            }
            return urls
        }
        let refusedURLs: [Diagnostic] = targets.compactMap { path, key, parent, url in
            guard let violation = check(url: url).violation else { return nil }
            let (line, column) = text(path).map { Self.position(ofKey: key, under: parent, in: $0) } ?? (1, 1)
            let message = parent == nil ? violation.message : "\(key): \(violation.message)"
            return Diagnostic(path: path, line: line, column: column, message: message)
        }
        let settings = WorkspaceLoader.settingsPath
        let neverAllowed: [Diagnostic] = workspace.settings.networkAllowlist.compactMap { entry in
            guard let what = Self.neverAllowed(entry) else { return nil }
            let (line, column) = text(settings).map { Self.position(ofAllowEntry: entry, in: $0) } ?? (1, 1)
            return Diagnostic(
                path: settings, line: line, column: column,
                message: "network.allow entry '\(entry)' is \(what), which is never allowed",
                hint: "remove it: metadata, link-local and unspecified addresses are never allowed, whatever network.allow says")
        }
        return refusedURLs + neverAllowed
    }

    /// What a `network.allow` entry names when the policy denies all of it whatever the list
    /// says ("a cloud metadata address"); nil when the entry can open something.
    static func neverAllowed(_ entry: String) -> String? {
        let trimmed = entry.trimmingCharacters(in: .whitespaces)
        if let block = CIDR(trimmed) {
            let range = SpecialAddressRange.table.first {
                !$0.isAllowable && block.prefixLength >= $0.block.prefixLength && $0.block.contains(block.network)
            }
            return range?.phrase
        }
        let name = trimmed.lowercased()
        return metadataHostNames.contains(name.hasSuffix(".") ? String(name.dropLast()) : name) ? "a cloud metadata service" : nil
    }

    /// Line and column of `entry` as an item of the `allow:` list under `network:`; (1, 1) when not found.
    static func position(ofAllowEntry entry: String, in text: String) -> (Int, Int) {
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        let start = lines.firstIndex { $0.hasPrefix("network:") } ?? 0
        let partOfAnEntry = Set("0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ.:/-_")
        for index in lines.indices where index >= start {
            let line = lines[index]
            var searchStart = line.startIndex
            while let found = line[searchStart...].range(of: entry) {
                let before = found.lowerBound == line.startIndex ? nil : line[line.index(before: found.lowerBound)]
                let after = found.upperBound == line.endIndex ? nil : line[found.upperBound]
                if !(before.map(partOfAnEntry.contains) ?? false), !(after.map(partOfAnEntry.contains) ?? false) {
                    return (index + 1, line.distance(from: line.startIndex, to: found.lowerBound) + 1)
                }
                searchStart = found.upperBound
            }
        }
        return (1, 1)
    }

    /// Line and column of the value of `key:` inside the top-level mapping `parent:` (block or
    /// flow style), or of a top-level `key:` when `parent` is nil; (1, 1) when not found.
    static func position(ofKey key: String, under parent: String?, in text: String) -> (Int, Int) {
        guard let parent else { return position(ofKey: key, in: text) }
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        guard let start = lines.firstIndex(where: { $0.hasPrefix(parent + ":") }) else { return (1, 1) }
        for index in lines.indices where index >= start {
            // Past the mapping: the next top-level key.
            if index > start, let first = lines[index].first, first != " ", first != "#" { break }
            let line = lines[index]
            guard let found = line.range(of: key + ":") else { continue }
            if found.lowerBound != line.startIndex, !" {,".contains(line[line.index(before: found.lowerBound)]) { continue }
            let value = line[found.upperBound...].prefix { $0 == " " }
            return (index + 1, line.distance(from: line.startIndex, to: found.upperBound) + value.count + 1)
        }
        return (start + 1, 1)
    }

    /// Line and column of the value of a top-level `key:` in YAML text; (1, 1) when not found.
    static func position(ofKey key: String, in text: String) -> (Int, Int) {
        for (index, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated()
        where line.hasPrefix(key + ":") {
            let value = line.dropFirst(key.count + 1).prefix { $0 == " " }
            return (index + 1, key.count + 2 + value.count)
        }
        return (1, 1)
    }
}
