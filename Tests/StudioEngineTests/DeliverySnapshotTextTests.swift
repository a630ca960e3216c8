import Foundation
import StudioModel
import Testing

@testable import StudioEngine

/// The outbox row's snapshot text is written straight into a buffer; it must stay the text of
/// the four-key object it stands for, and read back to the same snapshot.
struct DeliverySnapshotTextTests {
    @Test(arguments: [0, 1_764_390_000, 1_764_390_000.123_456])
    func snapshotTextIsTheObjectsText(seconds: Double) throws {
        let snapshot = DeliverySnapshot(
            event: JSONObject([("plan", "pro"), ("items", [1, 2.5, nil])] as [(String, JSONValue)]),
            profile: JSONObject(
                [("email", "ada@example.com"), ("name", "Ada \"A\" L\u{2028}")] as [(String, JSONValue)]),
            liveData: JSONObject(), now: Date(timeIntervalSince1970: seconds))
        let object: JSONValue = .object(
            JSONObject([
                ("event", .object(snapshot.event)), ("profile", .object(snapshot.profile)),
                ("liveData", .object(snapshot.liveData)), ("now", .double(seconds)),
            ]))
        #expect(snapshot.jsonText == object.jsonText)
        #expect(DeliverySnapshot(jsonText: snapshot.jsonText) == snapshot)
    }
}
