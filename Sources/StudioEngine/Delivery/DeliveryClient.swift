import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import StudioModel
import Synchronization

/// Sends prepared requests over HTTP and turns each exchange into an ``AttemptRecord``.
///
/// One client serves the whole process. Plain `http://` goes through ``PlainHTTPConnectionPool``
/// (SwiftNIO's HTTP/1.1 codec, about twice AsyncHTTPClient's rate here); HTTPS, and endpoints
/// with their own CA, through AsyncHTTPClient (``PinnedHTTPClients``), whose pool is sized for
/// bounded concurrency (its default of 8 connections per host caps throughput at a third).
/// Both connect only to the address the network policy checked.
///
/// ```swift
/// try await DeliveryClient.withClient { client in
///     let record = await client.send(request, origin: .init(webhookID: "lob-letter"))
/// }
/// ```
public final class DeliveryClient: Sendable {
    public struct Configuration: Sendable {
        /// Connect timeout. Default: 5 s.
        public var connectTimeout: TimeAmount = .seconds(5)
        /// Deadline for one whole attempt, response body included. Default: 15 s.
        public var timeout: TimeAmount = .seconds(15)
        /// Connections per host: AsyncHTTPClient's pool size for HTTPS, the idle keep-alive
        /// connections kept for plain HTTP. How many requests run at once is the caller's limit
        /// (the ``Deliverer``'s). Default: 64.
        public var connectionsPerHost: Int = 64
        /// Response bytes kept; a longer answer is cut there and its connection closed. Default: 64 KiB.
        public var maxResponseBytes: Int = 64 * 1024
        /// How long an idle keep-alive connection to a plain-HTTP endpoint is kept. Default: 60 s.
        public var idleTimeout: TimeAmount = .seconds(60)
        /// Idle keep-alive connections to plain-HTTP endpoints kept in all. Default: 256.
        public var maximumIdleConnections = 256

        public init() {}
    }

    /// Who a request was for, copied onto its record.
    public struct Origin: Sendable {
        public var workflowID: String?
        public var nodeID: String?
        public var webhookID: String?
        public var userEmail: String?
        public var attempt: Int

        public init(
            workflowID: String? = nil, nodeID: String? = nil, webhookID: String? = nil, userEmail: String? = nil,
            attempt: Int = 1
        ) {
            self.workflowID = workflowID
            self.nodeID = nodeID
            self.webhookID = webhookID
            self.userEmail = userEmail
            self.attempt = attempt
        }

        /// An attempt record for this origin; the response fields are filled in by whoever has them.
        public func record(
            deliveryID: String, at date: Date, method: String, url: String, headers: [HeaderField] = [],
            body: String = "", outcome: AttemptOutcome
        ) -> AttemptRecord {
            AttemptRecord(
                startedAt: date, deliveryID: deliveryID, attempt: attempt, workflowID: workflowID, nodeID: nodeID,
                webhookID: webhookID, userEmail: userEmail, method: method, url: url, requestHeaders: headers,
                requestBody: body, outcome: outcome)
        }
    }

    public let configuration: Configuration
    /// Which addresses requests may reach; checked before every attempt.
    public let networkPolicy: NetworkPolicy
    private let clients: PinnedHTTPClients
    private let plainConnections: PlainHTTPConnectionPool
    /// Checked targets of URLs whose host is an IP literal: no lookup is involved, so the policy's
    /// answer for such a URL never changes and is computed once. Bounded; emptied when full.
    private let literalTargets = Mutex<[String: PinnedTarget]>([:])
    private static let literalTargetLimit = 1024

    /// - Parameter networkPolicy: Default: strict, no private, loopback or metadata addresses.
    public init(configuration: Configuration = Configuration(), networkPolicy: NetworkPolicy = NetworkPolicy()) {
        self.configuration = configuration
        self.networkPolicy = networkPolicy
        var pinned = PinnedHTTPClients.Configuration()
        pinned.connectTimeout = configuration.connectTimeout
        pinned.connectionsPerHost = configuration.connectionsPerHost
        clients = PinnedHTTPClients(configuration: pinned)
        plainConnections = PlainHTTPConnectionPool(
            configuration: .init(
                connectTimeout: configuration.connectTimeout, idleConnectionsPerHost: configuration.connectionsPerHost,
                maximumIdleConnections: configuration.maximumIdleConnections, idleTimeout: configuration.idleTimeout))
    }

    /// Runs `body` with a client that is shut down afterwards, whatever happens.
    public static func withClient<T: Sendable>(
        configuration: Configuration = Configuration(), networkPolicy: NetworkPolicy = NetworkPolicy(),
        _ body: (DeliveryClient) async throws -> T
    ) async throws -> T {
        let client = DeliveryClient(configuration: configuration, networkPolicy: networkPolicy)
        do {
            let result = try await body(client)
            try await client.shutdown()
            return result
        } catch {
            try? await client.shutdown()
            throw error
        }
    }

