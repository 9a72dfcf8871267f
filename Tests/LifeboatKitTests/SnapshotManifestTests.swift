import Foundation
import LifeboatKit
import Testing

/// `SnapshotManifest`: the JSON keys and null handling the SPEC fixes.
@Suite("SnapshotManifest")
struct SnapshotManifestTests {
    static func sample(schemaVersion: String? = "0003", label: String? = "before launch") -> SnapshotManifest {
        SnapshotManifest(
            id: "20261121T093000123Z-0003", engine: "sqlite", database: "sqlite:/srv/app.sqlite",
            databaseIdentity: "/srv/app.sqlite", createdAt: Date(timeIntervalSince1970: 1_795_253_400.123),
            schemaVersion: schemaVersion, appliedCount: 3, rawBytes: 4096, compressedBytes: 512,
            sha256: String(repeating: "ab", count: 32), compressionLevel: 6, durationMs: 42,
            reason: .preRestore, label: label, toolVersion: "1.0.0",
            payload: "20261121T093000123Z-0003.sqlite.gz", engineVersions: ["sqlite_version": "3.45.1"])
    }

    private func object(_ manifest: SnapshotManifest) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: manifest.jsonData()) as? [String: Any])
    }

    @Test("writes exactly the SPEC's keys, with its spellings")
    func keys() throws {
        let json = try object(Self.sample())
        #expect(Set(json.keys) == [
            "format", "id", "engine", "database", "created_at", "schema_version", "applied_count",
            "raw_bytes", "compressed_bytes", "sha256", "compression_level", "duration_ms", "reason",
            "label", "tool_version", "sqlite_version", "database_identity", "payload",
        ])
        #expect(json["format"] as? Int == 1)
        #expect(json["created_at"] as? String == "2026-11-21T09:30:00.123Z")
        #expect(json["reason"] as? String == "pre-restore")
        #expect(json["sqlite_version"] as? String == "3.45.1")
        #expect(json["raw_bytes"] as? Int == 4096)
    }

    @Test("schema_version and label are written as null, not left out")
    func explicitNulls() throws {
        let manifest = Self.sample(schemaVersion: nil, label: nil)
        let json = try object(manifest)
        #expect(json["schema_version"] is NSNull)
        #expect(json["label"] is NSNull)
        let text = String(decoding: try manifest.jsonData(), as: UTF8.self)
        #expect(text.contains("\"schema_version\" : null"))
        #expect(text.contains("\"label\" : null"))
    }

    @Test("PostgreSQL's two engine versions are top-level keys")
    func postgresVersions() throws {
        var manifest = Self.sample()
        manifest.engine = "postgres"
        manifest.engineVersions = ["server_version": "16.4", "pg_dump_version": "16.4"]
        let json = try object(manifest)
        #expect(json["server_version"] as? String == "16.4")
        #expect(json["pg_dump_version"] as? String == "16.4")
        #expect(json["sqlite_version"] == nil)
        #expect(try SnapshotManifest.decode(manifest.jsonData()).engineVersions == manifest.engineVersions)
    }

    @Test("decodes what it encodes", arguments: [true, false])
    func roundTrip(withOptionals: Bool) throws {
        let manifest = withOptionals ? Self.sample() : Self.sample(schemaVersion: nil, label: nil)
        #expect(try SnapshotManifest.decode(manifest.jsonData()) == manifest)
    }

    @Test("every reason has its SPEC spelling")
    func reasons() {
        #expect(SnapshotReason.allCases.map(\.rawValue) == ["migrate", "rollback", "manual", "pre-restore"])
    }

    @Test("a manifest missing a required key does not parse")
    func missingKey() throws {
        var json = try object(Self.sample())
        json["sha256"] = nil
        let data = try JSONSerialization.data(withJSONObject: json)
        #expect(throws: DecodingError.self) { try SnapshotManifest.decode(data) }
    }
}
