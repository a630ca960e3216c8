import AsyncHTTPClient
import Foundation
import NIOCore
import StudioEngine
import StudioModel

// The layers under `hookline run`, for compare-wrk.sh, N POSTs with 64 in flight:
//   ahc        the same body by AsyncHTTPClient alone (configured as spike.md §4);
//   client     the same body by StudioEngine's DeliveryClient (address policy, pinned
//              connection, deadline, capped response body; plain HTTP through its SwiftNIO pool);
//   deliverer  BODY_FILE is a template, rendered per user (profiles shaped like
//              bench_workspace.py's), sent by the Deliverer (limiter, retry policy, outcome
//              class) and every attempt stored by the AttemptRecorder in a new SQLite file:
//              the delivery layer without the executor, journeys and outbox.
// Loopback only; it stops after N requests.
//
//   swift build -c release --product DeliveryTransport
//   .build/release/DeliveryTransport ahc|client|deliverer http://127.0.0.1:PORT/hook N BODY_FILE
// Prints one line: `<layer> <requests> requests in <s> s: <rate>/s, <failures> failed`.
let arguments = CommandLine.arguments
guard arguments.count == 5, let count = Int(arguments[3]), count > 0,
    let url = URL(string: arguments[2]), url.host == "127.0.0.1",
    let body = FileManager.default.contents(atPath: arguments[4]).flatMap({ String(data: $0, encoding: .utf8) })
else {
    FileHandle.standardError.write(
        Data("usage: DeliveryTransport ahc|client|deliverer http://127.0.0.1:PORT/PATH N BODY_FILE\n".utf8))
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
    try await client.shutdown().get()
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
case "deliverer":
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent("hookline-deliverer-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: folder) }
    let store = try SQLiteStateStore(path: folder.appendingPathComponent("state.sqlite").path)
    let recorder = AttemptRecorder(store: store, feed: TrafficFeed())
    let webhook = Webhook(id: "bench-hook", url: url.absoluteString, body: .json(template: body))
    let builder = RequestBuilder()
    let profiles = (0..<count).map(benchProfile)
    var configuration = DeliveryClient.Configuration()
    configuration.connectionsPerHost = inFlight
    failures = try await DeliveryClient.withClient(
        configuration: configuration, networkPolicy: NetworkPolicy(allowlist: ["127.0.0.1/32"])
    ) { client in
        let deliverer = Deliverer(
            client: client, recorder: recorder, limiter: ConcurrencyLimiter(total: inFlight, perHost: inFlight))
        return await drive { index in
            let profile = profiles[index]
            do {
                let request = try builder.build(
                    webhook, context: TemplateContext(profile: profile), secrets: [:], deliveryID: DeliveryID.make())
                let result = await deliverer.deliver(
                    request, origin: DeliveryClient.Origin(webhookID: webhook.id, userEmail: profile["email"]?.stringValue))
                return result.status == .succeeded
            } catch {
                return false
            }
        }
    }
    recorder.flush()
    let stored = try store.attemptCount()
    guard stored == count else {
        FileHandle.standardError.write(Data("deliverer: \(stored) attempts stored, \(count) expected\n".utf8))
        exit(1)
    }
default:
    FileHandle.standardError.write(Data("unknown layer '\(layer)': ahc, client or deliverer\n".utf8))
    exit(64)
}
let elapsed = ContinuousClock.now - started
let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
print("\(layer) \(count) requests in \(String(format: "%.3f", seconds)) s: \(Int(Double(count) / seconds))/s, \(failures) failed")

/// User `index` of bench_workspace.py's synthetic profiles (same fields and shapes).
func benchProfile(_ index: Int) -> JSONObject {
    let first = ["Ada", "Grace", "Alan", "Edsger", "Barbara", "Donald", "Frances", "Ken"]
    let cities = [("London", "N1 9GU"), ("Paris", "75011"), ("Oslo", "0150"), ("Berlin", "10115")]
    let city = cities[index % cities.count]
    let items: [JSONValue] = (1...5).map { .object(JSONObject([("sku", .string("SKU-\($0)")), ("qty", .int($0))])) }
    return JSONObject([
        ("email", .string("user\(index)@example.com")), ("firstName", .string(first[index % first.count])),
        ("lastName", .string("Lovelace")), ("plan", .string(["free", "pro", "team"][index % 3])),
        ("address", .object(JSONObject([("city", .string(city.0)), ("zip", .string(city.1))]))),
        ("age", .int(18 + index % 60)), ("vip", .bool(index % 7 == 0)), ("campaignName", .string("Welcome")),
        ("source", .string(["web", "ios", "android"][index % 3])), ("items", .array(items)),
    ])
}