    public func shutdown() async throws {
        try await plainConnections.shutdown()
        try await clients.shutdown()
    }

    /// Makes one attempt. Never throws: failures are records with an error class.
    /// - Parameter trustRoots: The endpoint's own CAs, trusted instead of the system's for this
    ///   request; certificates are still fully verified. Default: nil, the system's.
    public func send(
        _ request: PreparedRequest, origin: Origin, timeout: TimeAmount? = nil, trustRoots: TrustRoots? = nil
    ) async -> AttemptRecord {
        let masker = request.masker
        let shown = request.masked(with: masker)
        var record = origin.record(
            deliveryID: request.deliveryID, at: Date(), method: request.method.rawValue, url: shown.url,
            headers: shown.headers, body: shown.body, outcome: .success)

        // The address is checked after resolution and the connection pinned to it (delivery.md §8.8).
        let target: PinnedTarget
        do {
            target = try await checkedTarget(request.url)
        } catch {
            let unresolved = error.reason == .resolutionFailed || error.reason == .noAddresses
            let label = unresolved ? DeliveryOutcomeClass.dnsError.label : PolicyViolation.label
            record.outcome = .failed(errorClass: label, message: masker.mask(error.message))
            return record
        }

        let started = ContinuousClock.now
        let deadline = timeout ?? configuration.timeout
        let (result, failure) = await exchange(
            request, to: target, trustRoots: trustRoots, deadline: deadline,
            until: started + .nanoseconds(deadline.nanoseconds))
        record.latencyMilliseconds = Self.milliseconds(ContinuousClock.now - started)
        if let status = result.status {
            // Once the status line and headers are in, the attempt is decided by the status
            // (delivery.md §8.2); a body cut short by the deadline is only marked truncated.
            record.status = status
            record.responseVersion = result.version
            record.responseHeaders = masker.mask(result.headers)
            record.responseTruncated = result.truncated || failure != nil
            // Masked as bytes, so a secret inside a body that is not text is hidden too.
            let received = Array(result.body.readableBytesView)
            let kept = record.responseTruncated ? masker.mask(cutBytes: received) : masker.mask(bytes: received)
            let body = StoredBody(kept, truncated: record.responseTruncated)
            record.responseBody = body.text
            record.responseBodyIsBase64 = body.isBase64
            record.outcome = (200..<300).contains(status) ? .success : .httpError
        } else if let failure {
            let message = await message(for: failure, target: target, trustRoots: trustRoots)
            record.outcome = .failed(errorClass: Self.errorClass(of: failure), message: masker.mask(message))
        }
        return record
    }

    /// What a transport failure's record says: for TLS, which check failed (a rejected chain is
    /// looked at once more by ``CertificateProbe``, outside the attempt's latency); for an answer
    /// that is not HTTP/1.1, what is wrong with it; else the error.
    private func message(for failure: any Error, target: PinnedTarget, trustRoots: TrustRoots?) async -> String {
        if let error = failure as? IOError, let text = Self.socketMessage(errno: error.errnoCode, target: target) {
            return text
        }
        if let error = failure as? HTTPParserError { return "the answer is not valid HTTP/1.1: \(error.explanation)" }
        // AsyncHTTPClient's words for what the plain-HTTP path says as ConnectionClosedError.
        if Self.closedBeforeAnswering(failure) { return ConnectionClosedError().description }
        guard var tls = TLSFailure(failure) else { return "\(failure)" }
        tls.host = target.host
        tls.customCA = trustRoots != nil
        if case .certificateRejected = tls.kind {
            tls.reason = await CertificateProbe.reason(for: target, timeout: configuration.connectTimeout)
        }
        return tls.description
    }

    /// What a socket error means for the endpoint, in words (NIO's own text reads "connection
    /// reset (error set): Connection refused" for a refusal); nil for other errors.
    static func socketMessage(errno: Int32, target: PinnedTarget) -> String? {
        let endpoint = "\(target.host):\(target.port)"
        let address = target.host == target.address.description ? "" : " (\(target.address))"
        switch errno {
        case ECONNREFUSED: return "\(endpoint)\(address) refused the connection: nothing listens on that port"
        case ECONNRESET, EPIPE, ECONNABORTED: return "\(endpoint)\(address) reset the connection"
        case ETIMEDOUT: return "the connection to \(endpoint)\(address) timed out"
        case ENETUNREACH, EHOSTUNREACH: return "no route to \(endpoint)\(address): network unreachable"
        default: return nil
        }
    }

