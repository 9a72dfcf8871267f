import Foundation
import Testing

/// A `--backups s3://…` location that names no usable store is refused as a usage error (exit 2)
/// before anything is touched, and never echoes a key (issue 11; since issue 12 the store exists,
/// so a well-formed location is used — see `S3SnapshotCommandsTests`).
@Suite struct S3BackupsLocationTests {
    static let commands: [[String]] = [["status"], ["snapshot"], ["migrate"], ["prune"]]

    @Test(arguments: commands)
    func aMalformedS3LocationExitsTwoNamingTheFlagAndCreatesNothing(_ command: [String]) throws {
        let workspace = try Workspace()
        #expect(try workspace.run("migrate").exitCode == 0)
        let before = try FileManager.default.contentsOfDirectory(atPath: workspace.root.path).sorted()
        let database = try Data(contentsOf: URL(fileURLWithPath: workspace.path("app.sqlite")))
        let result = try LifeboatBinary.run(command + ["--backups", "s3://Bucket_Name/prefix"], in: workspace.root)
        #expect(result.exitCode == 2, "\(command): \(result.stderr)")
        #expect(result.stderr.contains("--backups"), "\(result.stderr)")
        #expect(result.stderr.contains("s3://Bucket_Name/prefix"), "\(result.stderr)")
        #expect(result.stderr.contains("bucket name"), "\(result.stderr)")
        let after = try FileManager.default.contentsOfDirectory(atPath: workspace.root.path).sorted()
        #expect(after == before, "\(command) created \(Set(after).subtracting(before))")
        #expect(try Data(contentsOf: URL(fileURLWithPath: workspace.path("app.sqlite"))) == database)
    }

    @Test func aKeyBeforeTheBucketIsNeverPrinted() throws {
        let workspace = try Workspace()
        #expect(try workspace.run("migrate").exitCode == 0)
        let result = try workspace.run("status", "--backups", "s3://AKIDSECRET:hunter2@bucket/prefix")
        #expect(result.exitCode == 2, "\(result.stderr)")
        #expect(!result.stderr.contains("hunter2") && !result.stderr.contains("AKIDSECRET"), "\(result.stderr)")
        #expect(result.stderr.contains("bucket/prefix"), "\(result.stderr)")
    }

    /// Missing keys are found when the store is first used — for `migrate`, its snapshot step —
    /// so they stop the run like refused ones (exit 5), before any migration.
    @Test func noCredentialsStopsMigrateSayingWhereTheyAreLookedFor() throws {
        let workspace = try Workspace()
        #expect(try workspace.run("migrate", "--target", "0001").exitCode == 0)
        let database = try Data(contentsOf: URL(fileURLWithPath: workspace.path("app.sqlite")))
        let environment = ["AWS_ACCESS_KEY_ID": "", "AWS_SECRET_ACCESS_KEY": "", "AWS_PROFILE": "",
                           "AWS_SHARED_CREDENTIALS_FILE": "/nonexistent/credentials", "AWS_CONFIG_FILE": "/nonexistent/config"]
        let result = try workspace.run("migrate", "--backups", "s3://bucket/prefix", environment: environment)
        #expect(result.exitCode == 5, "\(result.stderr)")
        #expect(result.stderr.contains("AWS_ACCESS_KEY_ID") && result.stderr.contains("s3://bucket/prefix"), "\(result.stderr)")
        #expect(try Data(contentsOf: URL(fileURLWithPath: workspace.path("app.sqlite"))) == database)
    }
}
