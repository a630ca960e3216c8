import Foundation
import Logging
import NIOCore
import StudioModel
import Synchronization

/// Delivers one prepared request until it succeeds or the retry policy gives up: signs each
/// attempt, respects host holds after 429 and paused endpoints, records every attempt.
///
/// ```swift
/// let deliverer = Deliverer(client: client, recorder: recorder, clock: ScaledClock(scale: 1000))
/// let result = await deliverer.deliver(request, origin: origin, options: .init(signer: signer))
/// ```
///
/// Delays between attempts follow ``RetryPolicy`` (5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 10 h,
/// ±20 %), in workflow time: a ``ScaledClock`` shortens them for demos and tests.
public final class Deliverer: Sendable {
    /// How one delivery is made.
    public struct Options: Sendable {
        /// Retry schedule and rules. Default: the standard schedule.
        public var retry: RetryPolicy
        /// Signs every attempt when set (Standard Webhooks).
        public var signer: StandardWebhooksSigner?
        /// Per-attempt deadline; nil uses the client's (15 s).
        public var timeout: Double?
        /// The endpoint whose health this delivery counts towards (pause on 410).
        public var endpoint: String?
        /// Client-credentials grant whose token is sent as `Authorization: Bearer`.
        public var oauth2: OAuth2Credentials?
        /// The endpoint's own CAs (`tls: {ca: …}`), trusted instead of the system's. Default: nil, the system's.
        public var trustRoots: TrustRoots?
        /// What makes these attempts, copied onto their records. Default: the schedule.
        public var trigger: AttemptTrigger = .scheduled
        /// Whether the delivery has an outbox row that each attempt settles. Default: false.
        public var inOutbox = false
        /// Asked before each attempt: true when the delivery was cancelled elsewhere (another process).
        public var isCancelled: (@Sendable () -> Bool)?
        /// Whether the delivery stops at a scheduled retry, ending ``Status/awaitingRetry(_:)``,
        /// instead of waiting for it: its caller waits without holding a task, and calls again
        /// with ``resuming``. Default: false, the wait is made here.
        public var handsOffRetryWaits = false
        /// Where a delivery that stopped at a scheduled retry, or was resumed after a restart, goes
        /// on from: the attempts it made and what they used of the policy. Default: nil, a new delivery.
        public var resuming: RetryWait?
        /// Reads a 2xx answer before its attempt is recorded. A failed outcome it returns (an
        /// Update User Profile answer that cannot be merged) is the attempt's, kept beside its
        /// status and answer, and the delivery fails without a retry: the endpoint did answer, and
        /// sending again would not change what it answers. Default: nil, every 2xx succeeds.
        public var checkAnswer: (@Sendable (ReceivedAnswer) -> AttemptOutcome?)?

        public init(
            retry: RetryPolicy = RetryPolicy(), signer: StandardWebhooksSigner? = nil, timeout: Double? = nil,
            endpoint: String? = nil, oauth2: OAuth2Credentials? = nil, trustRoots: TrustRoots? = nil
        ) {
            self.retry = retry
            self.signer = signer
            self.timeout = timeout
            self.endpoint = endpoint
            self.oauth2 = oauth2
            self.trustRoots = trustRoots
        }
    }

    /// Rendered OAuth2 client-credentials settings of a webhook.
    public struct OAuth2Credentials: Sendable, Hashable {
        public var tokenURL: String
        public var clientID: String
        public var clientSecret: String
        public var scope: String?

        public init(tokenURL: String, clientID: String, clientSecret: String, scope: String?) {
            self.tokenURL = tokenURL
            self.clientID = clientID
            self.clientSecret = clientSecret
            self.scope = scope
        }
    }

