import LifeboatCore
/// Finds statements that PostgreSQL refuses inside a transaction block (SPEC "Lint", v2: errors,
/// not warnings): `CREATE [UNIQUE] INDEX CONCURRENTLY`, `DROP INDEX CONCURRENTLY`, `REINDEX …
/// CONCURRENTLY`, `ALTER TABLE … DETACH PARTITION … CONCURRENTLY`, `VACUUM`, `CREATE DATABASE` and
/// `ALTER SYSTEM`. In a migration that runs in Lifeboat's transaction they can only fail, after the
/// snapshot and after the earlier statements ran, so the catalog refuses them up front (exit 3);
/// allow-destructive never allows them — `-- lifeboat:no-transaction` is the fix.
///
/// `REFRESH MATERIALIZED VIEW CONCURRENTLY` runs inside a transaction and is not refused. The
/// check is engine-neutral: on SQLite only `VACUUM` can be written at all (it cannot run in a
/// transaction there either); the others are not SQLite syntax.
///
/// Fed one token at a time by `SectionCheck`, so it keeps only the statement's first words.
struct NoTransactionStatements {
    /// The words of the current statement seen so far (keywords and unquoted identifiers only).
    private var wordCount = 0
    /// The statement's first word and its line.
    private var verb: (word: Verb, line: Int)?
    /// `CREATE INDEX`/`CREATE UNIQUE INDEX`/`DROP INDEX`: the word position where `CONCURRENTLY` may follow.
    private var concurrentlyAt: Int?
    /// `REINDEX`, or `ALTER` after `DETACH`: `CONCURRENTLY` anywhere later counts.
    private var concurrentlyAnywhere = false

    private enum Verb: String { case create = "CREATE", drop = "DROP", reindex = "REINDEX", alter = "ALTER", other = "" }

    /// Starts a new statement.
    mutating func reset() {
        wordCount = 0
        verb = nil
        concurrentlyAt = nil
        concurrentlyAnywhere = false
    }

    /// Feeds the next word token of the statement; returns the statement's name (e.g.
    /// `CREATE INDEX CONCURRENTLY`) and its line when the statement needs `no-transaction`.
    mutating func feed(word token: SQLToken, in bytes: UnsafeBufferPointer<UInt8>) -> (line: Int, statement: String)? {
        func its(_ word: StaticString) -> Bool { StatementSplitter.keyword(token, in: bytes, is: word) }
        wordCount += 1
        guard let (verb, line) = verb else {
            if its("VACUUM") { return (token.line, "VACUUM") }
            let word: Verb = its("CREATE") ? .create : its("DROP") ? .drop : its("REINDEX") ? .reindex : its("ALTER") ? .alter : .other
            verb = (word, token.line)
            concurrentlyAnywhere = word == .reindex
            return nil
        }
        if its("CONCURRENTLY"), concurrentlyAnywhere || concurrentlyAt == wordCount {
            switch verb {
            case .reindex: return (line, "REINDEX … CONCURRENTLY")
            case .alter: return (line, "DETACH PARTITION … CONCURRENTLY")
            default: return (line, verb.rawValue + " INDEX CONCURRENTLY")
            }
        }
        switch (wordCount, verb) {
        case (2, .create) where its("DATABASE"): return (line, "CREATE DATABASE")
        case (2, .alter) where its("SYSTEM"): return (line, "ALTER SYSTEM")
        case (2, .create), (2, .drop): if its("INDEX") { concurrentlyAt = 3 } else if verb == .create, its("UNIQUE") { concurrentlyAt = -1 }
        case (3, .create): if concurrentlyAt == -1, its("INDEX") { concurrentlyAt = 4 }
        case (_, .alter): if its("DETACH") { concurrentlyAnywhere = true }
        default: break
        }
        return nil
    }
}
