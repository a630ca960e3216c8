import StudioModel

extension UserImporter {
    /// Merges imported `rows` into `store` as `hookline users import` does: by email, nested
    /// objects merged, in one transaction.
    ///
    /// A field keeps its type, as in any profile write: a top-level field the type it has in the
    /// project (``StateStore/profileFieldTypes()``), or, for one new to the project, the type the
    /// first row that sets it gives it; a nested field the type the user's stored profile holds.
    /// A CSV cell read as a number or a boolean is stored as its text in a field of type string.
    ///
    /// - Throws: ``ImportError`` naming the line of each row that gives a field a value of another
    ///   type, and nothing is imported, as for any other problem of the file. The store's error
    ///   when it did not take the rows.
    /// - Returns: How many distinct users were created and how many existed already.
    public static func merge(_ rows: [Row], into store: any StateStore) throws -> (created: Int, updated: Int) {
        var types = try store.profileFieldTypes()
        var typedBy: [String: Int] = [:]
        var problems: [ImportError.Problem] = []
        var rows = rows
        for index in rows.indices {
            // A CSV cell is text: one read as a number or a boolean is kept as written for a
            // field that keeps the type string.
            for (field, text) in rows[index].cellTexts where types[field] == .string {
                rows[index].profile[field] = .string(text)
            }
            rows[index].profile = ProfileMerge.coercing(rows[index].profile, toTypesOf: JSONObject(), fieldTypes: types)
            let row = rows[index]
            if let conflict = ProfileMerge.typeConflict(in: row.profile, with: JSONObject(), fieldTypes: types) {
                let origin = typedBy[conflict.field].map { "; line \($0) gave it that type" } ?? ""
                problems.append(.init(line: row.line, message: conflict.description + origin))
            }
            // The row's other fields still give the types the rows after it are held to.
            for (field, value) in row.profile.pairs where field != "email" && ProfileMerge.isMerged(field) {
                guard types[field] == nil, let type = ProfileMerge.FieldType(of: value) else { continue }
                types[field] = type
                typedBy[field] = row.line
            }
        }
        guard problems.isEmpty else { throw ImportError(problems: problems) }
        do {
            return try store.mergeUsers(
                rows.map(\.profile), mergeNestedObjects: true, keepingTypes: true, createNewFields: true)
        } catch let conflict as ProfileMerge.FieldTypeConflict {
            // A nested field the user's stored profile holds with another type, or a field another
            // process gave a type meanwhile: found in the merge's transaction.
            let line = conflict.update.flatMap { rows.indices.contains($0) ? rows[$0].line : nil }
            throw ImportError(problems: [.init(line: line, message: conflict.description)])
        }
    }
}