    /// How a delivery ended.
    public enum Status: Sendable, Hashable {
        case succeeded
        case failed(String)
        /// The endpoint is paused; nothing was sent.
        case held(String)
        /// Retries were cancelled.
        case cancelled
        /// The deliverer stopped (``stop()``) before the delivery settled; it is left unsettled,
        /// its next attempt, if an attempt was cut short, due at once.
        case stopped
        /// Stopped at a scheduled retry (``Options/handsOffRetryWaits``), recorded as retrying:
        /// deliver again with ``Options/resuming`` once it is due.
        case awaitingRetry(RetryWait)
    }

    /// A delivery stopped at a scheduled retry: when it is due, and what of the retry policy it
    /// has used, which its stored attempts may not show yet (they are written in batches).
    public struct RetryWait: Sendable, Hashable {
        /// When the next attempt is due: a real instant.
        public var nextAttemptAt: Date
        /// Attempts made so far.
        public var attemptsMade: Int
        /// Of ``attemptsMade``, those that used no slot of the schedule (a quick retry, a token refresh).
        public var immediateAttempts: Int
        /// The quick retry after a connection failure is made once per delivery.
        public var quickRetried: Bool
        /// A rejected OAuth2 token is refreshed once per delivery.
        public var refreshedToken: Bool

        public init(nextAttemptAt: Date, attemptsMade: Int, immediateAttempts: Int, quickRetried: Bool, refreshedToken: Bool) {
            self.nextAttemptAt = nextAttemptAt
            self.attemptsMade = attemptsMade
            self.immediateAttempts = immediateAttempts
            self.quickRetried = quickRetried
            self.refreshedToken = refreshedToken
        }
    }

    public struct Result: Sendable {
        public var status: Status
        /// Every attempt made, in order (already recorded).
        public var attempts: [AttemptRecord]
        /// What the last attempt's endpoint answered, unmasked, when the delivery succeeded or
        /// ``Options/checkAnswer`` failed it.
        public var answer: ReceivedAnswer?
        public var last: AttemptRecord? { attempts.last }

        init(status: Status, attempts: [AttemptRecord], answer: ReceivedAnswer? = nil) {
            self.status = status
            self.attempts = attempts
            self.answer = answer
        }
    }

    private struct State {
        /// When each held host may be sent to again, on the monotonic clock: holds are set in
        /// workflow seconds and converted once, so a scaled clock shortens them like every other delay.
        var hostHolds: [String: ContinuousClock.Instant] = [:]
        var health: [String: EndpointHealth] = [:]
        var random = SplitMix64(seed: UInt64(truncatingIfNeeded: Date().timeIntervalSince1970.bitPattern))
        /// Set by ``stop()``: no attempt starts any more.
        var stopping = false
        /// Attempts from their first byte until their record is handed to the recorder.
        var attemptsInFlight = 0
    }

    private let client: DeliveryClient
    private let recorder: AttemptRecorder?
    private let clock: any EngineClock
    private let limiter: ConcurrencyLimiter
    private let pauses: (any EndpointPauseStore)?
    private let tokens = OAuth2TokenCache()
    private let logger: Logger
    private let state = Mutex(State())

    public init(
        client: DeliveryClient, recorder: AttemptRecorder?, clock: any EngineClock = ScaledClock(),
        limiter: ConcurrencyLimiter = ConcurrencyLimiter(total: 64, perHost: 64),
        logger: Logger = Logger(label: "hookline.deliverer"), pauses: (any EndpointPauseStore)? = nil
    ) {
        self.pauses = pauses
        do {
            let paused = try pauses?.pausedEndpoints() ?? [:]
            state.withLock { state in
                for (endpoint, reason) in paused { state.health[endpoint] = .paused(reason) }
            }
        } catch {
            logger.error("could not read paused endpoints: \(error)")
        }
        do {
            // A hold a 429 set before a restart: what is left of it, on this process's clock.
            let held = try pauses?.hostHolds(after: Date()) ?? [:]
            let now = clock.monotonicNow()
            state.withLock { state in
                for (host, until) in held { state.hostHolds[host] = now + .seconds(until.timeIntervalSinceNow) }
            }
        } catch {
            logger.error("could not read the hosts held after a 429: \(error)")
        }
        self.client = client
        self.recorder = recorder
        self.clock = clock
        self.limiter = limiter
        self.logger = logger
    }

