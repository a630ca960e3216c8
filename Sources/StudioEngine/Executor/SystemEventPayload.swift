import Foundation
import StudioModel

/// The event a message node sends to system webhooks, in Iterable's shape (domain.md §1.4, §1.6):
/// `{"email","eventName","dataFields":{…}}`, `createdAt` as `2016-12-02 20:21:04 +00:00`.
///
/// `dataFields` carries the campaign and journey context of Iterable's samples. Hookline has no
/// campaigns, templates, channels, message types, experiments or message ids, so those fields are
/// `null`, as Iterable writes a journey id where no journey applies; `nodeId` is Hookline's own.
///
/// ```swift
/// let event = SystemEventPayload(eventName: "emailSend", email: "ada@example.com", workflow: welcome,
///     nodeID: "mail", emailSubject: "Hi Ada", at: now)
/// event.json.jsonText  // {"email":"ada@example.com","eventName":"emailSend","dataFields":{…}}
/// ```
struct SystemEventPayload: Sendable {
    var email: String
    var eventName: String
    var dataFields: JSONObject

    /// - Parameter emailSubject: An email's rendered subject; nil for SMS and push, or when it did not render.
    init(eventName: String, email: String, workflow: Workflow, nodeID: String, emailSubject: String?, at date: Date) {
        self.email = email
        self.eventName = eventName
        let isEmail = eventName.hasPrefix("email")
        var fields: [(String, JSONValue)] = [
            ("email", .string(email)),
            ("createdAt", .string(date.iterableText)),
            ("campaignId", .null),
            ("campaignName", .null),
            ("templateId", .null),
            ("templateName", .null),
            ("workflowId", .string(workflow.id)),
            ("workflowName", .string(workflow.name)),
            ("nodeId", .string(nodeID)),
            ("channelId", .null),
            ("messageTypeId", .null),
            ("experimentId", .null),
            ("messageId", .null),
        ]
        if isEmail {
            // emailId is "c<campaignId>:t<templateId>:<email>": with no campaign there is none.
            fields += [("contentId", .null), ("emailSubject", emailSubject.map(JSONValue.string) ?? .null), ("emailId", .null)]
        }
        dataFields = JSONObject(fields)
    }

    /// The send skip of a message that was not sent (`emailSendSkip` for `emailSend`), with its
    /// `reason` (`HandlebarsExecutionError`): the minimal fields of Iterable's samples, and the
    /// journey's context.
    init(skipOf eventName: String, reason: String, email: String, workflow: Workflow, nodeID: String, at date: Date) {
        self.email = email
        self.eventName = eventName + "Skip"
        dataFields = JSONObject([
            ("email", .string(email)),
            ("createdAt", .string(date.iterableText)),
            ("reason", .string(reason)),
            ("campaignId", .null),
            ("messageId", .null),
            ("workflowId", .string(workflow.id)),
            ("workflowName", .string(workflow.name)),
            ("nodeId", .string(nodeID)),
        ])
    }

    var json: JSONValue {
        .object(JSONObject([("email", .string(email)), ("eventName", .string(eventName)), ("dataFields", .object(dataFields))]))
    }

    /// What a system webhook delivery renders against: the payload as text for the body
    /// (`{{{payload}}}`), and the merge parameters Iterable fills in the endpoint's URL
    /// (``SystemWebhook/endpointMergeParameters``) with this event's values. Nothing else: any
    /// other merge parameter in the URL renders blank, as in Iterable.
    var snapshotEvent: JSONObject {
        var event = JSONObject([("payload", .string(json.jsonText))])
        for name in SystemWebhook.endpointMergeParameters {
            if let value = dataFields[name] { event[name] = value }
        }
        return event
    }
}