    /// `networkPolicy.resolveAndCheck(url:)`, answered from ``literalTargets`` for IP literals.
    private func checkedTarget(_ url: String) async throws(PolicyViolation) -> PinnedTarget {
        if let known = literalTargets.withLock({ $0[url] }) { return known }
        let target = try await networkPolicy.resolveAndCheck(url: url)
        if IPAddress(target.host) != nil {
            literalTargets.withLock { targets in
                if targets.count >= Self.literalTargetLimit { targets.removeAll(keepingCapacity: true) }
                targets[url] = target
            }
        }
        return target
    }

    /// Sends the request to the checked address and reads at most `maxResponseBytes` of the
    /// answer; the rest of a larger body is not read (the connection is closed instead). Plain
    /// HTTP goes through ``PlainHTTPConnectionPool``, HTTPS through AsyncHTTPClient.
    /// - Returns: What arrived, and the failure that ended the exchange early, if any.
    private func exchange(
        _ request: PreparedRequest, to target: PinnedTarget, trustRoots: TrustRoots?, deadline: TimeAmount,
        until end: ContinuousClock.Instant
    ) async -> (ExchangeResponse, (any Error)?) {
        if trustRoots == nil, target.isPlainHTTP {
            do {
                let outcome = try await plainConnections.execute(
                    PlainHTTPRequest(request, to: target), to: target, limit: configuration.maxResponseBytes,
                    deadline: .now() + deadline)
                return (outcome.response, outcome.failure)
            } catch {
                return (ExchangeResponse(), error)
            }
        }
        var httpRequest = HTTPClientRequest(url: target.url)
        httpRequest.method = NIOHTTP1.HTTPMethod(rawValue: request.method.rawValue)
        for header in request.headers {
            httpRequest.headers.add(name: header.name, value: header.value)
        }
        if request.method.allowsBody, !request.body.isEmpty {
            httpRequest.body = .bytes(ByteBuffer(string: request.body))
        }
        let progress = ExchangeProgress()
        // One deadline around the whole exchange, from here: AsyncHTTPClient's own deadline covers
        // the status line and headers; a body, which a server may trickle, is read under a timer
        // that cuts it at the same instant (see `readBody`).
        do {
            do {
                try await exchange(httpRequest, to: target, trustRoots: trustRoots, deadline: deadline, until: end, into: progress)
            } catch where Self.closedBeforeAnswering(error) && progress.snapshot.status == nil {
                // AsyncHTTPClient gave the request a pooled connection that was closing (the
                // server closed it while idle, or it sent stray bytes after its last answer): the
                // request goes once more, as the plain-HTTP path does on a reused connection. The
                // library does not tell whether the connection was reused, so a server that
                // closes new connections unanswered gets the request twice, with one webhook-id.
                let remaining = end - ContinuousClock.now
                guard remaining > .zero else { throw DeadlineExceeded() }
                try await exchange(
                    httpRequest, to: target, trustRoots: trustRoots, deadline: Self.timeAmount(remaining), until: end,
                    into: progress)
            }
            return (progress.snapshot, nil)
        } catch let error as HTTPClientError where error == .deadlineExceeded {
            return (progress.snapshot, DeadlineExceeded())
        } catch {
            return (progress.snapshot, error)
        }
    }

    /// The AsyncHTTPClient exchange: reads at most `maxResponseBytes` of the answer into `progress`.
    private func exchange(
        _ request: HTTPClientRequest, to target: PinnedTarget, trustRoots: TrustRoots?, deadline: TimeAmount,
        until end: ContinuousClock.Instant, into progress: ExchangeProgress
    ) async throws {
        let limit = configuration.maxResponseBytes
        try await clients.withClient(for: target, trustRoots: trustRoots) { client in
            let response = try await client.execute(request, timeout: deadline)
            progress.head(
                status: Int(response.status.code), version: ExchangeResponse.versionText(response.version),
                headers: response.headers.map { HeaderField($0.name, $0.value) })
            if Self.hasNoBody(response) {
                // Nothing can trickle: the framing says the response ends with its headers.
                for try await chunk in response.body {
                    if progress.append(chunk, limit: limit) == .full { break }
                }
            } else {
                try await Self.readBody(response.body, until: end, limit: limit, into: progress)
            }
        }
    }

    /// Whether HTTP framing gives `response` no body: 204, 304, 1xx, or
    /// `Content-Length: 0` without chunked transfer encoding.
    static func hasNoBody(_ response: HTTPClientResponse) -> Bool {
        let status = response.status.code
        if status == 204 || status == 304 || (100..<200).contains(status) { return true }
        let lengths = response.headers["content-length"]
        return lengths.count == 1 && lengths[0] == "0" && response.headers["transfer-encoding"].isEmpty
    }