    /// Starts no attempt from now on: a delivery waiting for its turn, its retry or a host
    /// ends ``Status/stopped``, unsent. An attempt in flight goes on; if it is cut short (the
    /// client shut down), it is recorded as stopped, due again at once, and does not count
    /// towards its endpoint's health, since the endpoint did not fail.
    public func stop() {
        state.withLock { $0.stopping = true }
    }

    private var isStopping: Bool { state.withLock { $0.stopping } }

    /// Returns once no attempt is in flight (each recorded), or after `timeout`.
    /// - Returns: Whether none is in flight.
    @discardableResult
    public func waitForAttemptsInFlight(upTo timeout: Duration) async -> Bool {
        let deadline = ContinuousClock.now + timeout
        while state.withLock({ $0.attemptsInFlight > 0 }) {
            guard ContinuousClock.now < deadline else { return false }
            try? await Task.sleep(for: .milliseconds(10))
        }
        return true
    }

    /// Counts an attempt in flight, unless the deliverer stopped; false then.
    private func beginAttempt() -> Bool {
        state.withLock { state in
            guard !state.stopping else { return false }
            state.attemptsInFlight += 1
            return true
        }
    }

    /// Whether deliveries to `endpoint` are held after a 410 or long failure.
    public func isPaused(endpoint: String) -> Bool {
        state.withLock { $0.health[endpoint]?.isPaused ?? false }
    }

    /// Lifts the pause of `endpoint`, here and in the store.
    public func resume(endpoint: String) {
        state.withLock { _ = $0.health[endpoint]?.resume() }
        storePause(of: endpoint, reason: nil)
    }

    /// Why `endpoint` is paused, or nil when it is not. A pause is confirmed with the store each
    /// time, so one lifted by another process (`hookline resume --endpoint`) ends here too.
    private func pauseReason(of endpoint: String) -> String? {
        guard let reason = state.withLock({ $0.health[endpoint]?.isPaused == true ? $0.health[endpoint]?.pauseReason : nil })
        else { return nil }
        guard let pauses, let stored = try? pauses.pausedEndpoints(), stored[endpoint] == nil else { return reason }
        state.withLock { _ = $0.health[endpoint]?.resume() }
        logger.notice("endpoint \(endpoint) was resumed elsewhere; sending to it again")
        return nil
    }

    /// A pause outlives the process: held messages stay held until someone resumes the endpoint.
    /// Keeps a 429's hold on `host` in the store, so that a restart (a crash, a deploy) does not
    /// send to the host before the hold ends.
    private func storeHold(of host: String, forWorkflowSeconds seconds: TimeInterval) {
        let until = Date().addingTimeInterval(clock.realInterval(forWorkflowSeconds: seconds))
        do { try pauses?.setHostHold(host, until: until) } catch {
            logger.error("could not store the hold on \(host): \(error)")
        }
    }

    private func storePause(of endpoint: String, reason: String?) {
        do { try pauses?.setEndpointPause(endpoint, reason: reason) } catch {
            logger.error("could not store the pause of \(endpoint): \(error)")
        }
    }

