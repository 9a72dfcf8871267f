import Foundation
import LifeboatKit

/// The human text of each report, kept apart from the commands so they stay a parse and a call.
enum TextRender {
    static func migrate(_ report: MigrateReport) -> String {
        var lines: [String] = []
        if report.upToDate {
            return "\(report.database) is up to date (version \(report.currentVersion ?? "none"))"
        }
        if let snapshot = report.snapshot {
            lines.append("snapshot \(snapshotLine(snapshot))")
        }
        let width = report.migrations.map { $0.version.count + $0.description.count + 1 }.max() ?? 0
        for entry in report.migrations {
            let name = pad("\(entry.version)_\(entry.description)", to: width)
            let retried = (entry.lockRetries ?? 0) > 0 ? " after \(entry.lockRetries ?? 0) lock retries" : ""
            lines.append("\(pad(entry.status.rawValue, to: 8)) \(name)  \(entry.executionMs ?? 0) ms\(retried)")
        }
        if let failure = report.failure {
            lines.append("failed at \(failure.file ?? failure.version)\(failure.line.map { ":\($0)" } ?? "")")
            if report.restored { lines.append("restored snapshot \(report.snapshot?.id ?? "?"): the database is as before the run") }
        } else {
            lines.append("\(report.committedCount) migration(s) applied in \(report.totalMs) ms; \(report.database) is at version \(report.currentVersion ?? "none")")
        }
        if !report.pruned.isEmpty { lines.append("pruned \(report.pruned.count) old snapshot(s)") }
        if let holders = report.preflight { lines.append("preflight: " + LockHolder.explanation(holders)) }
        return lines.joined(separator: "\n")
    }

    static func status(_ report: StatusReport) -> String {
        var lines = [
            "engine:    \(report.engine)",
            "database:  \(report.database)",
            "version:   \(report.currentVersion ?? "none")",
            "applied \(report.appliedCount), pending \(report.pendingCount), failed \(report.failedCount), drift \(report.driftCount), missing \(report.missingCount)",
        ]
        lines += columns(report.migrations.map { entry in
            ["  " + entry.status.rawValue, "\(entry.version)_\(entry.description)", entry.appliedAt ?? "",
             entry.executionMs.map { "\($0) ms" } ?? ""]
        })
        if let outOfOrder = report.outOfOrder {
            lines.append("out of order: \(outOfOrder)")
        }
        lines.append("latest snapshot: \(report.latestSnapshot.map(snapshotLine) ?? "none")")
        if let snapshot = report.interruptedRestore {
            lines.append("interrupted restore of snapshot \(snapshot): the database is dirty; finish it with `lifeboat restore \(snapshot)`")
        }
        return lines.joined(separator: "\n")
    }

    /// `text` followed by spaces up to `width` characters (Foundation's `padding` costs more than a
    /// thousand-line status can afford).
    static func pad(_ text: String, to width: Int) -> String {
        let count = text.count
        return count >= width ? text : text + String(repeating: " ", count: width - count)
    }

    /// `ID  (version 0003, 1.2 MB → 310.4 KB, 3.9×, 45 ms)`
    static func snapshotLine(_ manifest: SnapshotManifest) -> String {
        let ratio = manifest.compressedBytes > 0 ? Double(manifest.rawBytes) / Double(manifest.compressedBytes) : 0
        let label = manifest.label.map { ", \"\($0)\"" } ?? ""
        return "\(manifest.id)  (version \(manifest.schemaVersion ?? "none"), \(ByteCount.format(manifest.rawBytes)) → "
            + "\(ByteCount.format(manifest.compressedBytes)), \(String(format: "%.1f", ratio))×, \(manifest.durationMs) ms\(label))"
    }

    static func plan(_ report: PlanReport) -> String {
        var lines: [String] = []
        if report.migrations.isEmpty { lines.append("nothing pending (version \(report.currentVersion ?? "none"))") }
        let rows = report.migrations.map { migration in
            [words(migration.status), "\(migration.version)_\(migration.description)",
             migration.rehearsalMs.map { "\($0) ms" } ?? "", migration.noTransaction ? "(no-transaction)" : ""]
        }
        for (line, migration) in zip(columns(rows), report.migrations) {
            lines.append(line)
            if !migration.statements.isEmpty {
                lines.append("    " + migration.statements.joined(separator: ", "))
            }
            if let verdict = migration.verdict { lines.append("    locks: " + verdict) }
        }
        for finding in report.lint {
            lines.append("lint: " + finding.summary)
        }
        if let holders = report.preflight { lines.append("preflight: " + LockHolder.explanation(holders)) }
        if report.rehearsed, report.failure == nil, !report.migrations.isEmpty {
            lines.append("rehearsal passed; the target was not changed")
        }
        return lines.joined(separator: "\n")
    }

    /// A report's snake_case status as words for people (`not_rehearsed` → `not rehearsed`);
    /// JSON keeps the SPEC's snake_case.
    static func words(_ status: MigrationStatus) -> String {
        status.rawValue.replacingOccurrences(of: "_", with: " ")
    }

    /// Rows of cells as lines whose columns line up (each column as wide as its widest cell,
    /// two spaces between), without trailing spaces.
    static func columns(_ rows: [[String]]) -> [String] {
        let count = rows.map(\.count).max() ?? 0
        let widths = (0..<count).map { column in rows.map { column < $0.count ? $0[column].count : 0 }.max() ?? 0 }
        return rows.map { row in
            var line = ""
            for (column, cell) in row.enumerated() {
                line += column == 0 ? "" : "  "
                line += column == row.count - 1 ? cell : pad(cell, to: widths[column])
            }
            while line.hasSuffix(" ") { line.removeLast() }
            return line
        }
    }

    static func verify(_ report: VerifyReport) -> String {
        var lines = ["verified \(report.verified.count) verify section(s); history matches the files"]
        if let matches = report.schemaMatches { lines.append(matches ? "schema matches" : "schema differs") }
        return lines.joined(separator: "\n")
    }

    static func rollback(_ report: MigrateReport) -> String {
        if report.upToDate { return "nothing to roll back" }
        var lines: [String] = []
        if let snapshot = report.snapshot { lines.append("snapshot \(snapshotLine(snapshot))") }
        lines += columns(report.migrations.map { entry in
            [words(entry.status), "\(entry.version)_\(entry.description)", "\(entry.executionMs ?? 0) ms"]
        })
        lines.append("\(report.database) is at version \(report.currentVersion ?? "none")")
        return lines.joined(separator: "\n")
    }
}
