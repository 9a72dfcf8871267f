import Foundation
import LifeboatKit
import Testing

/// `SnapshotID`: `YYYYMMDDTHHMMSSsssZ-<version or "empty">`, UTC, unique by the millisecond.
@Suite("SnapshotID")
struct SnapshotIDTests {
    /// 2026-11-21T09:30:00.123Z
    static let instant = Date(timeIntervalSince1970: 1_795_253_400.123)

    @Test("formats the UTC time to the millisecond and the schema version")
    func format() {
        #expect(SnapshotID(date: Self.instant, schemaVersion: "0003").rawValue == "20261121T093000123Z-0003")
        #expect(SnapshotID(date: Self.instant, schemaVersion: "20261121093000").rawValue == "20261121T093000123Z-20261121093000")
    }

    @Test("a database without migrations gets the suffix 'empty'", arguments: [nil, ""] as [String?])
    func emptySuffix(version: String?) {
        #expect(SnapshotID(date: Self.instant, schemaVersion: version).rawValue == "20261121T093000123Z-empty")
    }

    @Test("characters unfit for a file name are replaced")
    func sanitised() {
        #expect(SnapshotID(date: Self.instant, schemaVersion: "1.2/3").suffix == "1_2_3")
    }

    @Test("parses its own form back, and nothing else")
    func parse() throws {
        let id = try #require(SnapshotID("20261121T093000123Z-0003"))
        #expect(id.suffix == "0003")
        #expect(id.date == Self.instant || abs(id.date.timeIntervalSince(Self.instant)) < 0.0005)
        #expect(id == SnapshotID(date: id.date, schemaVersion: "0003"))
        for bad in ["latest", "20261121T093000123Z", "20261121T093000123Z-", "20261121T0930001Z-1",
                    "20261321T093000123Z-1", "20261121T093000123Z-1.sqlite", "backups/20261121T093000123Z-1"] {
            #expect(SnapshotID(bad) == nil, "\(bad)")
        }
    }

    @Test("bumping adds one millisecond, across second and day boundaries")
    func nextMillisecond() throws {
        let id = try #require(SnapshotID("20261231T235959999Z-7"))
        #expect(id.nextMillisecond().rawValue == "20270101T000000000Z-7")
    }

    @Test("a taken id is bumped until free")
    func unique() {
        let taken: Set<String> = ["20261121T093000123Z-0003", "20261121T093000124Z-0003"]
        let id = SnapshotID.unique(date: Self.instant, schemaVersion: "0003") { taken.contains($0.rawValue) }
        #expect(id.rawValue == "20261121T093000125Z-0003")
    }

    @Test("ids order by time")
    func ordering() throws {
        let early = try #require(SnapshotID("20261121T093000123Z-0009"))
        let late = try #require(SnapshotID("20261121T093000124Z-0001"))
        #expect(early < late)
    }
}