    /// Makes attempts until success or a final failure; returns every attempt.
    ///
    /// - Parameters:
    ///   - origin: Who the request is for; its `attempt` is the number of the first attempt made
    ///     here (more than 1 when a delivery resumes after a restart).
    ///   - notBefore: When the first attempt may start (a retry persisted before a restart): a
    ///     real instant, as the schedule stored it, so what is left of the wait is waited in real
    ///     time whatever the clock's scale. Default: now.
    public func deliver(
        _ request: PreparedRequest, origin: DeliveryClient.Origin, options: Options = Options(), notBefore: Date? = nil
    ) async -> Result {
        let host = Self.host(of: request.url)
        let endpoint = options.endpoint ?? host
        var attempts: [AttemptRecord] = []
        var attempt = options.resuming.map { $0.attemptsMade + 1 } ?? max(1, origin.attempt)
        // The position in the retry schedule; a token refresh and the quick retry do not use one.
        var slot = attempt - (options.resuming?.immediateAttempts ?? 0)
        var refreshedToken = options.resuming?.refreshedToken ?? false
        var quickRetried = options.resuming?.quickRetried ?? false
        // The next attempt is made at once (a quick retry, a token refresh): recorded as such.
        var immediate = false
        func settle(_ status: OutboxDelivery.Status, _ next: Date?) -> DeliverySettlement? {
            guard options.inOutbox else { return nil }
            let lease = next.map { $0.addingTimeInterval((options.timeout ?? 15) + 30) }
            return DeliverySettlement(
                deliveryID: request.deliveryID, status: status, attempts: attempt, nextAttemptAt: next, leaseUntil: lease)
        }
        func cancelled(attemptsMade: Int) -> Result {
            if var settlement = settle(.cancelled, nil) {
                settlement.attempts = attemptsMade
                recorder?.settle(settlement)
            }
            return Result(status: .cancelled, attempts: attempts)
        }
        if let notBefore, notBefore > clock.now() {
            try? await clock.sleep(seconds: notBefore.timeIntervalSince(clock.now()))
        }
        // Each attempt counts as in flight until its record is handed over, so that a stop
        // waiting for attempts in flight finds it recorded.
        func recordAttempt(_ record: AttemptRecord, settling settlement: DeliverySettlement?) {
            recorder?.record(record, settling: settlement)
            state.withLock { $0.attemptsInFlight -= 1 }
        }
        /// The trigger of the attempt about to be recorded: an immediate one is marked so.
        func nextTrigger() -> AttemptTrigger {
            defer { immediate = false }
            return immediate && options.trigger == .scheduled ? .immediate : options.trigger
        }
        /// Records `record` as retrying after `delay` workflow seconds and waits for that
        /// attempt; the result to return instead when the delivery ends meanwhile. `record` is
        /// an attempt in flight (``recordAttempt(_:settling:)``) unless nothing was sent.
        func retry(_ record: AttemptRecord, after delay: TimeInterval, note: String?, wasSent: Bool) async -> Result? {
            if let note { logger.info("\(request.deliveryID) attempt \(attempt + 1): \(note)") }
            let wait = clock.realInterval(forWorkflowSeconds: delay)
            let next = clock.now().addingTimeInterval(wait)
            let settlement = settle(.retrying, next)
            if wasSent { recordAttempt(record, settling: settlement) } else { recorder?.record(record, settling: settlement) }
            // A stopping process leaves the stored retry to the next start.
            if isStopping { return Result(status: .stopped, attempts: attempts) }
            if options.handsOffRetryWaits {
                let handedOff = RetryWait(
                    nextAttemptAt: next, attemptsMade: attempt,
                    immediateAttempts: attempt - slot, quickRetried: quickRetried, refreshedToken: refreshedToken)
                return Result(status: .awaitingRetry(handedOff), attempts: attempts)
            }
            try? await clock.sleep(seconds: wait)
            if isStopping { return Result(status: .stopped, attempts: attempts) }
            if Task.isCancelled || options.isCancelled?() == true { return cancelled(attemptsMade: attempt) }
            attempt += 1
            slot += 1
            return nil
        }
        /// What `record` means for this delivery. Judged while the attempt still holds its
        /// permit, so that a 410's pause (stored too: ``pauseReason(of:)`` confirms a pause with
        /// the store) and a 429's host hold are in place before a delivery waiting for the host
        /// takes the permit and looks for them (delivery.md §9 #6, #11).
        func judge(_ record: AttemptRecord, _ answer: ReceivedAnswer?) -> Verdict {
            if record.status == nil, isStopping { return .cutShort }
            if options.oauth2 != nil, record.status == 401, !refreshedToken { return .refreshToken }
            let outcome = DeliveryOutcomeClass.classify(record)
            if outcome == .cancelled { return .cancelled }
            if !quickRetried, !options.retry.schedule.delays.isEmpty, Self.quickRetryOutcomes.contains(outcome),
                record.latencyMilliseconds < 1000
            {
                return .quickRetry
            }
            let retryAfter = answer?.header("retry-after").flatMap { RetryAfter.parse($0, now: clock.now()) }
            let (decision, hold, health) = state.withLock { state -> (RetryDecision, TimeInterval?, EndpointHealth.Action) in
                let health = state.health[endpoint, default: EndpointHealth()].record(outcome, at: clock.workflowNow())
                let decision = options.retry.decide(
                    afterAttempt: slot, outcome: outcome, retryAfter: retryAfter, using: &state.random)
                let hold = options.retry.hostHold(afterAttempt: slot, outcome: outcome, retryAfter: retryAfter)
                if let hold {
                    let until = clock.monotonicNow() + .seconds(clock.realInterval(forWorkflowSeconds: hold))
                    state.hostHolds[host] = max(state.hostHolds[host] ?? until, until)
                }
                return (decision, hold, health)
            }
            report(health, endpoint: endpoint)
            if let hold {
                // Under --time-scale the wait is shorter than the schedule's: say both.
                let real = clock.realInterval(forWorkflowSeconds: hold)
                let scaled = real == hold ? "" : " of workflow time (\(String(format: "%.3g", real)) s real)"
                logger.info("host \(host) held for \(RetryPolicy.format(hold))\(scaled) after 429")
                storeHold(of: host, forWorkflowSeconds: hold)
            }
            return .decided(decision)
        }
        while true {
            if isStopping { return Result(status: .stopped, attempts: attempts) }
            if let reason = pauseReason(of: endpoint) {
                if var settlement = settle(.held, nil) {
                    settlement.attempts = attempt - 1
                    recorder?.settle(settlement)
                }
                return Result(status: .held("endpoint \(endpoint) is paused: \(reason)"), attempts: attempts)
            }
            await waitForHostHold(host)
            if Task.isCancelled { return cancelled(attemptsMade: attempt - 1) }

            // The token sent, which a 401 invalidates.
            var token: String?
            if let oauth2 = options.oauth2 {
                do {
                    let fetched = try await tokens.token(
                        tokenURL: oauth2.tokenURL, clientID: oauth2.clientID, clientSecret: oauth2.clientSecret,
                        scope: oauth2.scope, client: client, now: clock.now())
                    token = fetched
                } catch {
                    // Cut short by this process stopping (its client shut down): the token
                    // endpoint did not fail, and the next start makes the attempt.
                    if isStopping { return Result(status: .stopped, attempts: attempts) }
                    var thisOrigin = origin
                    thisOrigin.attempt = attempt
                    let shown = request.masked
                    var failed = thisOrigin.record(
                        deliveryID: request.deliveryID, at: clock.now(), method: request.method.rawValue,
                        url: shown.url, headers: shown.headers, body: shown.body,
                        outcome: .failed(errorClass: error.errorClass ?? "oauth2_error", message: error.description))
                    failed.trigger = nextTrigger()
                    attempts.append(failed)
                    // The webhook's deliveries fail with its token endpoint: its answers count
                    // towards the endpoint's health, and a 410 pauses it as the endpoint's own would.
                    if let outcome = error.outcome {
                        report(
                            state.withLock {
                                $0.health[endpoint, default: EndpointHealth()].record(outcome, at: clock.workflowNow())
                            }, endpoint: endpoint)
                    }
                    // A token endpoint that is unreachable, or answers 429 or a 5xx, may answer
                    // later: the delivery is retried on its schedule, as for the endpoint itself
                    // (delivery.md §8.4). Its other answers (400 or 401 `invalid_client`) need
                    // the configuration fixed.
                    let decision = error.outcome.flatMap { outcome -> RetryDecision? in
                        guard error.isRetryable else { return nil }
                        return state.withLock {
                            options.retry.decide(
                                afterAttempt: slot, outcome: outcome, retryAfter: error.retryAfter, using: &$0.random)
                        }
                    }
                    guard case .retry(let delay, let note)? = decision else {
                        recorder?.record(failed, settling: settle(.failed, nil))
                        return Result(status: .failed(error.description), attempts: attempts)
                    }
                    if let ended = await retry(failed, after: delay, note: note, wasSent: false) { return ended }
                    continue
                }
            }
            var thisOrigin = origin
            thisOrigin.attempt = attempt
            let timeout = options.timeout.map { TimeAmount.nanoseconds(Int64($0 * 1e9)) }
            let turn = await limiter.withPermit(host: host) { () -> Turn in
                // An attempt that held the permit while this delivery waited for it may have
                // paused the endpoint (410) or held the host (429): nothing is sent then, and
                // the permit goes back (delivery.md §8.5, §9 #6, #11).
                if isHeldBack(endpoint: endpoint, host: host) { return .heldBack }
                // Cancelled while it waited for the permit: nothing is sent.
                if options.isCancelled?() == true { return .cancelled }
                guard beginAttempt() else { return .stopped }
                // Signed now, not before the wait for the permit, which can be long: a receiver
                // refuses a `webhook-timestamp` older than its tolerance (5 min in Standard
                // Webhooks' libraries) as a replay.
                var sent = options.signing(request, at: clock.now())
                if let token, let oauth2 = options.oauth2 {
                    sent = sent.authorized(byBearer: token, clientSecret: oauth2.clientSecret)
                }
                let (record, answer) = await client.sendReceiving(
                    sent, origin: thisOrigin, timeout: timeout, trustRoots: options.trustRoots)
                return .made(record, answer, judge(record, answer))
            }
            var record: AttemptRecord
            let answer: ReceivedAnswer?
            let verdict: Verdict
            switch turn {
            case .heldBack:
                // Not an attempt: the top of the loop holds the delivery or waits for the host.
                continue
            case .cancelled:
                return cancelled(attemptsMade: attempt - 1)
            case .stopped:
                return Result(status: .stopped, attempts: attempts)
            case .made(let made, let received, let judged):
                record = made
                answer = received
                verdict = judged
            }
            record.trigger = nextTrigger()

            switch verdict {
            case .cutShort:
                // Cut short by this process stopping (the client shut down): the endpoint did not
                // fail, and the attempt is made again by the next start.
                let cut = record.outcome.errorClass ?? ""
                record.outcome = .failed(
                    errorClass: DeliveryOutcomeClass.cancelled.label,
                    message: "hookline stopped before the answer came (\(cut)); the next start sends it again")
                recordAttempt(record, settling: settle(.retrying, clock.now()))
                attempts.append(record)
                return Result(status: .stopped, attempts: attempts)

            case .refreshToken:
                // A rejected token is refreshed once, at once, without using a scheduled retry.
                recordAttempt(record, settling: settle(.retrying, clock.now()))
                attempts.append(record)
                refreshedToken = true
                immediate = true
                if let oauth2 = options.oauth2, let token {
                    tokens.invalidate(tokenURL: oauth2.tokenURL, clientID: oauth2.clientID, scope: oauth2.scope, rejected: token)
                }
                attempt += 1

            case .cancelled:
                recordAttempt(record, settling: settle(.cancelled, nil))
                attempts.append(record)
                return Result(status: .cancelled, attempts: attempts)

            case .quickRetry:
                // A connection that failed within a second is tried once more at once (delivery.md §8.3),
                // unless the policy makes one attempt (a test send, a replay, `retries: none`).
                recordAttempt(record, settling: settle(.retrying, clock.now()))
                attempts.append(record)
                quickRetried = true
                immediate = true
                attempt += 1

            case .decided(let decision):
                if case .succeeded = decision, let answer,
                    case .failed(let errorClass, let message)? = options.checkAnswer?(answer)
                {
                    // The reason may quote the answer, which is masked wherever it is kept.
                    let reason = request.masker.mask(message)
                    record.outcome = .failed(errorClass: errorClass, message: reason)
                    attempts.append(record)
                    recordAttempt(record, settling: settle(.failed, nil))
                    return Result(status: .failed(reason), attempts: attempts, answer: answer)
                }
                attempts.append(record)

                switch decision {
                case .succeeded:
                    recordAttempt(record, settling: settle(.succeeded, nil))
                    return Result(status: .succeeded, attempts: attempts, answer: answer)
                case .giveUp(var reason):
                    // The schedule counts its own slots; the message counts every attempt made.
                    if case .exhausted = reason {
                        reason = .exhausted(attempts: attempt)
                        report(
                            state.withLock { $0.health[endpoint]?.recordExhausted(at: clock.workflowNow()) ?? .none },
                            endpoint: endpoint)
                    }
                    recordAttempt(record, settling: settle(.failed, nil))
                    return Result(status: .failed(reason.description), attempts: attempts)
                case .pauseEndpoint(let reason):
                    recordAttempt(record, settling: settle(.failed, nil))
                    return Result(status: .failed(reason), attempts: attempts)
                case .retry(let delay, let note):
                    if let ended = await retry(record, after: delay, note: note, wasSent: true) { return ended }
                }
            }
        }
    }

