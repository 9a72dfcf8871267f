import Foundation
import TestSupport
import Testing

/// Snapshots are compressed with libdeflate when the machine has it and with zlib otherwise
/// (`LIFEBOAT_LIBDEFLATE=none`): either way the payload is plain gzip that `gunzip` turns back
/// into the database, and the two really are different compressors.
@Suite struct SnapshotCompressorTests {
    static let libdeflateInstalled = ["/usr/lib/x86_64-linux-gnu/libdeflate.so.0", "/usr/lib/aarch64-linux-gnu/libdeflate.so.0"]
        .contains { FileManager.default.fileExists(atPath: $0) }

    /// Takes a snapshot with `environment` and returns its payload's bytes, checked with gunzip.
    func snapshotPayload(_ workspace: Workspace, environment: [String: String], before: String) throws -> Data {
        let taken = try workspace.run("snapshot", "--format", "json", environment: environment)
        #expect(taken.exitCode == 0, "\(taken.stderr)")
        let manifest = try #require(try taken.json()["snapshot"] as? [String: Any])
        let payload = workspace.path("backups/" + (try #require(manifest["payload"] as? String)))
        let recovered = workspace.path("recovered-\(UUID().uuidString).sqlite")
        _ = try Shell.run("sh", ["-c", "gunzip -c \"$0\" > \"$1\"", payload, recovered])
        #expect(try Shell.run("sqlite3", [recovered, ".dump"]) == before)
        return try Data(contentsOf: URL(fileURLWithPath: payload))
    }

    @Test(.enabled(if: libdeflateInstalled, "libdeflate0 is not installed (scripts/test.sh installs it)"))
    func libdeflateAndZlibPayloadsBothGunzipToTheDatabase() throws {
        let workspace = try Workspace()
        #expect(try workspace.run("migrate").exitCode == 0)
        let before = try Shell.run("sqlite3", [workspace.path("app.sqlite"), ".dump"])
        let libdeflate = try snapshotPayload(workspace, environment: [:], before: before)
        let zlib = try snapshotPayload(workspace, environment: ["LIFEBOAT_LIBDEFLATE": "none"], before: before)
        // Same input, same level: only a different compressor writes different bytes.
        #expect(libdeflate != zlib)
    }
}
