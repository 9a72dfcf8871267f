/// Running a migration's verify section: the one way `migrate` (inside the migration's
/// transaction) and `verify` (inside a transaction rolled back) check it.
enum VerifySection {
    /// Each statement of `migration`'s verify section must succeed, and a query's first column of
    /// its first row must be true. Does nothing when there is no verify section.
    /// - Throws: the engine's error, or `EngineError.assertionFailed` naming the file and line of
    ///   the first statement that does not hold.
    static func check(_ migration: Migration, on engine: DatabaseEngine) throws {
        guard let verify = migration.verify else { return }
        for statement in StatementSplitter.split(verify) where try !engine.evaluateAssertion(statement) {
            throw EngineError.assertionFailed(file: statement.file, line: statement.firstStatementLine,
                                              statement: statement.text.trimmingCharacters(in: .whitespacesAndNewlines))
        }
    }
}
