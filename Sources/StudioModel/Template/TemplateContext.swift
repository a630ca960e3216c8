import Foundation

/// The data a template is rendered against.
///
/// ```swift
/// let context = TemplateContext(event: ["plan": "pro"], profile: ["firstName": "Ada"])
/// let text = try template.render(context, mode: .text)
/// ```
public struct TemplateContext: Sendable {
    enum Root: Sendable {
        case layered(event: JSONObject, profile: JSONObject, liveData: JSONObject)
        case data(JSONValue)
    }

    let root: Root
    /// The layers searched in order, kept unwrapped so lookups do not copy enums.
    private let layers: [JSONObject]
    private let dataRoot: JSONValue?
    private(set) var secrets: [String: String]
    /// The instant `now`, `timestamp` and `dateMath "now"` use.
    public let now: Date

    /// Lookup order: trigger event data, then profile, then liveData. `secret.NAME` resolves
    /// secrets, `dataFields.x` the event and `liveData.x` live data, whatever fields the data holds.
    ///
    /// - Parameters:
    ///   - event: The triggering event's data fields (also reachable as `dataFields.x`).
    ///   - profile: The user profile.
    ///   - liveData: Journey live data (also reachable as `liveData.x`).
    ///   - secrets: Values for `{{secret.NAME}}`.
    ///   - now: The current time for date helpers. Default: the current date.
    public init(
        event: JSONObject = JSONObject(), profile: JSONObject = JSONObject(), liveData: JSONObject = JSONObject(),
        secrets: [String: String] = [:], now: Date = Date()
    ) {
        self.root = .layered(event: event, profile: profile, liveData: liveData)
        self.layers = [event, profile, liveData]
        self.dataRoot = nil
        self.secrets = secrets
        self.now = now
    }

    /// Whether `{{secret.NAME}}` has a value here.
    public func hasSecret(_ name: String) -> Bool { secrets[name] != nil }

    /// The same context with `secrets` for `{{secret.NAME}}`, merged over any it had.
    public func adding(secrets more: [String: String]) -> TemplateContext {
        var copy = self
        copy.secrets.merge(more) { _, new in new }
        return copy
    }

    /// A single JSON value as the whole context (used by `hookline render --data FILE`).
    public init(data: JSONValue, secrets: [String: String] = [:], now: Date = Date()) {
        self.root = .data(data)
        if case .object(let object) = data {
            self.layers = [object]
            self.dataRoot = nil
        } else {
            self.layers = []
            self.dataRoot = data
        }
        self.secrets = secrets
        self.now = now
    }

    /// The top-level value named `name`, or nil when no layer has it.
    @inline(__always)
    func lookupRoot(_ name: String) -> JSONValue? {
        // These names are the context's own before any field's: an event or profile field named
        // `secret` must not stand in for a credential, nor one named `dataFields` for the event.
        switch name {
        case "secret":
            return secretsValue
        case "liveData", "dataFields":
            if case .layered(let event, _, let liveData) = root { return .object(name == "liveData" ? liveData : event) }
        default:
            break
        }
        for index in layers.indices {
            if let value = layers[index][name] { return value }
        }
        return dataRoot.flatMap { $0[name] }
    }

    private var secretsValue: JSONValue? {
        secrets.isEmpty ? nil : .object(JSONObject(secrets.sorted { $0.key < $1.key }.map { ($0.key, JSONValue.string($0.value)) }))
    }

    /// The whole root as one value (`{{toJson this}}` at the top level): layers merged, earlier layers winning.
    var rootValue: JSONValue {
        switch root {
        case .data(let value): return value
        case .layered(let event, let profile, let liveData):
            var merged = liveData
            for (key, value) in profile.pairs { merged[key] = value }
            for (key, value) in event.pairs { merged[key] = value }
            return .object(merged)
        }
    }
}
