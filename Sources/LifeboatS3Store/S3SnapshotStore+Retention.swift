import Foundation
import LifeboatCore
import LifeboatS3
import LifeboatSnapshots

extension S3SnapshotStore {
    /// Deletes the snapshots of `identity` beyond the newest `keep`, manifest first, as the folder
    /// store does, so an interruption leaves at worst an orphan payload.
    public func prune(keep: Int, identity: String) throws -> [String] {
        let doomed = try stored(identity: identity).dropFirst(max(keep, 0)).reversed()
        var removed: [String] = []
        for snapshot in doomed {
            try delete(snapshot.manifest)
            removed.append(snapshot.id)
        }
        return removed
    }

    /// Deletes one snapshot of this store, manifest first.
    public func delete(_ manifest: SnapshotManifest) throws {
        let bucket = location.bucket
        let keys = [location.key(manifest.id + ".json"), location.key(manifest.payload)]
        for key in keys {
            _ = try s3("") { client in try await client.deleteObject(bucket: bucket, key: key) }
        }
    }

    /// Removes what interrupted runs left: dead local scratch folders, payloads `<id>.….gz` with no
    /// `<id>.json`, and incomplete multipart uploads of snapshot payloads under the prefix — those
    /// older than `minimumAge` seconds. An incomplete upload is only aborted by the automatic
    /// clean-up (`minimumAge` > 0) once it is an hour old: a large upload of another database's
    /// live run sharing the prefix can last minutes, and S3 has no lock to tell it from a dead one.
    /// - Returns: the names removed (uploads as `NAME (incomplete upload)`), sorted.
    public func removeLeftovers(minimumAge: TimeInterval) throws -> [String] {
        var removed = ScratchFolder.removeDead(in: scratchParent)
        let bucket = location.bucket, prefix = location.keyPrefix
        let objects = try objects()
        let present = Set(objects.map(\.name))
        let now = Date()
        func oldEnough(_ stamp: String?, _ age: TimeInterval) -> Bool {
            guard age > 0 else { return true }
            guard let date = stamp.flatMap(Self.parseDate) else { return false }
            return now.timeIntervalSince(date) >= age
        }
        for (name, object) in objects {
            guard name.hasSuffix(".gz"), let id = Self.snapshotID(inName: name), !present.contains(id.rawValue + ".json"),
                  oldEnough(object.lastModified, minimumAge) else { continue }
            _ = try s3("") { client in try await client.deleteObject(bucket: bucket, key: object.key) }
            removed.append(name)
        }
        let uploads = try s3("") { client in try await client.listMultipartUploads(bucket: bucket, prefix: prefix) }
        for upload in uploads {
            let name = String(upload.key.dropFirst(prefix.count))
            guard !name.contains("/"), Self.snapshotID(inName: name) != nil,
                  oldEnough(upload.initiated, minimumAge > 0 ? max(minimumAge, 3600) : 0) else { continue }
            _ = try s3("") { client in
                do {
                    try await client.abortMultipartUpload(bucket: bucket, key: upload.key, uploadID: upload.uploadID)
                } catch let error as S3Error where error.status == 404 {
                    // Completed or aborted meanwhile.
                }
            }
            removed.append(name + " (incomplete upload)")
        }
        return removed.sorted()
    }

    /// S3's timestamps: ISO 8601 (listings) or RFC 1123 (HEAD's Last-Modified).
    static func parseDate(_ text: String) -> Date? {
        let iso = ISO8601DateFormatter()
        iso.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        if let date = iso.date(from: text) { return date }
        iso.formatOptions = [.withInternetDateTime]
        if let date = iso.date(from: text) { return date }
        let http = DateFormatter()
        http.locale = Locale(identifier: "en_US_POSIX")
        http.dateFormat = "EEE, dd MMM yyyy HH:mm:ss zzz"
        return http.date(from: text)
    }
}
