import Foundation
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
        /// What opens after it is chosen (a form field's editor), if anything.
        public var then: FollowUp?

        public init(label: String, effects: [Effect] = [], selects: String? = nil, then: FollowUp? = nil) {
            self.label = label
            self.effects = effects
            self.selects = selects
            self.then = then
        }
    }

    /// What a chosen option opens.
    public indirect enum FollowUp: Sendable, Equatable {
        case choice(Choice)
        case input(FieldInput)
        case status(StatusMessage)
    }

    public init(title: String, options: [Option], selected: Int = 0, wraps: Bool = false) {
        self.title = title
        self.options = options
        self.selected = selected
        self.wraps = wraps
    }

    public var title: String
    public var options: [Option]
    public var selected = 0
    /// Options are long text read in full (the problems list): the box takes the screen's width
    /// and a label too long for it continues on the next rows.
    public var wraps = false
}

/// A question in the hint row whose `y` makes `effects` happen; any other key drops it.
public struct Confirmation: Sendable, Equatable {
    public var question: String
    public var effects: [Effect]
    public var selects: String?
}

/// A form field's new value being typed in the hint row; ⏎ saves it into `field`'s file.
public struct FieldInput: Sendable, Equatable {
    public var prompt: String
    public var field: FieldTarget
    public var text: String
    /// The value the field had: submitted unchanged, nothing is written (its quoting stays).
    public var original: String
    /// What an empty line means, shown while nothing is typed.
    public var placeholder: String
}
