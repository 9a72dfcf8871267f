import Foundation
import LifeboatCore

/// What a snapshot is, stored next to its payload as `<id>.json` (SPEC "Snapshots").
///
/// The manifest is what makes a payload a snapshot: it says which database it came from (so a
/// shared backups folder can be filtered), which engine can restore it, and the SHA-256 that
/// restore checks before it touches anything. Its JSON keys are part of the contract (`snapshot`,
/// `snapshots` and `restore` print them with `--format json`); `schema_version` and `label` are
/// always present, `null` when empty, so readers need not guess.
///
/// Engine versions are kept as a dictionary of top-level keys ending in `_version`
/// (`sqlite_version`, `server_version`, `pg_dump_version`, …) so this file knows no database.
public struct SnapshotManifest: Codable, Sendable, Equatable {
    /// The manifest format this code writes and reads.
    public static let currentFormat = 1

    public var format: Int
    public var id: String
    /// `sqlite` or `postgres` (any engine name; compared by restore).
    public var engine: String
    /// The database URL, redacted.
    public var database: String
    /// What tells databases apart in a shared folder: the SQLite file's absolute path; PostgreSQL
    /// host, port and database name.
    public var databaseIdentity: String
    public var createdAt: Date
    /// The latest applied version at the time, as written in the history; nil for none.
    public var schemaVersion: String?
    public var appliedCount: Int
    /// Size of the uncompressed payload.
    public var rawBytes: Int64
    /// Size of the `.gz` file.
    public var compressedBytes: Int64
    /// Lower-case hex SHA-256 of the `.gz` file.
    public var sha256: String
    public var compressionLevel: Int
    public var durationMs: Int64
    public var reason: SnapshotReason
    public var label: String?
    public var toolVersion: String
    /// The payload's file name, in the same folder (`<id>.<ext>.gz`).
    public var payload: String
    /// Engine versions by JSON key, e.g. `["sqlite_version": "3.45.1"]`.
    public var engineVersions: [String: String]

    public init(
        format: Int = SnapshotManifest.currentFormat, id: String, engine: String, database: String,
        databaseIdentity: String, createdAt: Date, schemaVersion: String?, appliedCount: Int,
        rawBytes: Int64, compressedBytes: Int64, sha256: String, compressionLevel: Int,
        durationMs: Int64, reason: SnapshotReason, label: String?, toolVersion: String,
        payload: String, engineVersions: [String: String] = [:]
    ) {
        self.format = format
        self.id = id
        self.engine = engine
        self.database = database
        self.databaseIdentity = databaseIdentity
        self.createdAt = createdAt
        self.schemaVersion = schemaVersion
        self.appliedCount = appliedCount
        self.rawBytes = rawBytes
        self.compressedBytes = compressedBytes
        self.sha256 = sha256
        self.compressionLevel = compressionLevel
        self.durationMs = durationMs
        self.reason = reason
        self.label = label
        self.toolVersion = toolVersion
        self.payload = payload
        self.engineVersions = engineVersions
    }

    /// `created_at` as written in the manifest: UTC ISO-8601 with milliseconds.
    public var createdAtText: String { UTCInstant(createdAt).iso8601 }

    // MARK: - JSON

    /// The fixed keys, in the order the SPEC lists them.
    enum FixedKey: String, CaseIterable {
        case format, id, engine, database
        case createdAt = "created_at"
        case schemaVersion = "schema_version"
        case appliedCount = "applied_count"
        case rawBytes = "raw_bytes"
        case compressedBytes = "compressed_bytes"
        case sha256
        case compressionLevel = "compression_level"
        case durationMs = "duration_ms"
        case reason, label
        case toolVersion = "tool_version"
        case databaseIdentity = "database_identity"
        case payload
    }

    /// Any key: the fixed ones and the engine versions.
    struct Key: CodingKey {
        let stringValue: String
        init(_ name: String) { stringValue = name }
        init(_ key: FixedKey) { stringValue = key.rawValue }
        init?(stringValue: String) { self.stringValue = stringValue }
        var intValue: Int? { nil }
        init?(intValue: Int) { nil }
    }