    /// What became of a delivery's turn at its host's permit.
    private enum Turn: Sendable {
        /// The endpoint was paused or the host held meanwhile: nothing was sent.
        case heldBack
        /// The delivery was cancelled meanwhile: nothing was sent.
        case cancelled
        /// The deliverer stopped: nothing was sent.
        case stopped
        /// An attempt was made, and its record judged.
        case made(AttemptRecord, ReceivedAnswer?, Verdict)
    }

    /// What an attempt's record means for its delivery.
    private enum Verdict: Sendable {
        /// This process stopped during the attempt.
        case cutShort
        /// The endpoint rejected the OAuth2 token: fetch another and try again at once.
        case refreshToken
        /// The attempt was cancelled.
        case cancelled
        /// A connection that failed at once: try again at once.
        case quickRetry
        /// The retry policy's decision; the endpoint's health and the host's hold are updated.
        case decided(RetryDecision)
    }

    /// Whether a delivery that got its permit must not send now: the endpoint was paused, or
    /// the host held, while it waited for the permit.
    private func isHeldBack(endpoint: String, host: String) -> Bool {
        let now = clock.monotonicNow()
        // One look at the state on every attempt's way out; the store only when a pause is set.
        let (paused, held) = state.withLock { state in
            (state.health[endpoint]?.isPaused == true, state.hostHolds[host].map { now < $0 } ?? false)
        }
        return held || (paused && pauseReason(of: endpoint) != nil)
    }

