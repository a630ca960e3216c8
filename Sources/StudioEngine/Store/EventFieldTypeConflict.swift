import StudioModel

/// An event whose data field has another type than events of its name keep it with (Iterable:
/// types "cannot be changed for user and event fields once set"): it is not stored.
public struct EventFieldTypeConflict: Error, Equatable, Sendable, CustomStringConvertible {
    public var eventName: String
    public var conflict: ProfileMerge.FieldTypeConflict

    public var description: String { "event '\(eventName)': \(conflict)" }
}
