import AsyncHTTPClient
import Foundation
import NIOCore
import StudioEngine
import StudioModel

// The transport's own ceiling, for compare-wrk.sh: the same POST sent N times with 64 in
// flight, by AsyncHTTPClient alone (configured as spike.md §4) or by StudioEngine's
// DeliveryClient (address policy, pinned connection, deadline, capped response body; plain
// HTTP through its SwiftNIO pool), with
// no executor, template, outbox or store. Loopback only; it stops after N requests.
//
//   swift build -c release --product DeliveryTransport
//   .build/release/DeliveryTransport ahc|client http://127.0.0.1:PORT/hook N BODY_FILE
// Prints one line: `<layer> <requests> requests in <s> s: <rate>/s, <failures> failed`.
let arguments = CommandLine.arguments
guard arguments.count == 5, let count = Int(arguments[3]), count > 0,
    let url = URL(string: arguments[2]), url.host == "127.0.0.1",
    let body = FileManager.default.contents(atPath: arguments[4]).flatMap({ String(data: $0, encoding: .utf8) })
else {
    FileHandle.standardError.write(Data("usage: DeliveryTransport ahc|client http://127.0.0.1:PORT/PATH N BODY_FILE\n".utf8))
    exit(64)
}
let layer = arguments[1]
let inFlight = 64

/// Runs `send` `count` times with `inFlight` at once; returns the failures.
func drive(_ send: @escaping @Sendable (Int) async -> Bool) async -> Int {
    await withTaskGroup(of: Bool.self) { group in
        var next = 0
        var failures = 0
        for _ in 0..<min(inFlight, count) {
            let index = next
            group.addTask { await send(index) }
            next += 1
        }
        while let succeeded = await group.next() {
            if !succeeded { failures += 1 }
            if next < count {
                let index = next
                group.addTask { await send(index) }
                next += 1
            }
        }
        return failures
    }
}

let started = ContinuousClock.now
let failures: Int
switch layer {
case "ahc":
    var configuration = HTTPClient.Configuration()
    configuration.connectionPool.concurrentHTTP1ConnectionsPerHostSoftLimit = inFlight
    let client = HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
    failures = await drive { _ in
        var request = HTTPClientRequest(url: url.absoluteString)
        request.method = .POST
        request.headers.add(name: "Content-Type", value: "application/json")
        request.body = .bytes(ByteBuffer(string: body))
        do {
            let response = try await client.execute(request, timeout: .seconds(15))
            _ = try await response.body.collect(upTo: 64 * 1024)
            return (200..<300).contains(Int(response.status.code))
        } catch {
            return false
        }
    }
    try await client.shutdown()
case "client":
    var configuration = DeliveryClient.Configuration()
    configuration.connectionsPerHost = inFlight
    failures = try await DeliveryClient.withClient(
        configuration: configuration, networkPolicy: NetworkPolicy(allowlist: ["127.0.0.1/32"])
    ) { client in
        await drive { index in
            let request = PreparedRequest(
                method: .post, url: url.absoluteString,
                headers: [HeaderField("Content-Type", "application/json")], body: body, secretValues: [],
                deliveryID: "msg_transport\(index)")
            let record = await client.send(request, origin: DeliveryClient.Origin(attempt: 1))
            return record.outcome.isSuccess
        }
    }
default:
    FileHandle.standardError.write(Data("unknown layer '\(layer)': ahc or client\n".utf8))
    exit(64)
}
let elapsed = ContinuousClock.now - started
let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
print("\(layer) \(count) requests in \(String(format: "%.3f", seconds)) s: \(Int(Double(count) / seconds))/s, \(failures) failed")
