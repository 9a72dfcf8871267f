import LifeboatCore
/// The rules every section of a migration file must follow before anything runs (SPEC "Migration
/// files", v2), checked in one pass over the section's tokens without keeping them:
///
/// - no unterminated `/*` comment, string, quoted identifier or dollar quote — SQLite would take
///   the rest of the file as the comment and silently drop it;
/// - in a section that runs inside Lifeboat's transaction, no `BEGIN`, `START TRANSACTION`,
///   `COMMIT`, `END`, `ROLLBACK` (also `ROLLBACK TO`), `ABORT`, `SAVEPOINT`, `RELEASE [SAVEPOINT]`
///   or `PREPARE TRANSACTION` statement: Lifeboat owns the transaction, and such a statement would
///   commit work without its history row, or roll back work whose history row then commits.
///   Bodies of triggers, functions and `BEGIN ATOMIC` are inside a statement and do not count;
/// - in such a section, none of the statements PostgreSQL refuses in a transaction block
///   (`NoTransactionStatements`: `CREATE INDEX CONCURRENTLY`, `VACUUM`, `CREATE DATABASE`, …).
enum SectionCheck {
    /// What a checked section holds.
    struct Contents {
        /// Any token at all (false: only comments and white space).
        var hasTokens = false
        /// Any statement that is not empty (false for `;;;`).
        var hasStatements = false
    }

    /// Statements that control the transaction, by their first keyword.
    private static let transactionVerbs: [StaticString] = ["BEGIN", "COMMIT", "END", "ROLLBACK", "ABORT", "SAVEPOINT", "RELEASE"]
    /// First keywords that control the transaction only when `TRANSACTION` follows.
    private static let transactionPrefixes: [StaticString] = ["START", "PREPARE"]

    /// Checks `script` (a section of `script.file`, starting at `script.firstLine`).
    /// - Parameter inTransaction: whether the section runs inside Lifeboat's transaction.
    /// - Throws: `CatalogError.unterminated`, `.transactionControl` or `.needsNoTransaction`, with the file line.
    static func check(_ script: SQLScript, inTransaction: Bool) throws -> Contents {
        var source = script.text
        let file = script.file ?? ""
        return try source.withUTF8 { bytes throws -> Contents in
            var contents = Contents()
            var boundaries = StatementBoundaries()
            var found: (line: Int, statement: String)?
            var needsNoTransaction: (line: Int, statement: String)?
            var misuse = NoTransactionStatements()
            /// The `START`/`PREPARE` that began the current statement, waiting for `TRANSACTION`.
            var prefix: SQLToken?
            let unterminated = SQLLexer.scan(bytes) { token in
                contents.hasTokens = true
                let startsStatement = boundaries.position == 0
                let event = boundaries.feed(token, in: bytes)
                if event == .inside { contents.hasStatements = true }
                if startsStatement { misuse.reset() }
                guard inTransaction, token.kind == .word else { prefix = nil; return true }
                if let hit = misuse.feed(word: token, in: bytes) {
                    needsNoTransaction = hit
                    return false
                }
                if let first = prefix {
                    prefix = nil
                    if StatementSplitter.keyword(token, in: bytes, is: "TRANSACTION") {
                        found = (first.line, word(first, bytes) + " TRANSACTION")
                        return false
                    }
                }
                guard startsStatement else { return true }
                if transactionVerbs.contains(where: { StatementSplitter.keyword(token, in: bytes, is: $0) }) {
                    found = (token.line, word(token, bytes))
                    return false
                }
                if transactionPrefixes.contains(where: { StatementSplitter.keyword(token, in: bytes, is: $0) }) { prefix = token }
                return true
            }
            if let found {
                throw CatalogError.transactionControl(file: file, line: script.firstLine + found.line, statement: found.statement)
            }
            if let needsNoTransaction {
                throw CatalogError.needsNoTransaction(file: file, line: script.firstLine + needsNoTransaction.line,
                                                      statement: needsNoTransaction.statement)
            }
            if let unterminated {
                throw CatalogError.unterminated(file: file, line: script.firstLine + unterminated.line, what: unterminated.kind.rawValue)
            }
            return contents
        }
    }

    private static func word(_ token: SQLToken, _ bytes: UnsafeBufferPointer<UInt8>) -> String {
        String(decoding: UnsafeBufferPointer(rebasing: bytes[token.start..<token.end]), as: UTF8.self).uppercased()
    }
}
