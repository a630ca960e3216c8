/// The panes that can hold focus, in Tab order.
public enum Pane: String, Sendable, Hashable, CaseIterable {
    case workflows
    case workflow
    case traffic

    var bindingGroup: BindingGroup {
        switch self {
        case .workflows: .workflows
        case .workflow: .workflow
        case .traffic: .traffic
        }
    }

    var next: Pane {
        let all = Pane.allCases
        let index = all.firstIndex(of: self) ?? 0
        return all[(index + 1) % all.count]
    }

    var previous: Pane {
        let all = Pane.allCases
        let index = all.firstIndex(of: self) ?? 0
        return all[(index + all.count - 1) % all.count]
    }
}
