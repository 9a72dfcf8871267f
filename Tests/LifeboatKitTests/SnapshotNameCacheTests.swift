import Foundation
@testable import LifeboatSnapshots
import Testing

/// The per-process memo of snapshot file names (a fleet lists one folder several times per
/// target): it answers exactly what parsing answers, and stays bounded however many names it sees.
@Suite struct SnapshotNameCacheTests {
    @Test func answersWhatParsingAnswersTwice() {
        let cache = SnapshotNameCache()
        for name in ["20261121T093000123Z-0003", "20261121T093000123Z-empty", "not-an-id", "20261121T093000123Z-", "lifeboat-pgpass-x"] {
            #expect(cache.id(name) == SnapshotID(name))
            #expect(cache.id(name) == SnapshotID(name))
        }
        #expect(cache.count == 5)
    }

    @Test func staysBoundedByItsCapacity() {
        let cache = SnapshotNameCache()
        for index in 0..<(SnapshotNameCache.capacity + 10) {
            _ = cache.id("name-\(index)")
        }
        #expect(cache.count <= SnapshotNameCache.capacity)
        #expect(cache.count > 0)
    }
}
