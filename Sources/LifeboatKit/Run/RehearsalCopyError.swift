/// Why `plan --rehearse-on copy` could not make its scratch database.
public enum RehearsalCopyError: LifeboatError {
    /// The role may not create databases (exit 2: a configuration problem, nothing was changed).
    case createDatabaseNotAllowed(database: String, role: String?)

    public var category: ErrorCategory { .usage }

    public var description: String {
        switch self {
        case .createDatabaseNotAllowed(let database, let role):
            let who = role.map { "role \($0)" } ?? "the connecting role"
            return "--rehearse-on copy needs to create a scratch database, but \(who) on \(database) lacks CREATEDB; "
                + "grant it (ALTER ROLE … CREATEDB) or rehearse on the target (leave out --rehearse-on copy). Nothing was changed"
        }
    }
}
