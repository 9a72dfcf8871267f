import Testing
@testable import LifeboatKit

@Suite("History comparison")
struct HistoryComparisonTests {
    private func migration(_ version: String, _ up: String = "SELECT 1;") -> Migration {
        let file = "migrations/\(version)_m\(version).sql"
        return try! MigrationParser.parse(Array(up.utf8), file: file, version: MigrationVersion(version)!, description: "m\(version)")
    }

    private func record(_ m: Migration, status: HistoryRecord.Status = .applied, checksum: String? = nil,
                        version: String? = nil, snapshot: String? = "20261121T093000123Z-0001") -> HistoryRecord {
        HistoryRecord(version: version ?? m.version.text, description: m.description, checksum: checksum ?? m.checksum,
                      status: status, appliedAt: "2026-11-21T09:30:00.123Z", executionMs: 3,
                      appliedBy: "me@host", snapshotID: snapshot)
    }

    private func catalog(_ migrations: [Migration]) -> MigrationCatalog {
        MigrationCatalog(directory: "migrations", migrations: migrations)
    }

    @Test func statusesAppliedBaselinePendingInVersionOrder() throws {
        let ms = [migration("1"), migration("2"), migration("10")]
        let comparison = HistoryComparison(catalog: catalog(ms), history: [record(ms[0], status: .baseline), record(ms[1])])
        #expect(comparison.states.map(\.status) == [.baseline, .applied, .pending])
        #expect(comparison.states.map(\.version) == ["1", "2", "10"])
        #expect(comparison.pending.map(\.version.text) == ["10"])
        #expect(comparison.currentVersion == "2")
        try comparison.validateForMigrate(allowOutOfOrder: false)
    }

    @Test func historyRowsMatchFilesByNumericVersion() throws {
        let m = migration("0002")
        let comparison = HistoryComparison(catalog: catalog([m]), history: [record(m, version: "2")])
        #expect(comparison.states.count == 1)
        #expect(comparison.states[0].status == .applied)
    }

    @Test func changedUpSectionIsDrift() throws {
        let m = migration("1", "SELECT 2;")
        let comparison = HistoryComparison(catalog: catalog([m]), history: [record(m, checksum: "abc123")])
        #expect(comparison.states[0].status == .drift)
        #expect(comparison.states[0].checksum == m.checksum)
        let error = #expect(throws: CatalogError.self) { try comparison.validateForMigrate(allowOutOfOrder: true) }
        #expect(error == .drift(file: m.file, version: "1", recorded: "abc123", current: m.checksum))
        let message = error?.description ?? ""
        #expect(message.contains(m.file) && message.contains("abc123") && message.contains(m.checksum))
        #expect(message.contains("lifeboat repair"))
    }

    @Test func recordWithoutFileIsMissing() throws {
        let gone = migration("3")
        let kept = migration("1")
        let comparison = HistoryComparison(catalog: catalog([kept]), history: [record(kept), record(gone)])
        #expect(comparison.states.map(\.status) == [.applied, .missing])
        #expect(comparison.states[1].checksum == gone.checksum)
        #expect(comparison.states[1].migration == nil)
        #expect(comparison.currentVersion == "3")
        let error = #expect(throws: CatalogError.self) { try comparison.validateForMigrate(allowOutOfOrder: false) }
        #expect(error == .missingFile(version: "3", description: "m3", directory: "migrations"))
        #expect(error?.description.contains("3_m3.sql") == true)
    }

    @Test func failedRowMakesTheDatabaseDirty() throws {
        let ms = [migration("1"), migration("2")]
        let comparison = HistoryComparison(catalog: catalog(ms), history: [record(ms[0]), record(ms[1], status: .failed, snapshot: "SNAP-1")])
        #expect(comparison.states.map(\.status) == [.applied, .failed])
        let error = #expect(throws: CatalogError.self) { try comparison.validateForMigrate(allowOutOfOrder: true) }
        #expect(error == .dirty(version: "2", description: "m2", snapshotID: "SNAP-1"))
        let message = error?.description ?? ""
        #expect(message.contains("lifeboat restore SNAP-1"))
        #expect(message.contains("lifeboat repair"))
        #expect(error?.category == .validation)
    }

    @Test func dirtyWithoutSnapshotStillSaysHowToGetOut() {
        let message = CatalogError.dirty(version: "2", description: "m2", snapshotID: nil).description
        #expect(message.contains("lifeboat restore <snapshot_id>"))
        #expect(message.contains("lifeboat repair"))
    }

    @Test func failedRowWinsOverMismatchedChecksum() {
        let m = migration("1")
        let comparison = HistoryComparison(catalog: catalog([m]), history: [record(m, status: .failed, checksum: "other")])
        #expect(comparison.states[0].status == .failed)
    }

    @Test func pendingBelowHighestAppliedIsOutOfOrder() throws {
        let ms = [migration("1"), migration("2"), migration("3")]
        let comparison = HistoryComparison(catalog: catalog(ms), history: [record(ms[0]), record(ms[2])])
        #expect(comparison.states.map(\.status) == [.applied, .pending, .applied])
        let error = #expect(throws: CatalogError.self) { try comparison.validateForMigrate(allowOutOfOrder: false) }
        #expect(error == .outOfOrder(file: ms[1].file, version: "2", highestApplied: "3"))
        #expect(error?.description.contains("--allow-out-of-order") == true)
        #expect(error?.description.contains(ms[1].file) == true)
        try comparison.validateForMigrate(allowOutOfOrder: true)
        #expect(comparison.pending.map(\.version.text) == ["2"])
    }

    @Test func outOfOrderComparesNumerically() throws {
        let ms = [migration("9"), migration("10")]
        let comparison = HistoryComparison(catalog: catalog(ms), history: [record(ms[0])])
        try comparison.validateForMigrate(allowOutOfOrder: false)
        #expect(comparison.pending.map(\.version.text) == ["10"])
    }

    @Test func emptyRecordedChecksumIsNotDrift() {
        let m = migration("1")
        let comparison = HistoryComparison(catalog: catalog([m]), history: [record(m, status: .baseline, checksum: "")])
        #expect(comparison.states[0].status == .baseline)
    }

    @Test func validateHistoryIgnoresOrder() throws {
        let ms = [migration("1"), migration("2")]
        let comparison = HistoryComparison(catalog: catalog(ms), history: [record(ms[1])])
        try comparison.validateHistory()
    }
}
