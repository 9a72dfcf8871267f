import Foundation
import LifeboatS3Store
import TestSupport
import Testing

/// Issue 12's faults through the real binary: a store that cannot be used stops the command with
/// exit 5 before the database is touched ("no backup, no migration"), naming the store and S3's
/// error code and never the secret; a payload changed in the bucket is refused; a run killed
/// during the upload leaves nothing listed, and `prune` aborts its incomplete upload.
@Suite(.enabled(if: S3StoreWorkspace.shouldRun))
struct S3StoreFaultTests {
    static let commands: [[String]] = [["snapshot"], ["migrate"], ["prune"], ["restore", "latest", "--yes"]]

    @Test(arguments: commands)
    func aMissingBucketExitsFiveNamingTheStoreAndTheCodeAndChangesNothing(_ command: [String]) async throws {
        let s3 = try await S3StoreWorkspace()
        #expect(try s3.workspace.run("migrate", "--target", "0002").exitCode == 0)
        let database = try s3.databaseBytes()
        let missing = "s3://\(s3.bucket)-missing/app?path_style=true"
        let result = try LifeboatBinary.run(command + ["--backups", missing], in: s3.workspace.root, environment: s3.s3Environment)
        S3StoreWorkspace.expectNoSecret(result)
        #expect(result.exitCode == 5, "\(command): \(result.stderr)")
        #expect(result.stderr.contains("s3://\(s3.bucket)-missing/app"), "\(result.stderr)")
        #expect(result.stderr.contains("NoSuchBucket"), "\(result.stderr)")
        #expect(try s3.databaseBytes() == database)
        #expect(try s3.currentVersion() == "0002")
    }

    @Test func anUnreachableStoreStopsMigrateBeforeAnyMigration() async throws {
        let s3 = try await S3StoreWorkspace()
        #expect(try s3.workspace.run("migrate", "--target", "0002").exitCode == 0)
        let database = try s3.databaseBytes()
        let result = try s3.run("migrate", environment: ["AWS_ENDPOINT_URL_S3": "http://127.0.0.1:9"])
        #expect(result.exitCode == 5, "\(result.stderr)")
        #expect(result.stderr.contains(s3.store) && result.stderr.contains("could not reach"), "\(result.stderr)")
        #expect(try s3.databaseBytes() == database)
        #expect(try s3.currentVersion() == "0002")
    }

    /// With or without the safety snapshot (whose check reads the payload first); without it, the
    /// restore itself decompresses the payload while it downloads (SQLite stages it in scratch).
    @Test(arguments: [false, true])
    func aPayloadChangedInTheBucketIsRefusedAndTheDatabaseStaysAsItIs(noSafetySnapshot: Bool) async throws {
        let s3 = try await S3StoreWorkspace()
        let taken = try s3.run("migrate", "--format", "json")
        let id = try #require((try taken.json()["snapshot"] as? [String: Any])?["id"] as? String)
        let key = "app/\(id).sqlite.gz"
        var payload = try await s3.client.getObject(bucket: s3.bucket, key: key)
        payload[payload.count / 2] ^= 0x01
        try await s3.client.putObject(bucket: s3.bucket, key: key, data: payload)
        let database = try s3.databaseBytes()

        let result = try noSafetySnapshot ? s3.run("restore", id, "--yes", "--no-safety-snapshot") : s3.run("restore", id, "--yes")
        #expect(result.exitCode == 5, "\(result.stderr)")
        #expect(result.stderr.contains("SHA-256") && result.stderr.contains(id), "\(result.stderr)")
        #expect(try s3.databaseBytes() == database)
        #expect(try s3.currentVersion() == "0006")
        // Nothing of the download is left beside the database.
        #expect(!s3.workspace.exists(".lifeboat-scratch"))
    }

    /// Synchronous, with its S3 calls on the store's own executor: polled from the cooperative
    /// pool, which the other tests keep busy, the upload was seen too late under a full run.
    @Test func aMigrateKilledDuringTheUploadLeavesNothingListedAndPruneAbortsTheUpload() throws {
        let s3 = try S3StoreExecutor.wait { try await S3StoreWorkspace() }
        let client = s3.client, bucket = s3.bucket
        let uploads = { try S3StoreExecutor.wait { try await client.listMultipartUploads(bucket: bucket, prefix: "app/") } }
        // 120 MB that does not compress: many 8 MiB parts, long enough to be caught mid-upload.
        #expect(try s3.workspace.run("migrate", "--target", "0001").exitCode == 0)
        try s3.fill(megabytes: 120)
        let database = try s3.databaseBytes()

        let process = Process()
        process.executableURL = URL(fileURLWithPath: LifeboatBinary.path)
        process.arguments = ["migrate", "--compression-level", "9", "--backups", s3.backups]
        process.currentDirectoryURL = s3.workspace.root
        process.environment = ProcessInfo.processInfo.environment.filter { !$0.key.hasPrefix("LIFEBOAT_") && $0.key != "DATABASE_URL" }
            .merging(s3.s3Environment) { $1 }
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        // Killed as soon as the multipart upload exists, long before its parts are all sent.
        let deadline = Date().addingTimeInterval(30)
        while try uploads().isEmpty, Date() < deadline, process.isRunning {
            Thread.sleep(forTimeInterval: 0.002)
        }
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
        #expect(process.terminationReason == .uncaughtSignal, "the run ended before it could be killed")

        let listed = try s3.run("snapshots", "--format", "json")
        #expect(try #require(try listed.json()["snapshots"] as? [[String: Any]]).isEmpty, "\(listed.stdout)")
        #expect(try s3.databaseBytes() == database)
        #expect(try s3.currentVersion() == "0001")
        #expect(try !uploads().isEmpty)

        let pruned = try s3.run("prune", "--format", "json")
        #expect(pruned.exitCode == 0, "\(pruned.stderr)")
        #expect(pruned.stdout.contains("incomplete upload"), "\(pruned.stdout)")
        #expect(try uploads().isEmpty)
        #expect(try S3StoreExecutor.wait { try await s3.keys() }.isEmpty)
    }
}
