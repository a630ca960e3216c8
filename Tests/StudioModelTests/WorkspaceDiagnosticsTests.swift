import Testing

@testable import StudioModel

/// One bad input and the exact diagnostics it must produce.
struct DiagnosticCase: Sendable, CustomTestStringConvertible {
    var name: String
    var files: [String: String]
    var expected: [String]
    var testDescription: String { name }

    init(_ name: String, _ files: [String: String], _ expected: [String]) {
        self.name = name
        self.files = files
        self.expected = expected
    }

    /// A case with a workflow `w` whose nodes are `nodes`.
    static func nodes(_ name: String, _ nodes: String, _ expected: String) -> DiagnosticCase {
        DiagnosticCase(name, WorkspaceTestFiles.withWorkflow(nodes), [expected])
    }

    /// A case with one extra file.
    static func file(_ name: String, _ path: String, _ contents: String, _ expected: [String]) -> DiagnosticCase {
        var files = WorkspaceTestFiles.valid
        files[path] = contents
        return DiagnosticCase(name, files, expected)
    }
}

struct WorkspaceDiagnosticsTests {
    static let workflowCases: [DiagnosticCase] = [
        .nodes(
            "loop with no delay",
            "  - id: a\n    type: updateProfile\n    fields: {x: 1}\n    next: b\n  - id: b\n    type: addToList\n    list: l\n    next: a\n",
            "workflows/w.yaml:10:11: error: 'next' of 'b' closes a loop with no delay in it (a → b → a): a journey would go round it for ever (put a delay step in the loop, or end it)"),
        DiagnosticCase(
            "two loops, both reported",
            WorkspaceTestFiles.withWorkflow(
                "  - id: a\n    type: yesNo\n    condition: {all: [{field: x, op: exists}]}\n    next: {yes: a, no: b}\n"
                    + "  - id: b\n    type: sendSMS\n    body: hi\n    next: c\n  - id: c\n    type: sendSMS\n    body: ho\n    next: b\n"),
            [
                "workflows/w.yaml:6:17: error: 'next.yes' of 'a' closes a loop with no delay in it (a → a): a journey would go round it for ever (put a delay step in the loop, or end it)",
                "workflows/w.yaml:14:11: error: 'next' of 'c' closes a loop with no delay in it (b → c → b): a journey would go round it for ever (put a delay step in the loop, or end it)",
            ]),
        .nodes(
            "loop through a delay until a date",
            "  - id: a\n    type: delay\n    until: renewsAt\n    next: b\n  - id: b\n    type: sendSMS\n    body: renew\n    next: a\n",
            "workflows/w.yaml:10:11: error: 'next' of 'b' closes a loop with no delay in it (a → b → a): a journey would go round it for ever (put a delay step in the loop, or end it)"),
        .nodes(
            "split branch back to itself with a zero delay",
            "  - id: a\n    type: delay\n    duration: 0s\n    next: c\n  - id: c\n    type: yesNo\n    condition: {all: [{field: x, op: exists}]}\n    next: {yes: a, no: exit}\n",
            "workflows/w.yaml:10:17: error: 'next.yes' of 'c' closes a loop with no delay in it (a → c → a): a journey would go round it for ever (put a delay step in the loop, or end it)"),
        .nodes(
            "unknown node type", "  - id: a\n    type: callWebhok\n    webhook: hook\n",
            "workflows/w.yaml:4:11: error: unknown node type 'callWebhok' (did you mean 'callWebhook'?)"),
        .nodes(
            "unknown node type without a near name", "  - id: a\n    type: sendFax\n",
            "workflows/w.yaml:4:11: error: unknown node type 'sendFax' (expected callWebhook, updateProfileWebhook, delay, yesNo, abSplit, attributeSplit, updateProfile, addToList, removeFromList, sendEmail, sendSMS, sendPush or exit)"),
        .nodes(
            "delay with duration and until", "  - id: a\n    type: delay\n    duration: 2d\n    until: renewsAt\n",
            "workflows/w.yaml:6:12: error: a delay has either 'duration' or 'until', not both"),
        .nodes(
            "delay of more than 100 years", "  - id: a\n    type: delay\n    duration: 100000000w\n",
            "workflows/w.yaml:5:15: error: 'duration' must be at most 100 years, found '100000000w' (write, say, 52w)"),
        .nodes(
            "delay with neither duration nor until", "  - id: a\n    type: delay\n",
            "workflows/w.yaml:3:5: error: a delay needs 'duration' (such as 2d) or 'until' (a date field) (write duration: 2d, or until: renewsAt)"),
        .nodes(
            "delay with a bad offset", "  - id: a\n    type: delay\n    until: renewsAt\n    offset: soon\n",
            "workflows/w.yaml:6:13: error: invalid offset 'soon' (a signed duration such as -2d (before the date) or 3h)"),
        .nodes(
            "offset without until", "  - id: a\n    type: delay\n    duration: 1h\n    offset: -2d\n",
            "workflows/w.yaml:6:5: warning: 'offset' is used only with 'until'; it is ignored"),
        .nodes(
            "A/B shares not adding up to 100", "  - id: a\n    type: abSplit\n    branches: {A: 70, B: 20}\n    next: {A: exit, B: exit}\n",
            "workflows/w.yaml:5:15: error: the branches' shares add up to 90 %; they must add up to 100 %"),
        DiagnosticCase(
            "A/B shares not adding up to 100 and an unknown target, both reported",
            WorkspaceTestFiles.withWorkflow("  - id: a\n    type: abSplit\n    branches: {A: 70, B: 20}\n    next: {A: exit, B: nowhere}\n"),
            [
                "workflows/w.yaml:5:15: error: the branches' shares add up to 90 %; they must add up to 100 %",
                "workflows/w.yaml:6:24: error: 'next.B' points to unknown node 'nowhere' (node ids: a)",
            ]),
        .nodes(
            "A/B share not a percentage", "  - id: a\n    type: abSplit\n    branches: {A: 70, B: half}\n",
            "workflows/w.yaml:5:26: error: the share of branch 'B' must be a whole percentage from 0 to 100"),
        .nodes(
            "more than 10 A/B branches",
            "  - id: a\n    type: abSplit\n    branches: {a: 10, b: 10, c: 10, d: 10, e: 10, f: 10, g: 10, h: 10, i: 10, j: 5, k: 5}\n",
            "workflows/w.yaml:5:15: error: an A/B split has at most 10 branches, found 11"),
        .nodes(
            "A/B next to a branch that does not exist",
            "  - id: a\n    type: abSplit\n    branches: {A: 50, B: 50}\n    next: {A: b, C: b}\n  - id: b\n    type: exit\n",
            "workflows/w.yaml:6:18: warning: unknown output 'C' for an abSplit node (did you mean 'A'?)"),
        .nodes(
            "attribute branch named else",
            "  - id: a\n    type: attributeSplit\n    field: plan\n    branches: {pro: pro, else: free}\n",
            "workflows/w.yaml:6:26: error: 'else' is the output for everyone else; give this branch another name (connect everyone else with next: {else: <id>})"),
        .nodes(
            "attribute branch without values",
            "  - id: a\n    type: attributeSplit\n    field: plan\n    branches: {pro: []}\n",
            "workflows/w.yaml:6:21: error: branch 'pro' needs a value or a list of values"),
        .nodes(
            "profile update of the email",
            "  - id: a\n    type: updateProfile\n    fields: {tier: gold, email: x@example.com}\n",
            "workflows/w.yaml:5:26: error: 'email' identifies the user and cannot be set here"),
        // One bad branch or field stopped the reading: the next one's error showed only once it was fixed.
        DiagnosticCase(
            "every bad A/B share, and too many branches, all reported",
            WorkspaceTestFiles.withWorkflow(
                "  - id: a\n    type: abSplit\n    branches: {a: x, b: 10, c: 10, d: 10, e: 10, f: 10, g: 10, h: 10, i: 10, j: 5, k: half}\n"),
            [
                "workflows/w.yaml:5:15: error: an A/B split has at most 10 branches, found 11",
                "workflows/w.yaml:5:19: error: the share of branch 'a' must be a whole percentage from 0 to 100",
                "workflows/w.yaml:5:87: error: the share of branch 'k' must be a whole percentage from 0 to 100",
            ]),
        DiagnosticCase(
            "an attribute branch named else and one without values, both reported",
            WorkspaceTestFiles.withWorkflow("  - id: a\n    type: attributeSplit\n    field: plan\n    branches: {else: free, pro: []}\n"),
            [
                "workflows/w.yaml:6:16: error: 'else' is the output for everyone else; give this branch another name (connect everyone else with next: {else: <id>})",
                "workflows/w.yaml:6:33: error: branch 'pro' needs a value or a list of values",
            ]),
        DiagnosticCase(
            "profile updates of the email and of a field that is no name, both reported",
            WorkspaceTestFiles.withWorkflow("  - id: a\n    type: updateProfile\n    fields: {email: x@example.com, .tier: gold}\n"),
            [
                "workflows/w.yaml:5:14: error: 'email' identifies the user and cannot be set here",
                "workflows/w.yaml:5:36: error: a field name must be a profile field such as 'tier' or 'address.city'",
            ]),
        .nodes(
            "profile update template error",
            "  - id: a\n    type: updateProfile\n    fields: {greeting: \"Hi {{#if}}\"}\n",
            "workflows/w.yaml:5:31: error: template in 'fields.greeting': 'if' needs at least 1 parameter, found 0"),
        .nodes(
            "a helper's name alone in a template",
            "  - id: a\n    type: updateProfile\n    fields: {greeting: \"Hi {{upper}}\"}\n",
            "workflows/w.yaml:5:30: error: template in 'fields.greeting': 'upper' needs at least 1 parameter, found 0 (a helper wins over a field of its name: write {{this.upper}} for the field)"),
        .nodes(
            "missing node type", "  - id: a\n",
            "workflows/w.yaml:3:5: error: missing required key 'type' in node 'a'"),
        .nodes(
            "missing node id", "  - type: exit\n",
            "workflows/w.yaml:3:5: error: missing required key 'id' in node"),
        .nodes(
            "unknown key", "  - id: a\n    type: delay\n    duration: 2d\n    nxt: b\n",
            "workflows/w.yaml:6:5: warning: unknown key 'nxt' in node 'a' (did you mean 'next'?)"),
        .nodes(
            "duplicate node id", "  - id: a\n    type: delay\n    duration: 1s\n  - id: a\n    type: exit\n",
            "workflows/w.yaml:6:9: error: duplicate node id 'a' (first defined on line 3)"),
        DiagnosticCase(
            "next to a missing node",
            WorkspaceTestFiles.withWorkflow("  - id: wait\n    type: delay\n    duration: 1s\n    next: done\n  - id: dome\n    type: exit\n"),
            [
                "workflows/w.yaml:6:11: error: 'next' points to unknown node 'done' (did you mean 'dome'?)",
                "workflows/w.yaml:7:9: warning: step 'dome' is never reached: no step leads to it from the first step, 'wait' (connect a step to it, or delete it)",
            ]),
        .nodes(
            "a step nothing leads to", "  - id: a\n    type: exit\n  - id: b\n    type: sendSMS\n    body: hi\n    next: a\n",
            "workflows/w.yaml:5:9: warning: step 'b' is never reached: no step leads to it from the first step, 'a' (connect a step to it, or delete it)"),
        .nodes(
            "branch to a missing node", "  - id: a\n    type: yesNo\n    condition: {all: [{field: x, op: exists}]}\n    next: {yes: b, no: zzz}\n  - id: b\n    type: exit\n",
            "workflows/w.yaml:6:24: error: 'next.no' points to unknown node 'zzz' (node ids: a, b)"),
        .nodes(
            "unknown output", "  - id: a\n    type: yesNo\n    condition: {all: [{field: x, op: exists}]}\n    next: {yes: exit, maybe: exit}\n",
            "workflows/w.yaml:6:23: warning: unknown output 'maybe' for a yesNo node (expected yes or no)"),
        .nodes(
            "next map on a delay", "  - id: a\n    type: delay\n    duration: 1s\n    next: {yes: a}\n",
            "workflows/w.yaml:6:11: error: 'next' of a delay node must be a node id, found a mapping"),
        .nodes(
            "unknown webhook", "  - id: a\n    type: callWebhook\n    webhook: hok\n",
            "workflows/w.yaml:5:14: error: unknown webhook 'hok' (did you mean 'hook'?)"),
        .nodes(
            "unknown webhook without a near name", "  - id: a\n    type: callWebhook\n    webhook: lob-letter\n",
            "workflows/w.yaml:5:14: error: unknown webhook 'lob-letter' (no file webhooks/lob-letter.yaml defines it)"),
        .nodes(
            "missing webhook key", "  - id: a\n    type: callWebhook\n",
            "workflows/w.yaml:3:5: error: missing required key 'webhook' in node 'a'"),
        .nodes(
            "bad onError", "  - id: a\n    type: callWebhook\n    webhook: hook\n    onError: retry\n",
            "workflows/w.yaml:6:14: error: unknown onError action 'retry' (expected exit, continue or branch)"),
        .nodes(
            "branch without an error target", "  - id: a\n    type: callWebhook\n    webhook: hook\n    onError: branch\n",
            "workflows/w.yaml:6:14: warning: onError: branch needs a 'next.error' target; failed users exit (write next: {ok: <id>, error: <id>})"),
        .nodes(
            "bad duration", "  - id: a\n    type: delay\n    duration: 2 days\n",
            "workflows/w.yaml:5:15: error: invalid duration '2 days' for 'duration' (write a number and a unit: 500ms, 90s, 5m, 2h, 2d or 1w)"),
        .nodes(
            "condition without all or any", "  - id: a\n    type: yesNo\n    condition: {field: plan, op: equals, value: pro}\n",
            "workflows/w.yaml:5:16: error: condition must have an 'all' or 'any' list (write {all: [{field: plan, op: equals, value: pro}]} or {any: [...]})"),
        .nodes(
            "condition with all and any", "  - id: a\n    type: yesNo\n    condition: {all: [], any: []}\n",
            "workflows/w.yaml:5:16: error: condition must have either 'all' or 'any', not both (write {all: [{field: plan, op: equals, value: pro}]} or {any: [...]})"),
        .nodes(
            "unknown operator", "  - id: a\n    type: yesNo\n    condition: {all: [{field: plan, op: equal, value: pro}]}\n",
            "workflows/w.yaml:5:41: error: unknown operator 'equal' (did you mean 'equals'?)"),
        .nodes(
            "operator without value", "  - id: a\n    type: yesNo\n    condition: {any: [{field: plan, op: equals}]}\n",
            "workflows/w.yaml:5:23: error: missing required key 'value' for operator 'equals'"),
        .nodes(
            "clause without field", "  - id: a\n    type: yesNo\n    condition: {all: [{op: exists}]}\n",
            "workflows/w.yaml:5:23: error: missing required key 'field' in condition clause"),
        .nodes(
            "empty condition list", "  - id: a\n    type: yesNo\n    condition: {all: []}\n",
            "workflows/w.yaml:5:22: error: condition 'all' needs at least one clause (write {all: [{field: plan, op: equals, value: pro}]} or {any: [...]})"),
        .nodes(
            "next on an exit node", "  - id: a\n    type: exit\n    next: a\n",
            "workflows/w.yaml:5:5: warning: an exit node has no next; 'next' is ignored"),
        .nodes(
            "email without subject", "  - id: a\n    type: sendEmail\n    body: hi\n",
            "workflows/w.yaml:3:5: error: missing required key 'subject' in node 'a'"),
        DiagnosticCase(
            "workflow id differs from file name", ["workflows/welcome.yaml": "id: welcome-series\nnodes:\n  - {id: a, type: exit}\n"],
            ["workflows/welcome.yaml:1:5: warning: workflow id 'welcome-series' does not match the file name 'welcome.yaml' (rename the file to 'welcome-series.yaml' or change the id)"]),
        DiagnosticCase(
            "empty node list", ["workflows/w.yaml": "id: w\nnodes: []\n"],
            ["workflows/w.yaml:2:8: error: a workflow needs at least one node"]),
        DiagnosticCase(
            "missing nodes", ["workflows/w.yaml": "id: w\nname: W\n"],
            ["workflows/w.yaml:1:1: error: missing required key 'nodes' in workflow"]),
        DiagnosticCase(
            "unknown start kind", ["workflows/w.yaml": "id: w\nstart: {kind: evnt}\nnodes: [{id: a, type: exit}]\n"],
            ["workflows/w.yaml:2:15: error: unknown start kind 'evnt' (did you mean 'event'?)"]),
        DiagnosticCase(
            "bad limit", ["workflows/w.yaml": "id: w\nlimits: {lifetime: 0}\nnodes: [{id: a, type: exit}]\n"],
            ["workflows/w.yaml:2:20: error: 'lifetime' in limits must be an integer of at least 1, found '0'"]),
        DiagnosticCase(
            "top level is a list", ["workflows/w.yaml": "- id: w\n"],
            ["workflows/w.yaml:1:1: error: workflow must be a mapping, found a list"]),
        DiagnosticCase(
            "empty workflow file", ["workflows/w.yaml": ""], ["workflows/w.yaml:1:1: error: empty file; expected a workflow"]),
        DiagnosticCase(
            "YAML broken at the end of a file with no final line break", ["workflows/w.yaml": "id: w\nnodes: []\nbroken"],
            ["workflows/w.yaml:3:7: error: invalid YAML: could not find expected ':' (while scanning a simple key that starts at line 3, column 1)"]),
        DiagnosticCase(
            // Found at the end of the file; the quote left open is where to look.
            "a quote left open", ["workflows/w.yaml": "id: w\nname: \"Welcome\nnodes: []\n"],
            ["workflows/w.yaml:4:1: error: invalid YAML: found unexpected end of stream (while scanning a quoted scalar that starts at line 2, column 7)"]),
        DiagnosticCase(
            "duplicate YAML key with CRLF line ends", ["workflows/w.yaml": "id: w\r\nname: é\r\nid: x\r\nnodes: []\r\n"],
            ["workflows/w.yaml:3:1: error: duplicate key 'id' (each key may appear once in a mapping)"]),
        DiagnosticCase(
            "duplicate YAML key", ["workflows/w.yaml": "id: w\nnodes: []\nid: x\n"],
            ["workflows/w.yaml:3:1: error: duplicate key 'id' (each key may appear once in a mapping)"]),
        DiagnosticCase(
            "duplicate key in a step", ["workflows/w.yaml": "# Steps.\nid: w\nnodes:\n  - id: a\n    type: exit\n    # again:\n    type: delay\n"],
            ["workflows/w.yaml:7:5: error: duplicate key 'type' (each key may appear once in a mapping)"]),
        DiagnosticCase(
            "tab indentation", ["workflows/w.yaml": "id: w\nnodes:\n\t- id: a\n"],
            ["workflows/w.yaml:3:1: error: invalid YAML: found character that cannot start any token"]),
    ]

