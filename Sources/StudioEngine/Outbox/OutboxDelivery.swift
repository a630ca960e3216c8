import Foundation
import StudioModel

/// A delivery in the outbox (delivery.md §8.1): written before its first attempt, leased by the
/// process that sends it, and settled by the outcome of its attempts.
///
/// The row holds what the request is rendered from, never the rendered request: secrets are
/// added at send time, so the store holds no secret value, and a resend renders the same bytes
/// with the same `webhook-id`.
public struct OutboxDelivery: Sendable, Hashable {
    /// `pending → sending → succeeded | retrying | failed | held | cancelled`.
    public enum Status: String, Sendable, CaseIterable {
        case pending, sending, retrying, succeeded, failed, held, cancelled

        /// Whether the delivery is over; unsettled deliveries are resent after a restart.
        public var isSettled: Bool {
            switch self {
            case .pending, .sending, .retrying: false
            case .succeeded, .failed, .held, .cancelled: true
            }
        }

        static let unsettled = allCases.filter { !$0.isSettled }
    }

    /// What the delivery calls: a workflow node's webhook or a system webhook.
    public enum Kind: String, Sendable {
        case step, system
    }

    /// The `webhook-id`: `msg_` + ULID.
    public var id: String
    public var kind: Kind
    public var journeyID: String?
    public var workflowID: String?
    public var nodeID: String?
    /// The webhook (or system webhook) id in the workspace.
    public var webhookID: String
    public var email: String?
    public var snapshot: DeliverySnapshot
    public var status: Status
    /// Attempts made so far.
    public var attempts: Int
    /// When the next attempt may start, in UTC wall-clock time.
    public var nextAttemptAt: Date
    /// The process holding the lease (``LeaseOwner``), nil when free.
    public var leaseOwner: String?
    public var leaseUntil: Date?
    public var createdAt: Date

    public init(
        id: String, kind: Kind, journeyID: String? = nil, workflowID: String? = nil, nodeID: String? = nil,
        webhookID: String, email: String? = nil, snapshot: DeliverySnapshot, status: Status = .pending,
        attempts: Int = 0, nextAttemptAt: Date, leaseOwner: String? = nil, leaseUntil: Date? = nil,
        createdAt: Date = Date()
    ) {
        self.id = id
        self.kind = kind
        self.journeyID = journeyID
        self.workflowID = workflowID
        self.nodeID = nodeID
        self.webhookID = webhookID
        self.email = email
        self.snapshot = snapshot
        self.status = status
        self.attempts = attempts
        self.nextAttemptAt = nextAttemptAt
        self.leaseOwner = leaseOwner
        self.leaseUntil = leaseUntil
        self.createdAt = createdAt
    }
}

/// The data a delivery's templates were rendered against: trigger event data, profile, live data
/// and the instant `now` — enough to render the same request again.
public struct DeliverySnapshot: Sendable, Hashable {
    public var event: JSONObject
    public var profile: JSONObject
    public var liveData: JSONObject
    public var now: Date

    public init(
        event: JSONObject = JSONObject(), profile: JSONObject = JSONObject(), liveData: JSONObject = JSONObject(),
        now: Date
    ) {
        self.event = event
        self.profile = profile
        self.liveData = liveData
        self.now = now
    }

    /// The template context for this snapshot; secrets are added by the request builder.
    public var templateContext: TemplateContext {
        TemplateContext(event: event, profile: profile, liveData: liveData, now: now)
    }

    /// `{"event":…,"profile":…,"liveData":…,"now":…}`, written straight into one buffer: the same
    /// text as encoding an object of these four keys, without building it.
    var jsonText: String {
        var out: [UInt8] = []
        out.reserveCapacity(512)
        out += #"{"event":"#.utf8
        event.appendJSON(to: &out)
        out += #","profile":"#.utf8
        profile.appendJSON(to: &out)
        out += #","liveData":"#.utf8
        liveData.appendJSON(to: &out)
        out += #","now":"#.utf8
        JSONValue.double(now.timeIntervalSince1970).appendJSON(to: &out)
        out.append(UInt8(ascii: "}"))
        return String(decoding: out, as: UTF8.self)
    }

    init?(jsonText: String) {
        guard let object = try? JSONValue.parse(jsonText).objectValue else { return nil }
        event = object["event"]?.objectValue ?? JSONObject()
        profile = object["profile"]?.objectValue ?? JSONObject()
        liveData = object["liveData"]?.objectValue ?? JSONObject()
        now = Date(timeIntervalSince1970: object["now"]?.doubleValue ?? 0)
    }
}

/// A change of a delivery's status after an attempt, a hold or a cancel.
public struct DeliverySettlement: Sendable, Hashable {
    public var deliveryID: String
    public var status: OutboxDelivery.Status
    /// Attempts made so far.
    public var attempts: Int
    /// For `retrying`: when the next attempt is due.
    public var nextAttemptAt: Date?
    /// For `retrying`: how long the lease is kept (past the next attempt's deadline).
    public var leaseUntil: Date?

    public init(
        deliveryID: String, status: OutboxDelivery.Status, attempts: Int, nextAttemptAt: Date? = nil,
        leaseUntil: Date? = nil
    ) {
        self.deliveryID = deliveryID
        self.status = status
        self.attempts = attempts
        self.nextAttemptAt = nextAttemptAt
        self.leaseUntil = leaseUntil
    }
}

/// Which deliveries a bulk replay or a cancel applies to.
public struct DeliveryFilter: Sendable, Hashable {
    public var webhookID: String?
    public var statuses: Set<OutboxDelivery.Status>
    /// Created at or after.
    public var since: Date?
    /// Created before.
    public var until: Date?

    public init(
        webhookID: String? = nil, statuses: Set<OutboxDelivery.Status> = [], since: Date? = nil, until: Date? = nil
    ) {
        self.webhookID = webhookID
        self.statuses = statuses
        self.since = since
        self.until = until
    }
}
