/// A problem with what the user asked for: flags, environment, URLs, folders, connections (exit 2).
public enum ConfigurationError: LifeboatError {
    case badDatabaseURL(redacted: String, reason: String)
    case badHistoryTableName(String)
    case badOption(flag: String, value: String, reason: String)
    case missingMigrationsFolder(String)
    case cannotConnect(database: String, reason: String)
    case confirmationRequired(command: String)
    /// The person at the terminal answered no (exit 2, like a missing `--yes`).
    case notConfirmed(command: String)
    case unknownSnapshot(String)
    /// A SQLite target that does not exist, for a command that never creates one (SPEC v2).
    case databaseFileMissing(String)

    public var category: ErrorCategory { .usage }

    public var description: String {
        switch self {
        case .badDatabaseURL(let url, let reason):
            return "bad --database-url '\(url)': \(reason)"
        case .badHistoryTableName(let name):
            return "bad --history-table '\(name)': use letters, digits and '_', starting with a letter or '_', at most 63 characters"
        case .badOption(let flag, let value, let reason):
            return "bad \(flag) '\(value)': \(reason)"
        case .missingMigrationsFolder(let path):
            return "the migrations folder '\(path)' does not exist; create it, or point --migrations (LIFEBOAT_MIGRATIONS) at yours"
        case .cannotConnect(let database, let reason):
            return "cannot connect to \(database): \(reason)"
        case .confirmationRequired(let command):
            return "\(command) changes the database and needs confirmation; without a terminal, pass --yes"
        case .notConfirmed(let command):
            return "\(command) was not confirmed; nothing was changed"
        case .unknownSnapshot(let ref):
            return "no complete snapshot '\(ref)' for this database in the backups folder; `lifeboat snapshots` lists them"
        case .databaseFileMissing(let path):
            return "database file \(path) does not exist; check --database-url (DATABASE_URL), or run `lifeboat migrate` to create it"
        }
    }
}
