extension Lifeboat {
    /// Where the database stands: current version, each migration's state, drift, newest snapshot.
    /// Read-only and lock-free.
    public func status() throws -> StatusReport {
        // The newest snapshot is looked up while the database opens (its identity comes from the
        // URL): on PostgreSQL that overlaps the connection instead of following the last query.
        let identity = configuration.databaseURL.identity
        var listed: Result<SnapshotManifest?, Error>?
        let (catalog, engine, history) = try openWithCatalog(prepare: { [configuration] in
            try $0.readHistory(configuration.historyTable)
        }, meanwhile: {
            listed = Result { try snapshotStore.list(identity: identity).first }
        })
        defer { engine.close() }
        let latest = engine.identity == identity ? try listed!.get() : try latestSnapshot(of: engine)
        let comparison = HistoryComparison(catalog: catalog, history: history)
        let states = comparison.states
        var problem: CatalogError?
        do {
            try comparison.validateHistory()
        } catch let error as CatalogError {
            problem = error
        }
        // What `migrate` would refuse next: a pending migration below the newest applied one.
        var outOfOrder: CatalogError?
        if problem == nil {
            do {
                try comparison.validateForMigrate(allowOutOfOrder: false)
            } catch let error as CatalogError {
                outOfOrder = error
            }
        }
        var counts: [MigrationState.Status: Int] = [:]
        for state in states { counts[state.status, default: 0] += 1 }
        func count(_ status: MigrationState.Status) -> Int { counts[status, default: 0] }
        var report = StatusReport(
            engine: engine.kind.rawValue, database: engine.url.redacted,
            currentVersion: comparison.currentVersion,
            appliedCount: count(.applied) + count(.baseline) + count(.drift),
            pendingCount: count(.pending), failedCount: count(.failed),
            driftCount: count(.drift), missingCount: count(.missing),
            migrations: states.map(MigrationEntry.init),
            latestSnapshot: latest, problem: problem, outOfOrder: outOfOrder?.description)
        report.interruptedRestore = comparison.interruptedRestore.map { $0.snapshotID ?? "" }
        return report
    }
}
