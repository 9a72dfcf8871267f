import Foundation
import LifeboatKit

extension TextRender {
    /// The `snapshots` table: a header row, aligned columns with each snapshot's age, the database
    /// column with `--all`, then one line per damaged manifest saying which file and why.
    static func snapshots(_ listing: SnapshotListing, showDatabase: Bool, now: Date = Date()) -> String {
        var lines: [String] = []
        if listing.snapshots.isEmpty {
            lines.append("no snapshots")
        } else {
            var header = ["ID", "CREATED", "AGE", "VERSION", "ENGINE", "RAW", "COMPRESSED", "REASON"]
            if showDatabase { header.append("DATABASE") }
            header.append("LABEL")
            let rows = listing.snapshots.map { manifest in
                var row = [manifest.id, manifest.createdAtText, age(of: manifest.createdAt, now: now),
                           manifest.schemaVersion ?? "empty", manifest.engine, ByteCount.format(manifest.rawBytes),
                           ByteCount.format(manifest.compressedBytes), manifest.reason.rawValue]
                if showDatabase { row.append(manifest.database) }
                row.append(manifest.label ?? "")
                return row
            }
            lines += table([header] + rows)
        }
        for damaged in listing.damaged {
            lines.append("damaged: \(damaged.file): \(damaged.reason)")
        }
        return lines.joined(separator: "\n")
    }

    /// What `restore` shows before it acts, and its prompt too:
    /// `ID (reason migrate, label "x", version 0004, taken 3 min ago, 1.2 MB, 4.0 MB raw)`.
    static func chosenSnapshot(_ manifest: SnapshotManifest, now: Date = Date()) -> String {
        let label = manifest.label.map { "label \"\($0)\"" } ?? "no label"
        return "\(manifest.id) (reason \(manifest.reason.rawValue), \(label), version \(manifest.schemaVersion ?? "none"), "
            + "taken \(age(of: manifest.createdAt, now: now)), \(ByteCount.format(manifest.compressedBytes)), "
            + "\(ByteCount.format(manifest.rawBytes)) raw)"
    }

    /// `12 s ago`, `3 min ago`, `5 h ago`, `4 d ago`.
    static func age(of date: Date, now: Date) -> String {
        let seconds = max(0, Int(now.timeIntervalSince(date)))
        switch seconds {
        case ..<60: return "\(seconds) s ago"
        case ..<3600: return "\(seconds / 60) min ago"
        case ..<(48 * 3600): return "\(seconds / 3600) h ago"
        default: return "\(seconds / 86400) d ago"
        }
    }

    /// Rows padded into columns two spaces apart; the last column is not padded.
    static func table(_ rows: [[String]]) -> [String] {
        let columns = rows.map(\.count).max() ?? 0
        let widths = (0..<columns).map { column in rows.map { column < $0.count ? $0[column].count : 0 }.max() ?? 0 }
        return rows.map { row in
            row.enumerated().map { column, cell in
                column == row.count - 1 ? cell : pad(cell, to: widths[column])
            }.joined(separator: "  ").trimmingCharacters(in: .whitespaces)
        }
    }
}
