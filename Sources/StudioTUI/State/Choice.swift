import StudioModel

/// A short list to choose from over the panes (the step type to add, the step to connect to),
/// chosen with the navigation keys and ⏎.
public struct Choice: Sendable, Equatable {
    public struct Option: Sendable, Equatable {
        public var label: String
        /// What choosing it does.
        public var effects: [Effect]
        /// The tree row to select once the workspace reloads (the new or moved step).
        public var selects: String?
    }

    public var title: String
    public var options: [Option]
    public var selected = 0
}

/// A question in the hint row whose `y` makes `effects` happen; any other key drops it.
public struct Confirmation: Sendable, Equatable {
    public var question: String
    public var effects: [Effect]
    public var selects: String?
}