    /// Whether `key` may carry an engine version: ends in `_version` and is not a fixed key.
    public static func isEngineVersionKey(_ key: String) -> Bool {
        key.hasSuffix("_version") && key.count > "_version".count && FixedKey(rawValue: key) == nil
    }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: Key.self)
        format = try c.decode(Int.self, forKey: Key(.format))
        id = try c.decode(String.self, forKey: Key(.id))
        engine = try c.decode(String.self, forKey: Key(.engine))
        database = try c.decode(String.self, forKey: Key(.database))
        databaseIdentity = try c.decode(String.self, forKey: Key(.databaseIdentity))
        let created = try c.decode(String.self, forKey: Key(.createdAt))
        guard let instant = UTCInstant(iso8601: created) else {
            throw DecodingError.dataCorruptedError(forKey: Key(.createdAt), in: c,
                                                   debugDescription: "'\(created)' is not a UTC ISO-8601 time")
        }
        createdAt = instant.date
        schemaVersion = try c.decodeIfPresent(String.self, forKey: Key(.schemaVersion))
        appliedCount = try c.decode(Int.self, forKey: Key(.appliedCount))
        rawBytes = try c.decode(Int64.self, forKey: Key(.rawBytes))
        compressedBytes = try c.decode(Int64.self, forKey: Key(.compressedBytes))
        sha256 = try c.decode(String.self, forKey: Key(.sha256))
        compressionLevel = try c.decode(Int.self, forKey: Key(.compressionLevel))
        durationMs = try c.decode(Int64.self, forKey: Key(.durationMs))
        reason = try c.decode(SnapshotReason.self, forKey: Key(.reason))
        label = try c.decodeIfPresent(String.self, forKey: Key(.label))
        toolVersion = try c.decode(String.self, forKey: Key(.toolVersion))
        payload = try c.decode(String.self, forKey: Key(.payload))
        var versions: [String: String] = [:]
        for key in c.allKeys where Self.isEngineVersionKey(key.stringValue) {
            if let value = try? c.decode(String.self, forKey: key) { versions[key.stringValue] = value }
        }
        engineVersions = versions
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: Key.self)
        try c.encode(format, forKey: Key(.format))
        try c.encode(id, forKey: Key(.id))
        try c.encode(engine, forKey: Key(.engine))
        try c.encode(database, forKey: Key(.database))
        try c.encode(createdAtText, forKey: Key(.createdAt))
        // Explicit nulls: the key is part of the contract even when there is no value.
        if let schemaVersion { try c.encode(schemaVersion, forKey: Key(.schemaVersion)) } else { try c.encodeNil(forKey: Key(.schemaVersion)) }
        try c.encode(appliedCount, forKey: Key(.appliedCount))
        try c.encode(rawBytes, forKey: Key(.rawBytes))
        try c.encode(compressedBytes, forKey: Key(.compressedBytes))
        try c.encode(sha256, forKey: Key(.sha256))
        try c.encode(compressionLevel, forKey: Key(.compressionLevel))
        try c.encode(durationMs, forKey: Key(.durationMs))
        try c.encode(reason, forKey: Key(.reason))
        if let label { try c.encode(label, forKey: Key(.label)) } else { try c.encodeNil(forKey: Key(.label)) }
        try c.encode(toolVersion, forKey: Key(.toolVersion))
        for (key, value) in engineVersions.sorted(by: { $0.key < $1.key }) where Self.isEngineVersionKey(key) {
            try c.encode(value, forKey: Key(key))
        }
        try c.encode(databaseIdentity, forKey: Key(.databaseIdentity))
        try c.encode(payload, forKey: Key(.payload))
    }

    /// The manifest file's bytes: pretty, stable key order, trailing newline.
    public func jsonData() throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .withoutEscapingSlashes]
        var data = try encoder.encode(self)
        data.append(UInt8(ascii: "\n"))
        return data
    }

    /// Parses a manifest file's bytes.
    public static func decode(_ data: Data) throws -> SnapshotManifest {
        try JSONDecoder().decode(SnapshotManifest.self, from: data)
    }
}
