import Foundation
import LifeboatCore

/// The checks every `SnapshotStore` makes the same way, whatever holds its files: a stored manifest
/// before it is believed (issue 12 made a second store; `SnapshotRequest.checkedExtension` checks
/// what a write is given).
public enum SnapshotStoreChecks {
    /// Decodes a stored manifest and checks that it names `expectedID` and a plain payload
    /// `<id>.<ext>.gz` beside it, so a hand-edited manifest cannot point a restore elsewhere.
    /// - Parameter path: the manifest, as messages name it.
    /// - Throws: `SnapshotError.badManifest` saying why.
    public static func manifest(_ data: Data, path: String, expectedID: SnapshotID?) throws -> SnapshotManifest {
        let manifest: SnapshotManifest
        do {
            manifest = try SnapshotManifest.decode(data)
        } catch {
            throw SnapshotError.badManifest(path: path, reason: ManifestDamage.describe(error))
        }
        if let expectedID, manifest.id != expectedID.rawValue {
            throw SnapshotError.badManifest(path: path, reason: "it names snapshot '\(manifest.id)', not '\(expectedID)'")
        }
        guard !manifest.payload.contains("/"), manifest.payload.hasPrefix(manifest.id + "."),
              manifest.payload.hasSuffix(".gz") else {
            throw SnapshotError.badManifest(path: path, reason: "its payload '\(manifest.payload)' is not '\(manifest.id).<ext>.gz'")
        }
        return manifest
    }

    /// The first checks of `openVerified`: a manifest format this code reads, and the target's engine.
    /// - Throws: `SnapshotError.unsupportedFormat`, `.engineMismatch` (naming both engines).
    public static func restorable(_ manifest: SnapshotManifest, into expectedEngine: String) throws {
        guard manifest.format == SnapshotManifest.currentFormat else {
            throw SnapshotError.unsupportedFormat(id: manifest.id, format: manifest.format)
        }
        guard manifest.engine == expectedEngine else {
            throw SnapshotError.engineMismatch(id: manifest.id, snapshotEngine: manifest.engine, targetEngine: expectedEngine)
        }
    }
}
