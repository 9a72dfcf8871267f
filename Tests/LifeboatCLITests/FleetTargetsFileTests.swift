import Foundation
import Testing

/// The targets file (SPEC "Fleets"): comments and blank lines, globs expanded in sorted order, a
/// bad line named by file and line (exit 2, password never shown, nothing run), and `--shard` /
/// `lifeboat targets --shards` partitioning the list.
@Suite struct FleetTargetsFileTests {
    @Test func globsExpandInSortedOrderAmongPlainLines() throws {
        let workspace = try Workspace(exampleMigrations: false)
        for name in ["b10", "a2", "a10", "b1"] { try workspace.write("tenants/\(name).sqlite", "") }
        try workspace.write("targets.txt", """
            # the main database first
            sqlite:main.sqlite

            sqlite:tenants/b*.sqlite
              # indented comment
            sqlite:tenants/a?*.sqlite
            """)
        let result = try workspace.run("targets", "--targets", "targets.txt", "--format", "json")
        #expect(result.exitCode == 0, "\(result.stderr)")
        let targets = try #require(try result.json()["targets"] as? [[String: Any]])
        #expect(targets.compactMap { $0["url"] as? String } == [
            "sqlite:main.sqlite", "sqlite:tenants/b1.sqlite", "sqlite:tenants/b10.sqlite",
            "sqlite:tenants/a10.sqlite", "sqlite:tenants/a2.sqlite",
        ])
        #expect(targets.compactMap { $0["position"] as? Int } == [0, 1, 2, 3, 4])
    }

    @Test func aBadLineIsAUsageErrorNamingFileAndLineWithoutThePassword() throws {
        let workspace = try Workspace(exampleMigrations: false)
        try workspace.write("tenants/t1.sqlite", "")
        try workspace.write("targets.txt", "sqlite:tenants/t1.sqlite\npostgres://app:s3cret@db.invalid/app\n\nnot-a-url\n")
        let bad = try workspace.run("migrate", "--targets", "targets.txt")
        #expect(bad.exitCode == 2)
        #expect(bad.stderr.contains("targets.txt:4: bad target 'not-a-url'"), "\(bad.stderr)")
        #expect(!(bad.stdout + bad.stderr).contains("s3cret"))
        #expect(try Data(contentsOf: URL(fileURLWithPath: workspace.path("tenants/t1.sqlite"))).isEmpty, "nothing ran")

        try workspace.write("targets.txt", "postgres://app:s3cret@db.invalid/app\nsqlite:nowhere/*.sqlite\n")
        let glob = try workspace.run("status", "--targets", "targets.txt", "--format", "json")
        #expect(glob.exitCode == 2)
        let message = try #require((try glob.json()["error"] as? [String: Any])?["message"] as? String)
        #expect(message.contains("targets.txt:2:") && message.contains("matches no file"), "\(message)")
        #expect(!glob.stdout.contains("s3cret"))

        let both = try workspace.run("status", "--targets", "targets.txt", "--database-url", "sqlite:x.sqlite")
        #expect(both.exitCode == 2)
        #expect(both.stderr.contains("--targets"), "\(both.stderr)")
        #expect(try workspace.run("status", "--targets", "missing.txt").exitCode == 2)
        #expect(try workspace.run("status", "--targets", "targets.txt", "--shard", "3/3").exitCode == 2)
    }

    @Test func shardsPartitionTheTargets() throws {
        let workspace = try Workspace(exampleMigrations: false)
        for tenant in 1...11 { try workspace.write("tenants/t\(String(format: "%02d", tenant)).sqlite", "") }
        try workspace.write("targets.txt", "sqlite:tenants/*.sqlite\n")
        let all = try #require(try workspace.run("targets", "--targets", "targets.txt", "--format", "json").json()["targets"] as? [[String: Any]])
        let urls = all.compactMap { $0["url"] as? String }
        #expect(urls.count == 11)
        for shards in 1...7 {
            let listing = try workspace.run("targets", "--targets", "targets.txt", "--shards", "\(shards)", "--format", "json").json()
            #expect(listing["shards"] as? [Int] == Array(0..<shards))
            let entries = try #require(listing["targets"] as? [[String: Any]])
            var seen: [String] = []
            for shard in 0..<shards {
                let mine = entries.filter { $0["shard"] as? Int == shard }.compactMap { $0["url"] as? String }
                #expect(mine == urls.enumerated().filter { $0.offset % shards == shard }.map(\.element))
                seen += mine
            }
            #expect(seen.sorted() == urls.sorted(), "every target in exactly one of \(shards) shards")
        }
        // A command with --shard runs exactly its shard's targets.
        var ran: [String] = []
        for shard in 0..<3 {
            let result = try workspace.run("snapshots", "--targets", "targets.txt", "--shard", "\(shard)/3", "--format", "json")
            #expect(result.exitCode == 0, "\(result.stderr)")
            let mine = try TenantFleet.statuses(result.json()).map(\.url)
            #expect(mine == urls.enumerated().filter { $0.offset % 3 == shard }.map(\.element))
            ran += mine
        }
        #expect(ran.sorted() == urls.sorted())
    }
}
