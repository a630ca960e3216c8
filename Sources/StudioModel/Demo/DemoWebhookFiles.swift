/// The YAML of the demo's workflow webhooks and its system webhook, aimed at a receiver base URL.
enum DemoWebhookFiles {
    static func lobLetter(base: String) -> String {
        """
        # A Lob-style letters API: POST JSON with the recipient's name and address.
        # The API key is a secret (.hookline/secrets.yaml or HOOKLINE_SECRET_LOB_KEY), sent as the basic-auth user.
        id: lob-letter
        name: Lob welcome letter
        method: POST
        url: "\(base)/v1/letters"
        auth: {type: basic, username: "{{secret.lob_key}}", password: ""}
        headers:
          X-Campaign: "{{workflowName}}"
        body:
          type: json
          # toJson writes the address object as JSON; age is a bare number so it stays an integer.
          template: |
            {
              "description": "Welcome letter",
              "to": {"name": "{{firstName}} {{lastName}}", "address": {{toJson address}}},
              "age": {{age}},
              "plan": "{{plan}}"
            }
        timeout: 10s

        """
    }

    static func partnerProfile(base: String) -> String {
        """
        # A data partner's profile lookup. Update Profile webhooks always GET; the executor appends
        # ?email=<email> and merges the JSON response into the user's profile.
        id: partner-profile
        name: Partner profile lookup
        method: GET
        url: "\(base)/profile"
        headers:
          Accept: application/json
        timeout: 5s

        """
    }

    static func crmVIP(base: String) -> String {
        """
        # Mark a user as VIP in the CRM: PUT JSON to a per-user path (templates are allowed in the path).
        id: crm-vip
        name: CRM VIP flag
        method: PUT
        url: "\(base)/crm/contacts/{{email}}"
        auth: {type: bearer, token: "{{secret.crm_token}}"}
        body:
          type: json
          template: |
            {"email": "{{email}}", "vip": true, "tier": "{{tier}}", "plan": "{{plan}}"}

        """
    }

    static func biEvents(base: String) -> String {
        """
        # An analytics collector that takes form posts, one per event.
        id: bi-events
        name: BI event collector
        method: POST
        url: "\(base)/bi/events"
        body:
          type: form
          fields:
            email: "{{email}}"
            event: "{{eventName}}"
            plan: '{{defaultIfEmpty plan "free"}}'

        """
    }

    static func biEmailEvents(base: String) -> String {
        """
        # A system webhook: Iterable-shaped {email, eventName, dataFields} POSTs for every email
        # sent or opened, from any workflow, for the BI warehouse.
        id: bi-email-events
        endpoint: "\(base)/system/email"
        enabled: true
        auth: {type: none}
        events: [emailSend, emailOpen]
        blastSends: true
        triggeredSends: true

        """
    }
}
