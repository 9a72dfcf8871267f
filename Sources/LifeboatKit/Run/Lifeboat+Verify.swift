import Foundation

/// What `verify` checked.
public struct VerifyReport: Sendable, Codable {
    public var engine: String
    public var database: String
    /// Every migration with its state; applied ones whose verify section failed are `failed`.
    public var migrations: [MigrationEntry]
    /// Drift, missing files and `failed` rows, one line each.
    public var problems: [String]
    /// Applied migrations whose verify section ran and held.
    public var verified: [String]
    /// nil without `--schema`; else whether the live schema equals the file.
    @JSONNull public var schemaMatches: Bool? = nil
    @JSONNull public var schemaDiff: String? = nil

}

extension Lifeboat {
    /// Read-only checks: the history against the files, every applied migration's verify section
    /// (in one transaction that is rolled back), and with `schemaFile` the live schema against the
    /// committed dump.
    /// - Throws: `RunError.verifyFailed` carrying the report: category `.validation` (exit 3) for
    ///   drift, missing files, failed rows or a schema mismatch; `.migrationFailed` (exit 1) for a
    ///   verify section that does not hold.
    public func verify(schemaFile: String? = nil) throws -> VerifyReport {
        try verifyResult(schemaFile: schemaFile).get()
    }

    /// `verify`, with the report of failed checks returned in `.failed` (with
    /// `RunError.verifyFailed`) rather than thrown.
    public func verifyResult(schemaFile: String? = nil) throws -> RunResult<VerifyReport> {
        let (catalog, engine) = try openWithCatalog()
        defer { engine.close() }
        let comparison = HistoryComparison(catalog: catalog, history: try engine.readHistory(configuration.historyTable))
        var report = VerifyReport(engine: engine.kind.rawValue, database: engine.url.redacted,
                                  migrations: comparison.states.map(MigrationEntry.init), problems: [], verified: [])
        if let marker = comparison.interruptedRestore {
            report.problems.append(CatalogError.interruptedRestore(snapshotID: marker.snapshotID).description)
        }
        for state in comparison.states {
            switch state.status {
            case .drift:
                report.problems.append("\(state.migration?.file ?? state.version): checksum differs from the applied one (drift)")
            case .missing:
                report.problems.append("\(state.version)_\(state.description): applied, but its file is missing")
            case .failed:
                report.problems.append("\(state.version)_\(state.description): failed row, the database is dirty")
            default: break
            }
        }

        var assertionFailure: EngineError?
        let applied = comparison.states.filter(\.status.isApplied).compactMap(\.migration)
        try engine.begin()
        defer { try? engine.rollback() }
        for migration in applied {
            guard migration.verify != nil else { continue }
            do {
                try VerifySection.check(migration, on: engine)
                report.verified.append(migration.version.text)
            } catch {
                let failure = EngineError.wrapping(error)
                assertionFailure = assertionFailure ?? failure
                report.problems.append(failure.description)
                if let index = report.migrations.firstIndex(where: { $0.version == migration.version.text }) {
                    report.migrations[index].status = .failed
                }
                // A failed statement aborts a PostgreSQL transaction: start a fresh one.
                try? engine.rollback()
                try engine.begin()
            }
        }
        try? engine.rollback()

        var schemaMismatch = false
        if let schemaFile {
            let expected: String
            do {
                expected = try String(contentsOfFile: schemaFile, encoding: .utf8)
            } catch {
                throw ConfigurationError.badOption(flag: "--schema", value: schemaFile, reason: "cannot read it: \(error.localizedDescription)")
            }
            let live = try engine.schema(excluding: configuration.historyTable)
            report.schemaMatches = live == expected
            if live != expected {
                schemaMismatch = true
                report.schemaDiff = SchemaDiff.describe(expected: expected, live: live)
                report.problems.append("the live schema differs from \(schemaFile)")
            }
        }

        if assertionFailure != nil { return .failed(report, RunError.verifyFailed(report, category: .migrationFailed)) }
        if !report.problems.isEmpty || schemaMismatch { return .failed(report, RunError.verifyFailed(report, category: .validation)) }
        return .succeeded(report)
    }
}

/// A short line-based description of how two schema dumps differ.
enum SchemaDiff {
    static func describe(expected: String, live: String) -> String {
        let old = expected.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        let new = live.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        let removed = old.filter { !new.contains($0) }.prefix(20).map { "- " + $0 }
        let added = new.filter { !old.contains($0) }.prefix(20).map { "+ " + $0 }
        return (removed + added).joined(separator: "\n")
    }
}
