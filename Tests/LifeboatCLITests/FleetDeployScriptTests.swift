import Foundation
import Testing

/// `scripts/deploy.sh --targets FILE` runs the fleet through `lifeboat migrate --targets` and prints
/// its summary; with a database URL as well it refuses (exit 2).
@Suite struct FleetDeployScriptTests {
    @Test func deployRunsAFleetAndPrintsItsSummary() throws {
        let repository = try ScratchRepository(migrations: [])
        try repository.write("migrations/0001_add_y.sql", "-- lifeboat:up\nALTER TABLE items ADD COLUMN y INTEGER;\n")
        let tenants = repository.caller.appendingPathComponent("tenants")
        try FileManager.default.createDirectory(at: tenants, withIntermediateDirectories: true)
        for tenant in 1...3 {
            try Shell.run("sqlite3", [tenants.appendingPathComponent("t\(tenant).sqlite").path, "CREATE TABLE items (x INTEGER);"])
        }
        try Data("sqlite:tenants/*.sqlite\n".utf8).write(to: repository.caller.appendingPathComponent("targets.txt"))

        let result = try repository.runScript("deploy.sh", ["--targets", "targets.txt", "--", "--parallel", "2"])
        #expect(result.exitCode == 0, "\(result.output)")
        #expect(result.stdout.contains("== Fleet deploy summary =="), "\(result.output)")
        #expect(result.stdout.contains("targets:   3 (3 ok, 0 up to date, 0 failed, 0 skipped)"), "\(result.output)")
        for tenant in 1...3 {
            #expect(result.stdout.contains("ok           sqlite:tenants/t\(tenant).sqlite"))
        }
        #expect(try repository.files(in: "backups").filter { $0.hasSuffix(".json") }.count == 3)

        let both = try repository.runScript("deploy.sh", ["--targets", "targets.txt"], environment: ["DATABASE_URL": "sqlite:app.sqlite"])
        #expect(both.exitCode == 2)
        #expect(both.stderr.contains("not both"), "\(both.output)")
    }
}
