import Foundation
import NIOCore
import NIOHTTP1
import StudioModel
import Synchronization

/// Sends prepared requests over HTTP and turns each exchange into an ``AttemptRecord``.
///
/// One client serves the whole process. HTTP and HTTPS go through ``HTTP1ConnectionPool``
/// (SwiftNIO's HTTP/1.1 codec, with SwiftNIO SSL for HTTPS: about twice AsyncHTTPClient's rate
/// here), which connects only to the address the network policy checked.
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
        /// Idle keep-alive connections kept per host address. How many requests run at once is
        /// the caller's limit (the ``Deliverer``'s). Default: 64.
        public var connectionsPerHost: Int = 64
        /// Response bytes kept; a longer answer is cut there and its connection closed. Default: 64 KiB.
        public var maxResponseBytes: Int = 64 * 1024
        /// How long an idle keep-alive connection is kept. Default: 60 s.
        public var idleTimeout: TimeAmount = .seconds(60)
        /// Idle keep-alive connections kept in all. Default: 256.
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
    private let connections: HTTP1ConnectionPool
    /// Checked targets of URLs whose host is an IP literal: no lookup is involved, so the policy's
    /// answer for such a URL never changes and is computed once. Bounded; emptied when full.
    private let literalTargets = Mutex<[String: PinnedTarget]>([:])
    private static let literalTargetLimit = 1024

    /// - Parameter networkPolicy: Default: strict, no private, loopback or metadata addresses.
    public init(configuration: Configuration = Configuration(), networkPolicy: NetworkPolicy = NetworkPolicy()) {
        self.configuration = configuration
        self.networkPolicy = networkPolicy
        connections = HTTP1ConnectionPool(
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
        try await connections.shutdown()
    }

    /// Makes one attempt. Never throws: failures are records with an error class.
    /// - Parameter trustRoots: The endpoint's own CAs, trusted instead of the system's for this
    ///   request; certificates are still fully verified. Default: nil, the system's.
    public func send(
        _ request: PreparedRequest, origin: Origin, timeout: TimeAmount? = nil, trustRoots: TrustRoots? = nil
    ) async -> AttemptRecord {
        await sendReceiving(request, origin: origin, timeout: timeout, trustRoots: trustRoots).record
    }

    /// ``send(_:origin:timeout:trustRoots:)``, with the answer as received beside its masked record:
    /// what the delivery acts on (``ReceivedAnswer``). Nil when no answer came.
    public func sendReceiving(
        _ request: PreparedRequest, origin: Origin, timeout: TimeAmount? = nil, trustRoots: TrustRoots? = nil
    ) async -> (record: AttemptRecord, answer: ReceivedAnswer?) {
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
            // A URL that does not parse is a request that cannot be made (delivery.md §8.4), not one the policy refused.
            let label =
                unresolved
                ? DeliveryOutcomeClass.dnsError.label
                : error.reason == .invalidURL ? DeliveryOutcomeClass.invalidRequest.label : PolicyViolation.label
            record.outcome = .failed(errorClass: label, message: masker.mask(error.message))
            return (record, nil)
        }

        let started = ContinuousClock.now
        let deadline = timeout ?? configuration.timeout
        let (result, failure) = await exchange(request, to: target, trustRoots: trustRoots, deadline: deadline)
        record.latencyMilliseconds = Self.milliseconds(ContinuousClock.now - started)
        var answer: ReceivedAnswer?
        if let status = result.status {
            // Once the status line and headers are in, the attempt is decided by the status
            // (delivery.md §8.2); a body cut short by the deadline is only marked truncated.
            record.status = status
            record.responseVersion = result.version
            record.responseReason = Self.unusualReason(result.reason, of: status).map { masker.mask($0) }
            record.responseHeaders = masker.mask(result.headers) + Self.noteFields(of: result)
            let bodyCut = result.truncated || failure != nil
            // A head whose fields were not all kept is marked cut as a cut body is.
            record.responseTruncated = bodyCut || result.omittedHeaderFields > 0
            // Masked as bytes, so a secret inside a body that is not text is hidden too.
            let received = Array(result.body.readableBytesView)
            // Whole when only the head was cut: an Update Profile answer is its body.
            let unmasked = ReceivedAnswer(headers: result.headers, body: received, truncated: bodyCut)
            answer = unmasked
            var kept = bodyCut ? masker.mask(cutBytes: received) : masker.mask(bytes: received)
            var keptCut = bodyCut
            if let decoded = ResponseContentDecoder.maskedDecodedBody(
                received, contentEncoding: unmasked.header("content-encoding"), cut: bodyCut, masker: masker)
            {
                // Hookline asks for no coding; a server that codes all the same and echoes a
                // secret would have it kept, compressed, where no mask can reach it.
                kept = decoded.bytes
                keptCut = decoded.truncated
                record.responseTruncated = record.responseTruncated || keptCut
                record.responseHeaders.append(HeaderField(Self.noteFieldName, Self.decodedBodyNote(codedBytes: received.count)))
            }
            let body = StoredBody(kept, truncated: keptCut)
            record.responseBody = body.text
            record.responseBodyIsBase64 = body.isBase64
            record.outcome = (200..<300).contains(status) ? .success : .httpError
        } else if let failure {
            let message = await message(for: failure, target: target, trustRoots: trustRoots)
            record.outcome = .failed(errorClass: Self.errorClass(of: failure), message: masker.mask(message))
        }
        return (record, answer)
    }

    /// The name of the fields a record adds after a response's headers to say what Hookline
    /// did with them: not a token (RFC 9110 §5.1), so no server's field can have it.
    public static let noteFieldName = "(hookline)"

    /// The note of a record that keeps a coded body decoded (``ResponseContentDecoder/maskedDecodedBody(_:contentEncoding:cut:masker:)``).
    static func decodedBodyNote(codedBytes: Int) -> String {
        "the body came coded (Content-Encoding), \(codedBytes) bytes, with a secret inside: it is kept decoded, the secret masked"
    }

    /// Fields after the received ones that say what of the head was not kept, and what was odd
    /// about it (``ExchangeResponse/notes``); none for most answers.
    static func noteFields(of response: ExchangeResponse) -> [HeaderField] {
        var fields = response.notes.map { HeaderField(noteFieldName, $0) }
        if response.omittedHeaderFields > 0 {
            let kept = ExchangeResponse.maximumKeptHeaderFields
            let bytes = ExchangeResponse.maximumKeptHeaderBytes / 1024
            fields.append(
                HeaderField(
                    noteFieldName,
                    "\(response.omittedHeaderFields) more header fields (\(response.omittedHeaderBytes) bytes) not kept: "
                        + "a record keeps the first \(kept) fields or \(bytes) KiB, and the ones Hookline acts on"))
        }
        return fields
    }

    /// A reason phrase received, as text, unless it is the standard one of `status`, which a
    /// record leaves out. Its bytes are ASCII, or obs-text (RFC 9110 §5.5), read as UTF-8 when
    /// they are and as Latin-1 when they are not, as RFC 9110 has a recipient treat it.
    static func unusualReason(_ bytes: [UInt8], of status: Int) -> String? {
        let standard = AttemptRecord.reasonPhrase(of: status)
        if bytes.elementsEqual(standard.utf8) { return nil }
        if let text = String(validating: bytes, as: UTF8.self) { return text }
        return String(bytes.map { Character(Unicode.Scalar($0)) })
    }

    /// How the message of an answer the HTTP/1.1 parser refused begins.
    static let invalidAnswerPrefix = "the answer is not valid HTTP/1.1: "

    /// What a transport failure's record says: for TLS, which check failed (a rejected chain is
    /// looked at once more by ``CertificateProbe``, outside the attempt's latency); for an answer
    /// that is not HTTP/1.1, what is wrong with it; else the error.
    private func message(for failure: any Error, target: PinnedTarget, trustRoots: TrustRoots?) async -> String {
        if let error = failure as? IOError, let text = Self.socketMessage(errno: error.errnoCode, target: target) {
            return text
        }
        if let error = failure as? HTTPParserError { return Self.invalidAnswerPrefix + error.explanation }
        if let error = failure as? InvalidStatusCodeError { return Self.invalidAnswerPrefix + error.description }
        if let error = failure as? UnrequestedUpgradeError { return Self.invalidAnswerPrefix + error.description }
        if case ChannelError.connectTimeout(let budget) = failure {
            return "no connection to \(target.host):\(target.port) within the connect timeout (\(budget.secondsText))"
        }
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
    /// answer; the rest of a larger body is not read (the connection is closed instead).
    /// - Returns: What arrived, and the failure that ended the exchange early, if any.
    private func exchange(
        _ request: PreparedRequest, to target: PinnedTarget, trustRoots: TrustRoots?, deadline: TimeAmount
    ) async -> (ExchangeResponse, (any Error)?) {
        do {
            let outcome = try await connections.execute(
                HTTP1Request(request, to: target), to: target, trustRoots: trustRoots,
                limit: configuration.maxResponseBytes, deadline: .now() + deadline)
            return (outcome.response, outcome.failure)
        } catch {
            return (ExchangeResponse(), error)
        }
    }

    static func milliseconds(_ duration: Duration) -> Double {
        let (seconds, attoseconds) = duration.components
        return Double(seconds) * 1000 + Double(attoseconds) / 1e15
    }

    /// The delivery.md §8.4 label of a transport failure (`connection_refused`, `timeout`, …).
    static func errorClass(of error: any Error) -> String {
        if error is DeadlineExceeded || error is TLSHandshakeTimeoutError { return DeliveryOutcomeClass.timeout.label }
        if error is CancellationError { return DeliveryOutcomeClass.cancelled.label }
        if TLSFailure(error) != nil { return DeliveryOutcomeClass.tlsError.label }
        if error is HTTPParserError || error is NotAnHTTPAnswerError || error is InvalidStatusCodeError
            || error is UnrequestedUpgradeError
        {
            return DeliveryOutcomeClass.invalidResponse.label
        }
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
