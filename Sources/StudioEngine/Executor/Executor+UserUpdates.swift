import StudioModel

/// Iterable's User update tiles: profile fields and static list membership.
extension Executor {
    /// An Update Profile node: sets each field on the journey's profile and saves it, so later
    /// steps and other workflows see the change. Text values render their merge parameters; a
    /// value that is one tag alone (`{{age}}`) keeps the type of what it names, and a raw tag alone
    /// (`{{{name}}}`) gives text. A value of another type than its field keeps in the project is
    /// not set, and logged, as Iterable refuses it.
    /// - Throws: The store's error when it did not take the profile: the journey is left as it
    ///   was, for the step to be made again (``hold(_:after:retry:)``).
    func updateProfile(_ journey: inout Journey, setting fields: [ProfileFieldUpdate], at nodeID: String) throws {
        let context = journey.snapshot(at: nodeID, now: clock.now()).templateContext.adding(secrets: secrets)
        var values: [(field: String, value: JSONValue)] = []
        for update in fields {
            do {
                values.append((update.field, try rendered(update.value, context)))
            } catch {
                // A helper's message quotes the value it could not read, which may be a secret.
                let reason = SecretMasker(secretValues: Array(secrets.values)).mask(error.description)
                logger.warning("workflow \(journey.workflow.id) node \(nodeID): '\(update.field)' not set: \(reason)")
            }
        }
        let refused: [ProfileMerge.FieldTypeConflict]
        if journey.email.isEmpty {
            (journey.profile, refused) = ProfileMerge.settingKeepingTypes(values, in: journey.profile)
        } else {
            // Set on the stored profile, so that a field an API call changed since the journey
            // read it is not written back as it was.
            (journey.profile, refused) = try store.setFieldsKeepingTypes(values, ofUser: journey.email)
            profileWriteStored()
        }
        for conflict in refused {
            logger.warning("workflow \(journey.workflow.id) node \(nodeID): \(conflict); the field was left as it was")
        }
    }

    private func rendered(_ value: JSONValue, _ context: TemplateContext) throws(TemplateError) -> JSONValue {
        guard case .string(let source) = value, source.contains("{{") else { return value }
        let template = try templates.template(source)
        if template.isSingleValueTag { return try template.renderJSON(context).value }
        return .string(try template.render(context, mode: .text))
    }

    /// An Add to List or Remove from List node: the user joins or leaves a static list.
    /// - Throws: The store's error when it did not take the change, for the step to be made
    ///   again (``hold(_:after:retry:)``).
    func updateList(_ list: String, for journey: Journey, adding: Bool) throws {
        if adding {
            try store.addToList(list, emails: [journey.email])
        } else {
            try store.removeFromList(list, emails: [journey.email])
        }
        profileWriteStored()
    }
}