    /// Connection-level failures that get one immediate retry when they happen within a second.
    static let quickRetryOutcomes: Set<DeliveryOutcomeClass> = [.connectionRefused, .connectionReset, .networkUnreachable]

    /// Tells the owner what happened to an endpoint's health, in the log (delivery.md §8.10).
    private func report(_ action: EndpointHealth.Action, endpoint: String) {
        switch action {
        case .none: break
        case .warn(let failures): logger.warning("endpoint \(endpoint) is failing: \(failures) failed attempts in a row")
        case .pause(let reason):
            logger.warning("endpoint \(endpoint) paused (\(reason)); its deliveries are held")
            storePause(of: endpoint, reason: reason)
        case .recovered: logger.notice("endpoint \(endpoint) recovered")
        }
    }

    private func waitForHostHold(_ host: String) async {
        while let until = state.withLock({ $0.hostHolds[host] }) {
            let left = clock.monotonicNow().duration(to: until)
            guard left > .zero, !Task.isCancelled else {
                state.withLock { if $0.hostHolds[host] == until { $0.hostHolds[host] = nil } }
                return
            }
            try? await clock.sleep(seconds: DeliveryClient.milliseconds(left) / 1000)
        }
    }

    /// `host:port` of a URL, the key for per-host limits and holds.
    static func host(of url: String) -> String {
        if let host = simpleHost(of: url) { return host }
        guard let components = URLComponents(string: url), let host = components.host else { return url }
        return components.port.map { "\(host):\($0)" } ?? host
    }

