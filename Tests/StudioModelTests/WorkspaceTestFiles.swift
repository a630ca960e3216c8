@testable import StudioModel

/// Small workspace files shared by the loader tests.
enum WorkspaceTestFiles {
    static let webhook = """
        id: hook
        name: Test hook
        method: POST
        url: "https://example.com/hooks/{{email}}"
        auth: {type: bearer, token: "{{secret.token}}"}
        headers:
          X-One: "1"
          X-Two: "{{plan}}"
        body:
          type: json
          template: '{"email": "{{email}}"}'
        timeout: 10s

        """

    static let workflow = """
        id: flow
        name: Flow
        start: {kind: event, event: signup}
        limits: {lifetime: 1}
        nodes:
          - id: call
            type: callWebhook
            webhook: hook
            next: wait
          - id: wait
            type: delay
            duration: 2d
            next: check
          - id: check
            type: yesNo
            condition: {all: [{field: plan, op: equals, value: pro}, {field: age, op: greaterThan, value: 30}]}
            next: {yes: mail, no: exit}
          - id: mail
            type: sendEmail
            subject: Hi

        """

    static let valid: [String: String] = [
        "hookline.yaml": "name: Test\ndelivery: {timeout: 20s, maxInFlight: 8}\nnetwork: {allow: [127.0.0.1/32, localhost]}\n",
        "webhooks/hook.yaml": webhook,
        "workflows/flow.yaml": workflow,
        "system-webhooks/sys.yaml": "id: sys\nendpoint: https://bi.example.com/email\nevents: [emailSend, emailOpen]\n",
    ]

    /// The valid files with one workflow whose node list is `nodes` (indented two spaces, as list items).
    static func withWorkflow(_ nodes: String, id: String = "w") -> [String: String] {
        var files = valid
        files["workflows/\(id).yaml"] = "id: \(id)\nnodes:\n" + nodes
        return files
    }
}
