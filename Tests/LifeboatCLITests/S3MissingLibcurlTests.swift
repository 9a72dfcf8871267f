import Foundation
import Testing

/// libcurl is loaded only when an S3 store is used (Linux): without it every other command works,
/// and a command that needs the store stops (exit 5) saying to install libcurl4 or set
/// LIFEBOAT_LIBCURL, before any migration.
@Suite struct S3MissingLibcurlTests {
    static let noLibcurl = ["LIFEBOAT_LIBCURL": "/nonexistent/libcurl.so.4"]

    @Test func commandsWithoutS3RunWithoutLibcurl() throws {
        let workspace = try Workspace()
        #expect(try workspace.run("migrate", environment: Self.noLibcurl).exitCode == 0)
        let status = try workspace.run("status", environment: Self.noLibcurl)
        #expect(status.exitCode == 0, "\(status.stderr)")
        #expect(!status.stderr.contains("libcurl"), "\(status.stderr)")
    }

    #if os(Linux)
    @Test func migrateToAnS3StoreStopsSayingHowToGetLibcurl() throws {
        let workspace = try Workspace()
        #expect(try workspace.run("migrate", "--target", "0001").exitCode == 0)
        let database = try Data(contentsOf: URL(fileURLWithPath: workspace.path("app.sqlite")))
        let environment = Self.noLibcurl.merging([
            "AWS_ACCESS_KEY_ID": "AKIDLIBCURLTEST", "AWS_SECRET_ACCESS_KEY": "never-printed-secret",
            "AWS_REGION": "us-east-1", "AWS_ENDPOINT_URL_S3": "http://127.0.0.1:1",
        ]) { $1 }
        let result = try workspace.run("migrate", "--backups", "s3://bucket/prefix?path_style=true", environment: environment)
        #expect(result.exitCode == 5, "\(result.stderr)")
        #expect(result.stderr.contains("s3://bucket/prefix"), "\(result.stderr)")
        #expect(result.stderr.contains("/nonexistent/libcurl.so.4"), "\(result.stderr)")
        #expect(result.stderr.contains("install libcurl4") && result.stderr.contains("LIFEBOAT_LIBCURL"), "\(result.stderr)")
        #expect(!result.stderr.contains("never-printed-secret"), "\(result.stderr)")
        #expect(try Data(contentsOf: URL(fileURLWithPath: workspace.path("app.sqlite"))) == database)
    }
    #endif
}
