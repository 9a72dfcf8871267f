/// A snapshot payload an engine has read, checked and kept in a scratch folder
/// (`DatabaseEngine.checkSnapshot`), ready to go into the database (`restoreStaged`) without
/// reading the payload again — from a remote store, a second download.
public struct StagedSnapshot: Sendable, Equatable {
    /// The staged file, inside the scratch folder the check was given.
    public let path: String

    public init(path: String) {
        self.path = path
    }
}