    static let rawInAHeader =
        "a raw merge parameter ({{{…}}} or {{& …}}) in a header is written as it is: a value holding a line break "
        + "(CR, LF) or NUL is refused when the request is sent (write {{…}} (a header value is never escaped either way) "
        + "and keep line breaks out of the value)"

    static let webhookCases: [DiagnosticCase] = [
        .file(
            "auth that is a list, reported once", "webhooks/m.yaml", "id: m\nurl: https://x.example\nauth: [basic]\n",
            ["webhooks/m.yaml:3:7: error: auth must be a mapping, found a list"]),
        // QA: YAML keeps both keys, HTTP takes them as one header, and both were sent.
        .file(
            "a header name given twice in different cases", "webhooks/m.yaml",
            "id: m\nurl: https://x.example\nheaders:\n  content-type: text/plain\n  X-A: a\n  Content-Type: application/xml\n",
            ["webhooks/m.yaml:6:3: error: header 'Content-Type' is also given as 'content-type': header names are case-insensitive (keep one of them)"]),
        .file(
            "header names that could not be sent", "webhooks/m.yaml",
            "id: m\nurl: https://x.example\nheaders:\n  X Campaign: a\n  \"X-A: b\": c\n  \"X-Ok\\r\\nX-Evil\": d\n  X-Fine: e\n",
            [
                "webhooks/m.yaml:4:3: error: \"X Campaign\" is not a header name (a header name is letters, digits and !#$%&'*+-.^_`|~, without spaces or a colon)",
                "webhooks/m.yaml:5:3: error: \"X-A: b\" is not a header name (a header name is letters, digits and !#$%&'*+-.^_`|~, without spaces or a colon)",
                "webhooks/m.yaml:6:3: error: \"X-Ok\\r\\nX-Evil\" is not a header name (a header name is letters, digits and !#$%&'*+-.^_`|~, without spaces or a colon)",
            ]),
        .file(
            "reserved header names (delivery.md §5.2)", "webhooks/m.yaml",
            "id: m\nurl: https://x.example\nheaders:\n  Host: \"{{firstName}}.internal\"\n  webhook-id: msg_fixed\n"
                + "  Transfer-Encoding: chunked\n  Connection: \"close, Upgrade\"\n  Proxy-Authorization: x\n  Content-Type: application/vnd.api+json\n",
            [
                "webhooks/m.yaml:4:3: error: 'Host' is set by the HTTP client from the URL and the body; it cannot be configured (remove the header)",
                "webhooks/m.yaml:5:3: error: 'webhook-id' is a Standard Webhooks header Hookline sets on every attempt (id, timestamp, signature) (remove the header)",
                "webhooks/m.yaml:6:3: error: 'Transfer-Encoding' is set by the HTTP client from the URL and the body; it cannot be configured (remove the header)",
                "webhooks/m.yaml:7:3: error: 'Connection' is set by the HTTP client from the URL and the body; it cannot be configured (remove the header)",
                "webhooks/m.yaml:8:3: error: 'Proxy-Authorization' is set by the HTTP client from the URL and the body; it cannot be configured (remove the header)",
            ]),
        .file(
            "an Authorization header next to auth, and a constant Idempotency-Key", "webhooks/m.yaml",
            "id: m\nurl: https://x.example\nauth: {type: bearer, token: \"{{secret.t}}\"}\nheaders:\n  Authorization: Bearer other\n  Idempotency-Key: fixed\n",
            [
                "webhooks/m.yaml:5:3: warning: 'Authorization' replaces the Authorization header of auth type 'bearer' (keep one: remove the header or set auth: {type: none})",
                "webhooks/m.yaml:6:20: warning: a constant Idempotency-Key is the same on every delivery: a receiver that honours it keeps only the first (remove it to send each delivery's webhook-id, or merge a parameter: {{orderId}})",
            ]),
        .file(
            "a raw merge parameter in the URL", "webhooks/m.yaml",
            "id: m\nurl: \"https://x.example/crm/{{{firstName}}}?q={{& note}}&ok={{plan}}\"\n",
            [
                "webhooks/m.yaml:2:29: warning: template in 'url': a raw merge parameter ({{{…}}} or {{& …}}) is not percent-encoded in a URL: a value holding '/', '?', '#' or '&' changes the request, and one with a line break is refused (write {{…}}, which encodes the value for the path or query)",
                "webhooks/m.yaml:2:47: warning: template in 'url': a raw merge parameter ({{{…}}} or {{& …}}) is not percent-encoded in a URL: a value holding '/', '?', '#' or '&' changes the request, and one with a line break is refused (write {{…}}, which encodes the value for the path or query)",
            ]),
        // A header value is never escaped, raw or not; the send refuses one holding a line break.
        .file(
            "a raw merge parameter in a header and in a bearer token", "webhooks/m.yaml",
            "id: m\nurl: https://x.example\nheaders:\n  X-Note: \"{{{note}}}\"\n  X-Plan: \"{{plan}}\"\nauth: {type: bearer, token: \"{{& tok}}\"}\n",
            [
                "webhooks/m.yaml:4:12: warning: template in 'headers.X-Note': \(rawInAHeader)",
                "webhooks/m.yaml:6:30: warning: template in 'token': \(rawInAHeader)",
            ]),
        .file(
            "a system webhook header name with a space", "system-webhooks/s.yaml",
            "id: s\nendpoint: https://bi.example.com/e\nevents: [emailSend]\nheaders: {X Team: bi}\n",
            ["system-webhooks/s.yaml:4:11: error: \"X Team\" is not a header name (a header name is letters, digits and !#$%&'*+-.^_`|~, without spaces or a colon)"]),
        .file(
            "unknown method", "webhooks/m.yaml", "id: m\nmethod: POTS\nurl: https://x.example\n",
            ["webhooks/m.yaml:2:9: error: unknown HTTP method 'POTS' (expected GET, POST, PUT, PATCH or DELETE)"]),
        .file(
            "missing url", "webhooks/m.yaml", "id: m\n",
            ["webhooks/m.yaml:1:1: error: missing required key 'url' in webhook"]),
        .file(
            "templated host", "webhooks/m.yaml", "id: m\nurl: \"https://{{host}}/x\"\n",
            ["webhooks/m.yaml:2:6: error: invalid url 'https://{{host}}/x': URL host must be literal (templates are allowed only in the path and query)"]),
        .file(
            "templated scheme", "webhooks/m.yaml", "id: m\nurl: \"{{base}}/x\"\n",
            ["webhooks/m.yaml:2:6: error: invalid url '{{base}}/x': URL scheme and host must be literal (templates are allowed only in the path and query)"]),
        .file(
            "ftp scheme", "webhooks/m.yaml", "id: m\nurl: ftp://x.example/a\n",
            ["webhooks/m.yaml:2:6: error: invalid url 'ftp://x.example/a': URL scheme must be http or https, found 'ftp'"]),
        .file(
            "no scheme", "webhooks/m.yaml", "id: m\nurl: x.example/a\n",
            ["webhooks/m.yaml:2:6: error: invalid url 'x.example/a': URL must start with http:// or https://"]),
        // Every send refuses it: validate says so first (QA, session 21), quoting it escaped.
        .file(
            "a tab and a line break in the url", "webhooks/m.yaml", "id: m\nurl: \"https://x.example/a\\tb?q=1\\r\\nX-Evil: y\"\n",
            ["webhooks/m.yaml:2:6: error: invalid url 'https://x.example/a<U+0009>b?q=1<U+000D><U+000A>X-Evil: y': URL holds a control character (tab, CR, LF, NUL …), which no request line may carry (remove it; a value that needs one is percent-encoded, as %09 or %0A)"]),
        .file(
            "no host", "webhooks/m.yaml", "id: m\nurl: https:///a\n",
            ["webhooks/m.yaml:2:6: error: invalid url 'https:///a': URL has no host"]),
        // The url is quoted in the message: a password in it is not.
        .file(
            "no host after a password", "webhooks/m.yaml", "id: m\nurl: https://ada:pw-4f9d2c@/a\n",
            ["webhooks/m.yaml:2:6: error: invalid url 'https://ada:\(SecretMasker.mask)@/a': URL has no host"]),
        .file(
            "unknown body type", "webhooks/m.yaml", "id: m\nurl: https://x.example\nbody: {type: xml}\n",
            ["webhooks/m.yaml:3:14: error: unknown body type 'xml' (expected json, form, raw or none)"]),
        .file(
            "json body without template", "webhooks/m.yaml", "id: m\nurl: https://x.example\nbody: {type: json}\n",
            ["webhooks/m.yaml:3:7: error: missing required key 'template' in body"]),
        .file(
            "body on a GET", "webhooks/m.yaml", "id: m\nmethod: GET\nurl: https://x.example\nbody: {type: json, template: '{}'}\n",
            ["webhooks/m.yaml:4:7: warning: GET requests carry no body; the body is ignored (remove 'body' or change the method)"]),
        .file(
            "unknown auth type", "webhooks/m.yaml", "id: m\nurl: https://x.example\nauth: {type: digest}\n",
            ["webhooks/m.yaml:3:14: error: unknown auth type 'digest' (expected none, basic, bearer or oauth2cc)"]),
        .file(
            "bearer without token", "webhooks/m.yaml", "id: m\nurl: https://x.example\nauth: {type: bearer}\n",
            ["webhooks/m.yaml:3:7: error: missing required key 'token' in auth"]),
        .file(
            "bad webhook timeout", "webhooks/m.yaml", "id: m\nurl: https://x.example\ntimeout: soon\n",
            ["webhooks/m.yaml:3:10: error: invalid duration 'soon' for 'timeout' (write a number and a unit: 500ms, 90s, 5m, 2h, 2d or 1w)"]),
        .file(
            "webhook timeout over an hour", "webhooks/m.yaml", "id: m\nurl: https://x.example\ntimeout: 2h\n",
            ["webhooks/m.yaml:3:10: error: 'timeout' must be at most 1h: an attempt holds a connection and a delivery slot that long (write, say, 30s)"]),
        .file(
            "retry delay over 100 years", "webhooks/m.yaml", "id: m\nurl: https://x.example\nretries: [5s, 100000000w]\n",
            ["webhooks/m.yaml:3:15: error: 'retries' must be at most 100 years, found '100000000w' (write, say, 52w)"]),
        .file(
            "zero webhook timeout", "webhooks/m.yaml", "id: m\nurl: https://x.example\ntimeout: 0s\n",
            ["webhooks/m.yaml:3:10: error: 'timeout' must be at least 1 ms: every attempt would fail at once (write, say, 10s)"]),
        .file(
            "sub-millisecond delivery timeout", "hookline.yaml", "name: t\ndelivery: {timeout: 0.5ms}\n",
            ["hookline.yaml:2:21: error: 'timeout' must be at least 1 ms: every attempt would fail at once (write, say, 10s)"]),
        .file(
            "unknown webhook key", "webhooks/m.yaml", "id: m\nurl: https://x.example\nheader: {A: b}\n",
            ["webhooks/m.yaml:3:1: warning: unknown key 'header' in webhook (did you mean 'headers'?)"]),
        .file(
            "webhook id differs from file name", "webhooks/m.yaml", "id: n\nurl: https://x.example\n",
            ["webhooks/m.yaml:1:5: warning: webhook id 'n' does not match the file name 'm.yaml' (rename the file to 'n.yaml' or change the id)"]),
        .file(
            "unknown system event", "system-webhooks/s.yaml", "id: s\nendpoint: https://x.example\nevents: [emailSend, emailOpened]\n",
            ["system-webhooks/s.yaml:3:21: warning: unknown system webhook event 'emailOpened' (did you mean 'emailOpen'?)"]),
        .file(
            "oauth on a system webhook", "system-webhooks/s.yaml",
            "id: s\nendpoint: https://x.example\nauth: {type: oauth2cc}\nevents: [emailSend]\n",
            ["system-webhooks/s.yaml:3:14: error: auth type 'oauth2cc' is not supported here (expected none, basic or bearer)"]),
        // Iterable fills only its campaign and journey ids and names in a system webhook's URL
        // (domain.md §1.2): `{{email}}` there is always blank, and a misspelled name too.
        .file(
            "a system webhook endpoint merge Iterable leaves blank", "system-webhooks/s.yaml",
            "id: s\nendpoint: https://x.example/e?wf={{workflowName}}&to={{email}}&c={{campaignID}}\nevents: [emailSend]\n",
            [
                "system-webhooks/s.yaml:2:56: warning: merge parameter 'email' always renders blank in a system webhook endpoint, as in Iterable (the endpoint takes only campaignId, campaignName, templateId, templateName, channelId, workflowId, workflowName, experimentId or messageTypeId; the payload carries the other fields)",
                "system-webhooks/s.yaml:2:68: warning: merge parameter 'campaignID' always renders blank in a system webhook endpoint, as in Iterable (did you mean 'campaignId'?)",
            ]),
        .file(
            "system webhook without events", "system-webhooks/s.yaml", "id: s\nendpoint: https://x.example\n",
            ["system-webhooks/s.yaml:1:1: error: missing required key 'events' in system webhook"]),
        .file(
            "bad settings", "hookline.yaml", "name: X\ndelivery: {maxInFlight: lots, timout: 5s}\nnetwork: {allow: [10.0.0.0/33]}\n",
            [
                "hookline.yaml:2:25: error: 'maxInFlight' in delivery must be an integer of at least 1, found 'lots'",
                "hookline.yaml:2:31: warning: unknown key 'timout' in delivery (did you mean 'timeout'?)",
                "hookline.yaml:3:19: error: invalid network allow entry '10.0.0.0/33' (use a CIDR such as 10.0.0.0/8 or 127.0.0.1/32, an IP address, or a host name)",
            ]),
        .file(
            "duplicate workflow id after a comment", "workflows/x.yaml", "# A copy.\nid: flow\nnodes:\n  - id: a\n    type: exit\n",
            [
                "workflows/x.yaml:2:5: error: duplicate workflow id 'flow'; this file is skipped (also defined in workflows/flow.yaml)",
                "workflows/x.yaml:2:5: warning: workflow id 'flow' does not match the file name 'x.yaml' (rename the file to 'flow.yaml' or change the id)",
            ]),
        .file(
            "an id that cannot name a file", "workflows/bad.yaml", "id: Bad Id!\nnodes:\n  - id: a\n    type: exit\n",
            [
                "workflows/bad.yaml:1:5: error: workflow id 'Bad Id!' cannot name a file (an id is letters, digits, '-', '_' and '.', not starting with a dot)"
            ]),
        // An unknown scheme stopped the reading before the secret was looked for.
        .file(
            "unknown signing scheme and no secret, both reported", "webhooks/s.yaml", "id: s\nurl: https://x.example\nsigning: {scheme: hmac}\n",
            [
                "webhooks/s.yaml:3:10: error: missing required key 'secret' in signing",
                "webhooks/s.yaml:3:19: error: unknown signing scheme 'hmac' (expected standard-webhooks)",
            ]),
        .file(
            "duplicate webhook id", "webhooks/z.yaml", "id: hook\nurl: https://x.example\n",
            [
                "webhooks/z.yaml:1:5: error: duplicate webhook id 'hook'; this file is skipped (also defined in webhooks/hook.yaml)",
                "webhooks/z.yaml:1:5: warning: webhook id 'hook' does not match the file name 'z.yaml' (rename the file to 'hook.yaml' or change the id)",
            ]),
    ]

