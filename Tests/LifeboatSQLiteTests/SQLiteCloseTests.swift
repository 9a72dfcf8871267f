import Foundation
import LifeboatKit
@testable import LifeboatSQLite
import Testing

/// `DatabaseEngine.close()` closes the connection (issue 11): the SQLite engine's used to release
/// only the run lock and kept the database file open until the engine was freed.
@Suite struct SQLiteCloseTests {
    /// This process's descriptors that point at `path` (Linux: `/proc/self/fd`).
    private func openDescriptors(of path: String) -> Int {
        let fds = (try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/fd")) ?? []
        let target = URL(fileURLWithPath: path).resolvingSymlinksInPath().path
        return fds.filter { (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/fd/" + $0)) == target }.count
    }

    @Test("close() closes the database file while the engine is still referenced")
    func closeClosesTheConnection() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("lifeboat-close-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = folder.appendingPathComponent("a.sqlite").path
        let engine = try SQLiteEngine.open(try DatabaseURL("sqlite:" + path))
        try engine.execute(SQLScript("CREATE TABLE t (id INTEGER)", file: "m/0001_t.sql"))
        #expect(openDescriptors(of: path) > 0)
        engine.close()
        #expect(openDescriptors(of: path) == 0)
        withExtendedLifetime(engine) {}
    }
}
