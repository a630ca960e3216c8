import StudioModel

/// What users/update and users/bulkUpdate's merge did (``StateStore/mergeUsersKeepingTypes(_:createNewFields:)``):
/// the updates it left out, and the fields it added to the project or dropped, which Iterable's
/// bulk answers list.
public struct KeptTypesMerge: Sendable, Equatable {
    /// The conflicts of the updates left out, each naming its user and its index in the updates.
    public var leftOut: [ProfileMerge.FieldTypeConflict] = []
    /// Top-level fields no user had before, in the order they were first stored (`createdFields`).
    public var createdFields: [String] = []
    /// Top-level fields dropped because no user had them and `createNewFields` was false, in the
    /// order they were first met (`filteredOutFields`).
    public var filteredOutFields: [String] = []

    public init(
        leftOut: [ProfileMerge.FieldTypeConflict] = [], createdFields: [String] = [], filteredOutFields: [String] = []
    ) {
        self.leftOut = leftOut
        self.createdFields = createdFields
        self.filteredOutFields = filteredOutFields
    }
}
