/// The YAML of the demo's three workflows, each modelled on an Iterable webhook use case.
enum DemoWorkflowFiles {
    static let directMail = """
        # Direct mail: when someone signs up, a print-and-mail partner (Lob-style) sends them a
        # welcome letter. Two days later, pro users get a follow-up email; everyone else exits.
        id: direct-mail
        name: Direct mail welcome
        enabled: true
        start: {kind: event, event: signup}
        limits: {lifetime: 1, simultaneous: 1}
        nodes:
          # POST the user's name and postal address to the letters API (webhooks/lob-letter.yaml).
          - id: send-letter
            type: callWebhook
            webhook: lob-letter
            onError: exit
            next: wait
          # Give the letter time to arrive.
          - id: wait
            type: delay
            duration: 2d
            next: is-pro
          # Only paying pro users get the follow-up; the no branch leaves the journey.
          - id: is-pro
            type: yesNo
            condition: {all: [{field: plan, op: equals, value: pro}]}
            next: {yes: follow-up, no: exit}
          - id: follow-up
            type: sendEmail
            subject: 'Did your letter arrive, {{defaultIfEmpty firstName "friend"}}?'
            body: |
              Hi {{defaultIfEmpty firstName "friend"}},
              we mailed a welcome letter to you in {{address.city}}. Enjoy your pro plan!

        """

    static let enrichment = """
        # Enrichment: after a purchase, ask a data partner about the buyer. The partner answers a
        # GET with JSON that is merged into the profile (Iterable's Update User Profile webhook).
        # Gold buyers are pushed to the CRM as VIPs and join the vip list; silver and bronze
        # buyers get one of two offers, half and half, recorded on their profile.
        id: enrichment
        name: Partner enrichment
        enabled: true
        start: {kind: event, event: purchase}
        nodes:
          # GET <receiver>/profile?email=<email>; the response, e.g. {"tier": "gold"}, updates the profile.
          - id: enrich
            type: updateProfileWebhook
            webhook: partner-profile
            mergeNestedObjects: false
            onError: continue
            next: by-tier
          # Branch on a field the partner just returned; anyone without a tier leaves.
          - id: by-tier
            type: attributeSplit
            field: tier
            branches: {gold: gold, other: [silver, bronze]}
            next: {gold: mark-vip, other: offer, else: exit}
          # PUT the enriched profile to the CRM (webhooks/crm-vip.yaml).
          - id: mark-vip
            type: callWebhook
            webhook: crm-vip
            onError: exit
            next: join-vip
          - id: join-vip
            type: addToList
            list: vip
          # An A/B test of two offers; each buyer's branch is fixed by their journey.
          - id: offer
            type: abSplit
            branches: {discount: 50, shipping: 50}
            next: {discount: offer-discount, shipping: offer-shipping}
          - id: offer-discount
            type: updateProfile
            fields: {offer: 10% off, offeredIn: "{{workflowName}}"}
          - id: offer-shipping
            type: updateProfile
            fields: {offer: free shipping, offeredIn: "{{workflowName}}"}

        """

    static let biSink = """
        # BI sink: every page view is forwarded to an analytics collector as a form post, the way
        # teams feed Iterable events into their warehouse.
        id: bi-sink
        name: Page views to BI
        enabled: true
        start: {kind: event, event: pageView}
        nodes:
          - id: forward
            type: callWebhook
            webhook: bi-events
            onError: exit
            next: done
          - id: done
            type: exit

        """
}
