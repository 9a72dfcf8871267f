extension DatabaseEngine {
    /// Runs `body` inside one transaction and commits it; rolls back when `body` (or the commit)
    /// throws, and returns what `body` returned.
    ///
    /// The one place that pairs `begin` with `commit`/`rollback`, so no caller forgets the
    /// rollback. The error from `body` or the commit is what the caller gets: a rollback that fails
    /// afterwards (a connection lost with the statement) never hides it.
    @discardableResult
    public func inTransaction<T>(_ body: () throws -> T) throws -> T {
        try begin()
        do {
            let result = try body()
            try commit()
            return result
        } catch {
            try? rollback()
            throw error
        }
    }
}
