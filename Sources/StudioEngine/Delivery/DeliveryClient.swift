import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import StudioModel

/// Sends prepared requests over HTTP and turns each exchange into an ``AttemptRecord``.
///
/// One client serves the whole process; its pool is sized for bounded concurrency
/// (AsyncHTTPClient's default of 8 connections per host caps throughput at a third).
///
/// ```swift
/// try await DeliveryClient.withClient { client in
///     let record = await client.send(request, context: .init(webhookID: "lob-letter"))
/// }
/// ```
public final class DeliveryClient: Sendable {
    public struct Configuration: Sendable {
        /// Connect timeout. Default: 5 s.
        public var connectTimeout: TimeAmount = .seconds(5)
        /// Deadline for one whole attempt, response body included. Default: 15 s.
        public var timeout: TimeAmount = .seconds(15)
        /// Connections per host. Default: 64.
        public var connectionsPerHost: Int = 64
        /// Response bytes kept; the rest is read and discarded. Default: 64 KiB.
        public var maxResponseBytes: Int = 64 * 1024

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
    }

    public let configuration: Configuration
    private let client: HTTPClient

    public init(configuration: Configuration = Configuration()) {
        self.configuration = configuration
        var http = HTTPClient.Configuration()
        http.connectionPool.concurrentHTTP1ConnectionsPerHostSoftLimit = configuration.connectionsPerHost
        http.timeout.connect = configuration.connectTimeout
        // Redirects are recorded, never followed (delivery.md §8.4).
        http.redirectConfiguration = .disallow
        http.decompression = .disabled
        client = HTTPClient(eventLoopGroupProvider: .singleton, configuration: http)
    }

    /// Runs `body` with a client that is shut down afterwards, whatever happens.
    public static func withClient<T: Sendable>(
        configuration: Configuration = Configuration(), _ body: (DeliveryClient) async throws -> T
    ) async throws -> T {
        let client = DeliveryClient(configuration: configuration)
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
        try await client.shutdown()
    }

    /// Makes one attempt. Never throws: failures are records with an error class.
    public func send(_ request: PreparedRequest, origin: Origin, timeout: TimeAmount? = nil) async -> AttemptRecord {
        let masker = request.masker
        let shown = request.masked
        var record = AttemptRecord(
            startedAt: Date(), deliveryID: request.deliveryID, attempt: origin.attempt,
            workflowID: origin.workflowID, nodeID: origin.nodeID, webhookID: origin.webhookID,
            userEmail: origin.userEmail, method: request.method.rawValue, url: shown.url,
            requestHeaders: shown.headers, requestBody: shown.body, outcome: .success)

        var httpRequest = HTTPClientRequest(url: request.url)
        httpRequest.method = HTTPMethod(rawValue: request.method.rawValue)
        for header in request.headers {
            httpRequest.headers.add(name: header.name, value: header.value)
        }
        if request.method.allowsBody, !request.body.isEmpty {
            httpRequest.body = .bytes(ByteBuffer(string: request.body))
        }

        let started = ContinuousClock.now
        do {
            let response = try await client.execute(httpRequest, timeout: timeout ?? configuration.timeout)
            record.status = Int(response.status.code)
            record.responseHeaders = masker.mask(response.headers.map { HeaderField($0.name, $0.value) })
            var kept = ByteBuffer()
            var truncated = false
            for try await chunk in response.body {
                let room = configuration.maxResponseBytes - kept.readableBytes
                if chunk.readableBytes > room { truncated = true }
                if room > 0 { kept.writeImmutableBuffer(chunk.getSlice(at: chunk.readerIndex, length: min(room, chunk.readableBytes)) ?? ByteBuffer()) }
            }
            record.responseBody = masker.mask(String(decoding: kept.readableBytesView, as: UTF8.self))
            record.responseTruncated = truncated
            record.outcome = (200..<300).contains(Int(response.status.code)) ? .success : .httpError
        } catch {
            record.outcome = .failed(errorClass: Self.errorClass(of: error), message: masker.mask("\(error)"))
        }
        record.latencyMilliseconds = Self.milliseconds(ContinuousClock.now - started)
        return record
    }

    static func milliseconds(_ duration: Duration) -> Double {
        let (seconds, attoseconds) = duration.components
        return Double(seconds) * 1000 + Double(attoseconds) / 1e15
    }

    /// A short, stable label for a transport failure.
    static func errorClass(of error: any Error) -> String {
        if let error = error as? HTTPClientError {
            switch error {
            case .deadlineExceeded, .readTimeout, .writeTimeout: return "timeout"
            case .connectTimeout: return "connect-timeout"
            case .remoteConnectionClosed: return "reset"
            case .invalidURL, .emptyHost, .emptyScheme: return "bad-url"
            default: break
            }
        }
        let text = String(describing: error).lowercased()
        if text.contains("refused") { return "connect" }
        if text.contains("timeout") || text.contains("timed out") { return "timeout" }
        if text.contains("reset") || text.contains("closed") { return "reset" }
        if text.contains("dns") || text.contains("resolve") || text.contains("lookup") { return "dns" }
        if text.contains("ssl") || text.contains("tls") || text.contains("certificate") { return "tls" }
        return "network"
    }
}
