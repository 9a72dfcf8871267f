import Foundation
import Testing

/// Issue 11: `--backups s3://…` names the S3 snapshot store, which is not built yet (issue 12). It
/// must be refused (exit 2, naming the flag and the store) before anything is touched — not taken
/// for a local folder called `s3:`.
@Suite struct S3BackupsLocationTests {
    static let commands: [[String]] = [["status"], ["snapshot"], ["migrate"], ["prune"]]

    @Test(arguments: commands)
    func s3LocationExitsTwoSayingTheStoreIsNotBuiltAndCreatesNothing(_ command: [String]) throws {
        let workspace = try Workspace()
        #expect(try workspace.run("migrate").exitCode == 0)
        let before = try FileManager.default.contentsOfDirectory(atPath: workspace.root.path).sorted()
        let database = try Data(contentsOf: URL(fileURLWithPath: workspace.path("app.sqlite")))
        let result = try LifeboatBinary.run(command + ["--backups", "s3://bucket/prefix"], in: workspace.root)
        #expect(result.exitCode == 2, "\(command): \(result.stderr)")
        #expect(result.stderr.contains("--backups"), "\(result.stderr)")
        #expect(result.stderr.contains("s3://bucket/prefix"), "\(result.stderr)")
        #expect(result.stderr.contains("the S3 snapshot store is not built yet"), "\(result.stderr)")
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
}
