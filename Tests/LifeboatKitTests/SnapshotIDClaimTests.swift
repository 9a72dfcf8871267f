import Foundation
@testable import LifeboatSnapshots
import Testing

private typealias F = SnapshotFixtures

/// Claiming a snapshot id in a folder that a parallel fleet writes to: the listing the claim
/// starts from may already be out of date.
@Suite struct SnapshotIDClaimTests {
    /// 2026-11-21T09:30:00.123Z, for every call of the store's clock.
    static let instant = Date(timeIntervalSince1970: 1_795_253_400.123)

    @Test("an id another snapshot published after the listing is not claimed again", arguments: ["sqlite.gz", "json"])
    func publishedIDIsSkipped(published: String) throws {
        let scratch = try F.Scratch()
        let store = FolderSnapshotStore(directory: scratch.file("backups"), clock: { Self.instant })
        try FileManager.default.createDirectory(atPath: store.directory, withIntermediateDirectories: true)
        let taken = SnapshotID(date: Self.instant, schemaVersion: nil)
        // Another run claimed and published this id after our listing (an empty one) was made.
        try Data("theirs".utf8).write(to: URL(fileURLWithPath: store.directory + "/\(taken.rawValue).\(published)"))

        let (id, fd) = try store.claimID(schemaVersion: nil, ext: "sqlite", used: [])
        close(fd)
        #expect(id == taken.nextMillisecond())
        let files = try FileManager.default.contentsOfDirectory(atPath: store.directory).sorted()
        #expect(files == [".\(id.rawValue).sqlite.gz.partial", "\(taken.rawValue).\(published)"].sorted(), "\(files)")
        #expect(try String(contentsOfFile: store.directory + "/\(taken.rawValue).\(published)", encoding: .utf8) == "theirs")
    }

    @Test("a free id is claimed as listed")
    func freeIDIsClaimed() throws {
        let scratch = try F.Scratch()
        let store = FolderSnapshotStore(directory: scratch.file("backups"), clock: { Self.instant })
        try FileManager.default.createDirectory(atPath: store.directory, withIntermediateDirectories: true)
        let (id, fd) = try store.claimID(schemaVersion: "0003", ext: "sqlite", used: [])
        close(fd)
        #expect(id == SnapshotID(date: Self.instant, schemaVersion: "0003"))
    }
}
