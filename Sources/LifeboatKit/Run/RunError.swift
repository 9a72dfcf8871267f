/// Failures of a run as a whole, as opposed to one engine call or one file.
public enum RunError: LifeboatError {
    /// A migration failed; the report says what ran, what was restored, and where it failed.
    case migrationFailed(MigrateReport, underlying: EngineError)
    /// `migrate --dump-schema`: the migrations were applied and committed (the report lists them)
    /// but the schema file could not be written. Exit 2 (a bad `--dump-schema`, or no pg_dump): not
    /// 0, since CI would go on without the file; not 1, since no migration failed.
    case schemaNotWritten(MigrateReport, path: String, reason: String)
    /// A pending migration failed in the rehearsal of `plan`; the target is untouched.
    case rehearsalFailed(PlanReport)
    /// `plan` or `lint` found destructive statements that were not allowed.
    case lintFailed(PlanReport)
    /// `verify` found problems; the category says which exit code (3 drift, 1 assertion).
    case verifyFailed(VerifyReport, category: ErrorCategory)
    /// Another run holds the lock.
    case lockTimeout(seconds: Double, holder: String?)
    /// `--atomic` with a no-transaction migration pending.
    case atomicWithNoTransaction(file: String)
    /// A `--target` that names no migration in the folder.
    case unknownTarget(String)
    /// `baseline V` where no migration in the folder has version V.
    case unknownBaseline(String)

    public var category: ErrorCategory {
        switch self {
        case .migrationFailed, .rehearsalFailed: return .migrationFailed
        case .lintFailed: return .lint
        case .verifyFailed(_, let category): return category
        case .lockTimeout: return .lock
        case .atomicWithNoTransaction: return .validation
        case .unknownTarget, .unknownBaseline, .schemaNotWritten: return .usage
        }
    }

    public var description: String {
        switch self {
        case .migrationFailed(let report, let underlying):
            var text = "migration \(report.failure?.version ?? "?") failed: \(underlying.description)"
            if report.restored, let id = report.snapshot?.id {
                text += "\nthe database was restored from snapshot \(id): it is exactly as before this run"
            } else if report.committedCount > 0 {
                text += "\n\(report.committedCount) migration(s) of this run stay applied (--on-failure keep or no snapshot)"
            } else {
                text += "\nnothing of this run was committed: the database is as before"
                if report.snapshotDeleted, let id = report.snapshot?.id { text += "; snapshot \(id), identical to it, was deleted" }
            }
            return text
        case .schemaNotWritten(let report, let path, let reason):
            return "\(report.committedCount) migration(s) were applied and committed, but the schema file \(path) "
                + "was not written: \(reason)\nwrite it with `lifeboat schema \(path)` once that is fixed"
        case .rehearsalFailed(let report):
            let failure = report.failure
            let place = [failure?.file, failure?.line.map(String.init)].compactMap { $0 }.joined(separator: ":")
            var text = "rehearsal of migration \(failure?.version ?? "?") failed (\(place)): \(failure?.message ?? "")\nthe target database was not changed"
            // Both problems are reported: fixing the failure alone would still meet the lint.
            let blocking = report.blockingLint
            if !blocking.isEmpty {
                text += "\nlint also found \(blocking.count) destructive statement(s) that are not allowed:\n"
                    + blocking.map { "  " + $0.summary }.joined(separator: "\n")
            }
            return text
        case .lintFailed(let report):
            let findings = report.blockingLint
            return "lint found \(findings.count) destructive statement(s) that are not allowed:\n"
                + findings.map { "  " + $0.summary }.joined(separator: "\n")
                + "\nmark the migration with -- lifeboat:allow-destructive, or pass --allow-destructive"
        case .verifyFailed(let report, _):
            var text = "verify found \(report.problems.count) problem(s):\n" + report.problems.map { "  " + $0 }.joined(separator: "\n")
            if let diff = report.schemaDiff, !diff.isEmpty { text += "\nschema (- expected, + live):\n" + diff }
            return text
        case .lockTimeout(let seconds, let holder):
            let who = holder.map { " (held by \($0))" } ?? ""
            return "another Lifeboat run holds the lock\(who); gave up after \(Self.format(seconds)) s (--lock-timeout)"
        case .atomicWithNoTransaction(let file):
            return "--atomic cannot include \(file): it is a no-transaction migration; run without --atomic or apply it separately"
        case .unknownTarget(let target):
            return "--target \(target) names no migration in the migrations folder"
        case .unknownBaseline(let version):
            return "baseline \(version) names no migration in the migrations folder; give the version of the newest migration the database already has (`lifeboat status` lists them)"
        }
    }

    static func format(_ seconds: Double) -> String {
        seconds == seconds.rounded() ? String(Int(seconds)) : String(seconds)
    }
}
