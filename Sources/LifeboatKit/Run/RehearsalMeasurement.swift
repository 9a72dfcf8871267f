import Foundation

/// What `plan` collects while it rehearses: each migration's statement impacts, in order, and the
/// deadline the whole rehearsal must finish by (`--rehearsal-timeout`). A class, so the applier's
/// callbacks can add to it from inside the engine's rehearsal.
final class RehearsalMeasurement {
    let deadline: ContinuousClock.Instant?
    private(set) var impacts: [MigrationVersion: [StatementImpact]] = [:]

    init(deadline: ContinuousClock.Instant?) {
        self.deadline = deadline
    }

    func record(_ impact: StatementImpact, for version: MigrationVersion) {
        impacts[version, default: []].append(impact)
    }
}
