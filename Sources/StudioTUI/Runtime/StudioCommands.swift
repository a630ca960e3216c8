import StudioModel

/// What the studio asks of the engine behind it; the studio never imports the engine.
public protocol StudioCommands: Sendable {
    /// Sends delivery `deliveryID` once more and calls `done` (on any thread) with a line for the
    /// status bar; the attempt itself arrives through the traffic source.
    func replay(deliveryID: String, done: @escaping @Sendable (StatusMessage) -> Void)

    /// The body of `record`'s answer decoded from its `Content-Encoding` (gzip or deflate), up to
    /// 64 KiB, masked with the workspace's secrets; nil when it is not coded so or does not decode.
    func decodedResponse(of record: AttemptRecord) -> DecodedResponseContent?

    /// Writes `records` (as stored, masked) to an HTTP Archive and calls `done` with where.
    func exportHAR(_ records: [AttemptRecord], done: @escaping @Sendable (StatusMessage) -> Void)

    /// Writes the request of `record` (as stored, masked) as a curl command to a file and calls
    /// `done` with where.
    func copyAsCurl(_ record: AttemptRecord, done: @escaping @Sendable (StatusMessage) -> Void)

    /// Problems the engine finds in a workspace about to be saved (URLs its network policy
    /// refuses), placed with each file's `text` by relative path.
    func saveTimeDiagnostics(for workspace: Workspace, text: (String) -> String?) -> [Diagnostic]

    /// Makes one real attempt of `webhookID` for the stored user `email` (nil: the first one), no
    /// retries, rendered as step `nodeID` of `workflowID` would render it (nil: the webhook alone), and calls `done` (on
    /// any thread) with a status line and the exchange, or with why there is none.
    func testSend(
        webhookID: String, workflowID: String?, nodeID: String?, email: String?,
        done: @escaping @Sendable (StatusMessage, AttemptRecord?) -> Void)

    /// Renders the request ``testSend(webhookID:workflowID:nodeID:email:done:)`` would make, signed
    /// as it would be, secrets masked, without sending it, and calls `done` (on any thread) with a
    /// status line and the request as a record without a response, or with why there is none.
    func preview(
        webhookID: String, workflowID: String?, nodeID: String?, email: String?,
        done: @escaping @Sendable (StatusMessage, AttemptRecord?) -> Void)

    /// Starts `workflowID` now for `audience`, whatever its trigger (entry limits still apply),
    /// and calls `done` with how many journeys started; their traffic arrives as usual.
    func run(workflowID: String, audience: RunAudience, done: @escaping @Sendable (StatusMessage) -> Void)

    /// Reads `limit` stored users in address order after `after` (nil: from the first) and calls
    /// `done` (on any thread) with them and how many the store holds, or with the error.
    func users(after: String?, limit: Int, done: @escaping @Sendable (Result<UsersPage, any Error>) -> Void)

    /// Reads `limit` stored users in address order before `before` (nil: the last ones) and calls
    /// `done` (on any thread) with them, or with the error.
    func users(before: String?, limit: Int, done: @escaping @Sendable (Result<UsersPage, any Error>) -> Void)

    /// Reads the user `email`'s most recent journeys, newest first, and calls `done` (on any
    /// thread) with them or with the error.
    func journeys(of email: String, done: @escaping @Sendable (Result<[UserJourney], any Error>) -> Void)

    /// Reads the stored user `email` (nil: the first in address order) and calls `done` (on any
    /// thread) with it, nil when there is none, or with the error.
    func user(email: String?, done: @escaping @Sendable (Result<StoredUser?, any Error>) -> Void)

    /// The secret store's values, so the editor can hide them wherever they appear in a file.
    func secretValues() -> [String]

    /// The secrets file changed on disk: read it again, so that requests and ``secretValues()``
    /// use the new values from now on.
    /// - Returns: What is wrong with the file, and where, when it cannot be used (the secrets as
    ///   last read then stay); nil once read.
    func reloadSecrets() -> Diagnostic?

    /// A definition file was saved or changed on disk: run from `workspace`'s workflows and
    /// webhooks from now on.
    func apply(_ workspace: Workspace)

    /// Asks again (off the UI thread; the executor lock may take a second) which process runs
    /// the workspace's journeys instead of the studio, and calls `done` with it: nil once the
    /// studio runs them (the other stopped, and the studio took the workspace over).
    func executorElsewhere(done: @escaping @Sendable (String?) -> Void)

    /// Why the store does not take what the studio runs now (a full disk): the writes wait and
    /// are tried again; nil while every write goes through. Asked once a second.
    func storeFailure() -> String?
}