    /// `host:port` of a plain `http(s)://host[:port]/…` URL without parsing it through
    /// Foundation; nil for anything else (user info, IPv6 literals, escapes, unusual characters),
    /// which ``host(of:)`` hands to `URLComponents`.
    private static func simpleHost(of url: String) -> String? {
        var url = url
        return url.withUTF8(simpleHost(ofUTF8:))
    }

    /// ``simpleHost(of:)`` on the URL's UTF-8 bytes: indexing a buffer instead of a string view
    /// keeps this per-delivery scan free of generic slice machinery.
    private static func simpleHost(ofUTF8 url: UnsafeBufferPointer<UInt8>) -> String? {
        let start: Int
        if url.starts(with: "http://".utf8) {
            start = 7
        } else if url.starts(with: "https://".utf8) {
            start = 8
        } else {
            return nil
        }
        var colon: Int?
        var end = url.count
        authority: for index in start..<url.count {
            switch url[index] {
            case UInt8(ascii: "/"), UInt8(ascii: "?"), UInt8(ascii: "#"):
                end = index
                break authority
            case UInt8(ascii: ":"):
                guard colon == nil else { return nil }
                colon = index
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "."),
                UInt8(ascii: "-"):
                continue
            default:
                return nil
            }
        }
        // The rest of the URL may hold anything; only a plain path, query and fragment is simple.
        for byte in url[end...] {
            switch byte {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
                UInt8(ascii: "0")...UInt8(ascii: "9"):
                continue
            default:
                guard "-._~!$&'()*+,;=:@/?".utf8.contains(byte) else { return nil }
            }
        }
        func text(_ range: Range<Int>) -> String {
            String(decoding: UnsafeBufferPointer(rebasing: url[range]), as: UTF8.self)
        }
        guard let colon else {
            guard end > start else { return nil }
            return text(start..<end)
        }
        let digits = url[(colon + 1)..<end]
        guard colon > start, !digits.isEmpty, digits.count <= 5 else { return nil }
        var port = 0
        for byte in digits {
            guard (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) else { return nil }
            port = port * 10 + Int(byte - UInt8(ascii: "0"))
        }
        guard port <= 65535 else { return nil }
        return "\(text(start..<colon)):\(port)"
    }
}

extension Deliverer.Options {
    /// `request` as an attempt at `date` sends it: with fresh Standard Webhooks signature headers
    /// when these options sign, else as it is.
    public func signing(_ request: PreparedRequest, at date: Date) -> PreparedRequest {
        guard let signer else { return request }
        return request.signed(by: signer, at: Int(date.timeIntervalSince1970))
    }

    /// `request` as a preview shows it: signed at `date` and, for OAuth2, with the
    /// `Authorization` header an attempt adds, its token a placeholder (a preview fetches nothing).
    public func previewing(_ request: PreparedRequest, at date: Date) -> PreparedRequest {
        let signed = signing(request, at: date)
        guard let oauth2 else { return signed }
        return signed.authorized(byBearer: "<token from \(oauth2.tokenURL)>", clientSecret: oauth2.clientSecret)
    }
}