    /// Reads `body` into `progress` in a task that a timer on an event loop cancels at `end`.
    private static func readBody(
        _ body: HTTPClientResponse.Body, until end: ContinuousClock.Instant, limit: Int, into progress: ExchangeProgress
    ) async throws {
        let remaining = end - ContinuousClock.now
        guard remaining > .zero else { throw DeadlineExceeded() }
        let timedOut = Atomic<Bool>(false)
        let reader = Task { () -> (any Error)? in
            do {
                for try await chunk in body {
                    if progress.append(chunk, limit: limit) == .full { break }
                }
                return nil
            } catch {
                return error
            }
        }
        let timer = HTTPClient.defaultEventLoopGroup.any().scheduleTask(in: timeAmount(remaining)) {
            timedOut.store(true, ordering: .sequentiallyConsistent)
            reader.cancel()
        }
        let failure = await withTaskCancellationHandler {
            await reader.value
        } onCancel: {
            reader.cancel()
        }
        timer.cancel()
        if let failure { throw timedOut.load(ordering: .sequentiallyConsistent) ? DeadlineExceeded() : failure }
    }

    /// Whether AsyncHTTPClient failed a request because its connection closed before any answer.
    private static func closedBeforeAnswering(_ error: any Error) -> Bool {
        error as? HTTPClientError == .remoteConnectionClosed || error as? ChannelError == .ioOnClosedChannel
    }

    /// `duration` in SwiftNIO's terms, to the nanosecond.
    static func timeAmount(_ duration: Duration) -> TimeAmount {
        let (seconds, attoseconds) = duration.components
        return .nanoseconds(seconds * 1_000_000_000 + attoseconds / 1_000_000_000)
    }

    static func milliseconds(_ duration: Duration) -> Double {
        let (seconds, attoseconds) = duration.components
        return Double(seconds) * 1000 + Double(attoseconds) / 1e15
    }

    /// The delivery.md §8.4 label of a transport failure (`connection_refused`, `timeout`, …).
    static func errorClass(of error: any Error) -> String {
        if error is DeadlineExceeded { return DeliveryOutcomeClass.timeout.label }
        if error is CancellationError { return DeliveryOutcomeClass.cancelled.label }
        if TLSFailure(error) != nil { return DeliveryOutcomeClass.tlsError.label }
        if error is HTTPParserError || error is NotAnHTTPAnswerError { return DeliveryOutcomeClass.invalidResponse.label }
        if error is InvalidHeaderError { return DeliveryOutcomeClass.invalidRequest.label }
        if error is ConnectionClosedError || error is ResponseEndedEarlyError {
            return DeliveryOutcomeClass.connectionReset.label
        }
        if case ChannelError.connectTimeout = error { return DeliveryOutcomeClass.timeout.label }
        if let error = error as? IOError {
            switch error.errnoCode {
            case ECONNREFUSED: return DeliveryOutcomeClass.connectionRefused.label
            case ECONNRESET, EPIPE, ECONNABORTED: return DeliveryOutcomeClass.connectionReset.label
            case ETIMEDOUT: return DeliveryOutcomeClass.timeout.label
            case ENETUNREACH, EHOSTUNREACH: return DeliveryOutcomeClass.networkUnreachable.label
            default: break
            }
        }
        if let error = error as? HTTPClientError {
            switch error {
            case .deadlineExceeded, .readTimeout, .writeTimeout, .connectTimeout: return DeliveryOutcomeClass.timeout.label
            case .remoteConnectionClosed: return DeliveryOutcomeClass.connectionReset.label
            case .cancelled: return DeliveryOutcomeClass.cancelled.label
            case .invalidURL, .emptyHost, .emptyScheme: return DeliveryOutcomeClass.invalidRequest.label
            default: break
            }
        }
        let text = String(describing: error).lowercased()
        let outcome: DeliveryOutcomeClass =
            if text.contains("refused") { .connectionRefused }
            else if text.contains("timeout") || text.contains("timed out") { .timeout }
            else if text.contains("reset") || text.contains("closed") { .connectionReset }
            else if text.contains("dns") || text.contains("resolve") || text.contains("lookup") { .dnsError }
            else if text.contains("ssl") || text.contains("tls") || text.contains("certificate") { .tlsError }
            else { .networkUnreachable }
        return outcome.label
    }
}

/// The whole-attempt deadline passed before the status line arrived.
struct DeadlineExceeded: Error, CustomStringConvertible {
    var description: String { "the attempt's deadline passed before the response arrived" }
}

/// What an AsyncHTTPClient exchange has received so far, shared between the exchange and the deadline.
private final class ExchangeProgress: Sendable {
    private let state = Mutex(ExchangeResponse())

    var snapshot: ExchangeResponse { state.withLock { $0 } }

    func head(status: Int, version: String, headers: [HeaderField]) {
        state.withLock {
            $0.status = status
            $0.version = version
            $0.headers = headers
        }
    }

    func append(_ chunk: ByteBuffer, limit: Int) -> ExchangeResponse.AppendResult {
        state.withLock { $0.append(chunk, limit: limit) }
    }
}
