import Foundation
import Testing

/// A payload whose SHA-256 matches its manifest but whose content is broken underneath is refused
/// (exit 5) before the safety snapshot, so none is left behind, and the database is unchanged.
@Suite struct RestorePayloadCheckTests {
    enum Damage: String, CaseIterable, CustomTestStringConvertible {
        /// A byte of the compressed stream flipped: decompression fails (CRC-32 or deflate error).
        case compressedByte
        /// A valid gzip of a broken payload: a SQLite file with a page overwritten, or a pg_dump
        /// cut short before its closing line.
        case content

        var testDescription: String { rawValue }
    }

    static let cases: [(ScriptEngine, Damage)] = ScriptEngine.all.flatMap { engine in Damage.allCases.map { (engine, $0) } }

    @Test(arguments: cases)
    func brokenPayloadIsRefusedBeforeTheSafetySnapshot(engine: ScriptEngine, damage: Damage) throws {
        let setup = try RestoreSetup(engine)
        #expect(try setup.run(["migrate", "--target", "0004"]).exitCode == 0)
        try insertRows(setup)
        let taken = try setup.run(["snapshot", "--format", "json"])
        #expect(taken.exitCode == 0, "\(taken.stderr)")
        let manifest = try #require(try taken.json()["snapshot"] as? [String: Any])
        let id = try #require(manifest["id"] as? String)
        #expect(try setup.run(["migrate"]).exitCode == 0)

        let payload = setup.backups + "/" + (try #require(manifest["payload"] as? String))
        var compressed = try Data(contentsOf: URL(fileURLWithPath: payload))
        switch damage {
        case .compressedByte:
            compressed[compressed.count / 2] ^= 0x55
        case .content:
            var raw = try gunzip(compressed)
            if engine == .sqlite {
                // Keep the header page (the schema) and overwrite every page after it, so the tables'
                // b-trees are garbage: the file opens, and integrity_check fails.
                let pageSize = Int(raw[16]) << 8 | Int(raw[17])
                raw.replaceSubrange(pageSize..<raw.count, with: Data(repeating: 0xA5, count: raw.count - pageSize))
            } else {
                raw = raw.prefix(raw.count * 2 / 3)
            }
            compressed = try gzip(raw)
        }
        try compressed.write(to: URL(fileURLWithPath: payload))
        try rewriteChecksum(of: setup.backups + "/" + id + ".json", payload: compressed)
        let safetyBefore = try setup.ids(reason: "pre-restore")

        let refused = try setup.run(["restore", id, "--yes"])
        #expect(refused.exitCode == 5, "\(refused.stderr)")
        #expect(refused.stderr.contains("snapshot \(id) is damaged"), "\(refused.stderr)")
        #expect(refused.stderr.contains("no safety snapshot was taken"))
        #expect(try setup.ids(reason: "pre-restore") == safetyBefore, "no safety snapshot left behind")
        #expect(try setup.version() == "0006", "the database is unchanged")
        #expect(try countRows(setup) == 3)
    }

    /// The copy the check staged before the safety snapshot is the one that goes in: a SQLite
    /// restore decompresses (and, from S3, downloads) the payload once, not once to check it and
    /// again to restore it, and leaves no staged copy behind.
    @Test func aSQLiteRestoreReadsThePayloadOnce() throws {
        let setup = try RestoreSetup(.sqlite)
        #expect(try setup.run(["migrate", "--target", "0004"]).exitCode == 0)
        try insertRows(setup)
        let taken = try setup.run(["snapshot", "--format", "json"])
        let id = try #require((try taken.json()["snapshot"] as? [String: Any])?["id"] as? String)
        #expect(try setup.run(["migrate"]).exitCode == 0)

        let restored = try setup.run(["restore", id, "--yes", "--verbose"])
        #expect(restored.exitCode == 0, "\(restored.stderr)")
        let decompressions = restored.stderr.components(separatedBy: "restore: decompressed").count - 1
        #expect(decompressions == 1, "the payload was decompressed \(decompressions) times: \(restored.stderr)")
        #expect(try setup.version() == "0004")
        #expect(try countRows(setup) == 3)
        #expect(try setup.ids(reason: "pre-restore").count == 1, "the safety snapshot was taken")
        let leftovers = try FileManager.default.subpathsOfDirectory(atPath: setup.backups).filter { $0.hasSuffix(".restore.sqlite") }
        #expect(leftovers.isEmpty, "\(leftovers)")
    }

    // MARK: - Helpers

    private func insertRows(_ setup: RestoreSetup) throws {
        let sql = "INSERT INTO users (id, email, name) VALUES (1, 'a@x', 'a'), (2, 'b@x', 'b'), (3, 'c@x', 'c')"
        if setup.database.engine == .sqlite {
            _ = try Shell.run("sqlite3", [String(setup.database.url.dropFirst("sqlite:".count)), sql])
        } else {
            try PostgresServer.psql(setup.database.url, sql)
        }
    }

    private func countRows(_ setup: RestoreSetup) throws -> Int? {
        let sql = "SELECT count(*) FROM users"
        let output = setup.database.engine == .sqlite
            ? try Shell.run("sqlite3", [String(setup.database.url.dropFirst("sqlite:".count)), sql])
            : try PostgresServer.psql(setup.database.url, sql)
        return Int(output.trimmingCharacters(in: .whitespacesAndNewlines))
    }

    private func gunzip(_ data: Data) throws -> Data {
        try pipe(data, through: ["gzip", "-dc"])
    }

    private func gzip(_ data: Data) throws -> Data {
        try pipe(data, through: ["gzip", "-c"])
    }

    private func pipe(_ data: Data, through command: [String]) throws -> Data {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("lifeboat-pipe-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let input = folder.appendingPathComponent("in"), output = folder.appendingPathComponent("out")
        try data.write(to: input)
        _ = try Shell.run("sh", ["-c", "in=$1 out=$2; shift 2; \"$@\" < \"$in\" > \"$out\"", "sh", input.path, output.path] + command)
        return try Data(contentsOf: output)
    }

    /// What someone who "fixed" the checksum would do: the manifest's sha256 and size now match.
    private func rewriteChecksum(of manifestPath: String, payload: Data) throws {
        var object = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: manifestPath))) as? [String: Any])
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("lifeboat-payload-\(UUID().uuidString)")
        try payload.write(to: file)
        defer { try? FileManager.default.removeItem(at: file) }
        object["sha256"] = String(try Shell.run("sha256sum", [file.path]).prefix(64))
        object["compressed_bytes"] = payload.count
        try JSONSerialization.data(withJSONObject: object, options: [.prettyPrinted]).write(to: URL(fileURLWithPath: manifestPath))
    }
}
