import Yams

extension YamlError {
    /// A syntax error as libyaml reports it: the problem, where it was found and, when libyaml
    /// names one, the construct it was reading (`while parsing a flow sequence`, at its start).
    /// Nil for the errors that are not about the text's syntax.
    package var syntaxProblem: (problem: String, mark: Mark, context: Context?)? {
        switch self {
        case .scanner(let context, let problem, let mark, _), .parser(let context, let problem, let mark, _),
            .composer(let context, let problem, let mark, _):
            (problem, mark, context)
        default:
            nil
        }
    }

    /// `problem`, followed by the construct it was found in when that starts elsewhere: an
    /// unclosed `[` or quote is only found lines later, where the next token does not fit, and
    /// the start of the construct is where the mistake is.
    /// - Parameter place: How a position is written in the message, such as `line 2, column 7`.
    package static func describe(
        _ problem: String, at mark: Mark, in context: Context?, place: (Mark) -> String
    ) -> String {
        guard let context, context.mark.line != mark.line || context.mark.column != mark.column else { return problem }
        return "\(problem) (\(context.text) that starts at \(place(context.mark)))"
    }
}
