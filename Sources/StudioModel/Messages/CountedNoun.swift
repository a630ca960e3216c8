/// `1 journey`, `3 journeys`: a count and its noun, singular for one, as messages say them.
///
/// ```swift
/// counted(1, "delivery", "deliveries")  // "1 delivery"
/// counted(3, "journey")                 // "3 journeys"
/// ```
public func counted(_ count: Int, _ singular: String, _ plural: String? = nil) -> String {
    "\(count) \(count == 1 ? singular : plural ?? singular + "s")"
}