    @Test(arguments: workflowCases)
    func workflowDiagnostics(_ testCase: DiagnosticCase) {
        let workspace = WorkspaceLoader.load(files: testCase.files)
        #expect(workspace.diagnostics.map(\.description) == testCase.expected)
    }

    @Test(arguments: webhookCases)
    func webhookAndSettingsDiagnostics(_ testCase: DiagnosticCase) {
        let workspace = WorkspaceLoader.load(files: testCase.files)
        #expect(workspace.diagnostics.map(\.description) == testCase.expected)
    }

    /// A loop that waits in it (a weekly reminder until the user converts) is a workflow users write.
    @Test func aLoopWithADelayInItIsFine() {
        let nodes = "  - id: remind\n    type: sendEmail\n    subject: Hi\n    next: wait\n"
            + "  - id: wait\n    type: delay\n    duration: 7d\n    next: bought\n"
            + "  - id: bought\n    type: yesNo\n    condition: {all: [{field: paid, op: exists}]}\n    next: {yes: exit, no: remind}\n"
        #expect(WorkspaceLoader.load(files: WorkspaceTestFiles.withWorkflow(nodes)).diagnostics.map(\.description) == [])
    }

    @Test func renderedDiagnosticPointsAtTheValue() throws {
        let files = WorkspaceTestFiles.withWorkflow("  - id: a\n    type: callWebhok\n")
        let diagnostic = try #require(WorkspaceLoader.load(files: files).diagnostics.first)
        #expect(diagnostic.rendered(source: files["workflows/w.yaml"]) == """
            workflows/w.yaml:4:11: error: unknown node type 'callWebhok' (did you mean 'callWebhook'?)
                type: callWebhok
                      ^
            """)
    }

    /// A file with CRLF line ends shows its line too (Swift reads `\r\n` as one Character), and a
    /// line of a megabyte shows the part around the column, not the whole line.
    @Test func renderedDiagnosticShowsACRLFLineAndCutsALongOne() {
        let diagnostic = Diagnostic(path: "t.hbs", line: 2, column: 5, message: "unclosed")
        #expect(diagnostic.rendered(source: "first\r\nab  {{#if\r\nlast\r\n") == "t.hbs:2:5: error: unclosed\nab  {{#if\n    ^")

        let long = String(repeating: "a", count: 1_000_000) + "{{#if" + String(repeating: "b", count: 1_000_000)
        let far = Diagnostic(path: "t.hbs", line: 1, column: 1_000_001, message: "unclosed")
        let lines = far.rendered(source: long).split(separator: "\n", omittingEmptySubsequences: false)
        #expect(lines.count == 3)
        #expect(lines[1].count == Diagnostic.shownLineLength + 2 && lines[1].hasPrefix("…") && lines[1].hasSuffix("…"))
        let caret = lines[2].count - 1
        #expect(lines[1].dropFirst(caret).hasPrefix("{{#if"), "\(lines[1])")
    }

    /// A literal secret in the shown line is masked, and the caret still stands under the token
    /// it pointed at: after a mask, or at its start when it pointed inside the secret.
    @Test func renderedLineHidesALiteralSecretAndKeepsTheCaretOnItsToken() throws {
        let line = #"auth: {type: basic, username: "u_live_1234", password: "hunter2-x", extr: 1}"#
        let shown = #"auth: {type: basic, username: "••••••", password: "••••••", extr: 1}"#
        let source = "id: w\n" + line + "\n"
        let secrets = ["u_live_1234", "hunter2-x"].compactMap { source.range(of: $0) }
        func column(of token: String, in text: String) throws -> Int {
            text.distance(from: text.startIndex, to: try #require(text.range(of: token)).lowerBound)
        }
        let after = Diagnostic(path: "webhooks/w.yaml", line: 2, column: try column(of: "extr", in: line) + 1, message: "unknown key")
        #expect(after.rendered(source: source, hiding: secrets) == """
            \(after.description)
            \(shown)
            \(String(repeating: " ", count: try column(of: "extr", in: shown)))^
            """)
        let inside = Diagnostic(path: "webhooks/w.yaml", line: 2, column: try column(of: "ter2", in: line) + 1, message: "bad password")
        #expect(inside.rendered(source: source, hiding: secrets) == """
            \(inside.description)
            \(shown)
            \(String(repeating: " ", count: try column(of: "••••••\", extr", in: shown)))^
            """)
    }

    /// An emoji or a CJK character takes two terminal columns: the caret still stands under the
    /// token, not one column short of it per wide character.
    @Test(arguments: [
        ("😀 {{#if}}x{{/if}}", "      ^"),
        ("日本語 {{#if}}x{{/if}}", "          ^"),
        ("😀日本 {{#if vip}}yes", "       ^"),
    ])
    func renderedCaretCountsWideCharactersAsTwoColumns(source: String, caretLine: String) throws {
        var template: TemplateError?
        do { _ = try Template(parsing: source) } catch { template = error }
        let error = try #require(template)
        let diagnostic = Diagnostic(path: "t.hbs", line: error.line, column: error.column, message: error.message)
        #expect(diagnostic.rendered(source: source) == "\(diagnostic.description)\n\(source)\n\(caretLine)")
    }
}

extension WorkspaceDiagnosticsTests {
    @Test func methodTypoGetsASuggestion() {
        var files = WorkspaceTestFiles.valid
        files["webhooks/m.yaml"] = "id: m\nmethod: PUTT\nurl: https://x.example\n"
        #expect(WorkspaceLoader.load(files: files).diagnostics.map(\.description) == [
            "webhooks/m.yaml:2:9: error: unknown HTTP method 'PUTT' (did you mean 'PUT'?)"
        ])
    }
}
