import Yams

extension YamlError {
    /// A syntax error as libyaml reports it: the problem and where it was found, followed by the
    /// construct libyaml was reading when that starts elsewhere (`while parsing a flow sequence
    /// that starts at line 2, column 7`): an unclosed `[` or quote is only found lines later,
    /// where the next token does not fit, and the start of the construct is where the mistake is.
    /// Nil for the errors that are not about the text's syntax.
    /// - Parameter locate: The line and column a message gives for a position.
    package func syntaxProblem(locating locate: (Mark) -> (line: Int, column: Int)) -> (message: String, mark: Mark)? {
        switch self {
        case .scanner(let context, let problem, let mark, _), .parser(let context, let problem, let mark, _),
            .composer(let context, let problem, let mark, _):
            guard let context, context.mark.line != mark.line || context.mark.column != mark.column else {
                return (problem, mark)
            }
            let start = locate(context.mark)
            return ("\(problem) (\(context.text) that starts at line \(start.line), column \(start.column))", mark)
        default:
            return nil
        }
    }
}
