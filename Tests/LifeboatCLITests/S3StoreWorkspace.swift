import Foundation
import LifeboatS3
import TestSupport
import Testing

/// A CLI workspace whose snapshots go to a fresh bucket of the test S3 server (moto, started by
/// `scripts/test.sh`): `lifeboat` runs with `--backups s3://BUCKET/app?path_style=true`, the
/// server as `AWS_ENDPOINT_URL_S3` and a recognisable secret, so tests can grep every output for it.
/// Under `CI=true` the S3 tests run, and fail, without the server.
struct S3StoreWorkspace: @unchecked Sendable {  // handed to S3StoreExecutor.wait; used by one test at a time
    static let environment = ProcessInfo.processInfo.environment
    static let endpoint = environment["LIFEBOAT_TEST_S3_ENDPOINT"].flatMap { $0.isEmpty ? nil : $0 }
    static let shouldRun = endpoint != nil || ["true", "1", "yes"].contains(environment["CI"]?.lowercased() ?? "")
    /// moto accepts any keys; this one must never show up anywhere.
    static let secret = "SeCrEt-Key-Never-Shown-7d3f"

    struct Missing: Error, CustomStringConvertible {
        var description: String { "LIFEBOAT_TEST_S3_ENDPOINT is not set: run the S3 tests through scripts/test.sh (it starts moto_server)" }
    }

    let workspace: Workspace
    let bucket: String
    let client: S3Client
    /// `s3://BUCKET/app`.
    var store: String { "s3://\(bucket)/app" }
    var backups: String { store + "?path_style=true" }

    init(exampleMigrations: Bool = true) async throws {
        guard let endpoint = Self.endpoint, let url = URL(string: endpoint) else { throw Missing() }
        workspace = try Workspace(exampleMigrations: exampleMigrations)
        client = S3Client(configuration: S3Configuration(
            credentials: S3Credentials(accessKeyID: "AKIDLIFEBOATTEST", secretAccessKey: Self.secret),
            region: "us-east-1", endpoint: url, pathStyle: true))
        bucket = "lifeboat-cli-" + UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "").prefix(16)
        try await client.createBucket(bucket)
    }

    /// The child's S3 settings: the test server and the test keys.
    var s3Environment: [String: String] {
        ["AWS_ENDPOINT_URL_S3": Self.endpoint ?? "", "AWS_ACCESS_KEY_ID": "AKIDLIFEBOATTEST",
         "AWS_SECRET_ACCESS_KEY": Self.secret, "AWS_REGION": "us-east-1"]
    }

    /// `lifeboat ARGS… --backups s3://…`, checking that no output shows the secret.
    func run(_ arguments: String..., environment: [String: String] = [:], backups: String? = nil,
             sourceLocation: SourceLocation = #_sourceLocation) throws -> LifeboatBinary.Result {
        let result = try LifeboatBinary.run(arguments + ["--backups", backups ?? self.backups], in: workspace.root,
                                            environment: s3Environment.merging(environment) { $1 })
        Self.expectNoSecret(result, sourceLocation: sourceLocation)
        return result
    }

    static func expectNoSecret(_ result: LifeboatBinary.Result, sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(!result.stdout.contains(secret) && !result.stderr.contains(secret), "the secret was printed", sourceLocation: sourceLocation)
    }

    /// The keys under the store's prefix.
    func keys() async throws -> [String] {
        try await client.listObjects(bucket: bucket, prefix: "app/").map(\.key)
    }

    var database: String { workspace.path("app.sqlite") }

    func databaseBytes() throws -> Data {
        try Data(contentsOf: URL(fileURLWithPath: database))
    }

    /// Adds a table `filler` of `megabytes` MB of random bytes to the database: a payload that does
    /// not compress, so it spans many multipart parts.
    func fill(megabytes: Int, sourceLocation: SourceLocation = #_sourceLocation) throws {
        let fill = try ChildProcess.tool("sqlite3", [database, """
            CREATE TABLE filler (b BLOB);
            WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < \(megabytes))
            INSERT INTO filler SELECT randomblob(1000000) FROM n;
            """])
        #expect(fill.exitCode == 0, "\(fill.stderr)", sourceLocation: sourceLocation)
    }

    func currentVersion() throws -> String? {
        try workspace.run("status", "--format", "json").json()["current_version"] as? String
    }
}
