import ArgumentParser
import StudioEngine
import StudioModel

/// Says on standard error, in one line, that `name` names no `kind` in `place`, with the nearest
/// known name, or all of them when they are few: `error: no webhook 'lettr' in /ws/webhooks/ (did you mean 'letter'?)`.
/// - Parameters:
///   - known: The names there, or the first of them when there are very many (users).
///   - total: How many there are, when `known` holds only some of them.
///   - adding: How to add one, said when there are none.
/// - Returns: The usage exit (64) for the caller to throw: the name was given on the command line.
///   No usage text follows, unlike a `ValidationError`: the command line was well formed.
func unknownName(
    _ kind: String, _ name: String, in place: String, known: [String], total: Int? = nil, adding: String? = nil
) -> ExitCode {
    let count = total ?? known.count
    let hint =
        if count == 0 {
            "there are none" + (adding.map { "; \($0)" } ?? "")
        } else if count <= unknownNameListLimit {
            NameHint.hint(for: name, in: known)
        } else {
            NameHint.suggestion(for: name, in: known) ?? "none of the \(count) there is close"
        }
    printError("error: no \(kind) '\(name)' in \(place) (\(hint))")
    return .validationFailure
}

/// The most names `unknownName` lists when none is close.
private let unknownNameListLimit = 10

/// Says on standard error, one line each, which of `ids` name no delivery of `store`, neither
/// an outbox row nor a test send's attempts: `error: no delivery 'msg_x' in /ws/.hookline/state.sqlite`.
/// - Returns: The usage exit (64) for the caller to throw when any is unknown, as for a
///   webhook or user name (``unknownName(_:_:in:known:total:adding:)``); nil when all are known.
func unknownDeliveries(_ ids: [String], in store: any StateStore, place: String) throws -> ExitCode? {
    var unknown = 0
    for id in ids where try store.delivery(id: id) == nil && store.attempts(deliveryID: id).isEmpty {
        printError("error: no delivery '\(id)' in \(place) (hookline logs lists the stored attempts with their delivery ids)")
        unknown += 1
    }
    return unknown == 0 ? nil : .validationFailure
}
