import Foundation
import Testing

/// `--targets` fleets through the real binary (SPEC "Fleets"): each tenant runs the single-database
/// path, the failing one is restored, the others are not touched by its failure, and the scheduler
/// (`--parallel`, `--canary`, `--max-failures`) decides which are `skipped`.
@Suite struct FleetCommandTests {
    @Test func parallelFleetMigratesEveryTenantAndRestoresTheFailingOne() throws {
        let fleet = try TenantFleet(count: 6, failing: [3])
        let before = try fleet.dump(3)
        let result = try fleet.run("migrate", "--targets", "targets.txt", "--parallel", "3", "--max-failures", "10", "--format", "json")
        #expect(result.exitCode == 1, "\(result.stderr)")
        let json = try result.json()
        let statuses = try TenantFleet.statuses(json)
        #expect(statuses.map(\.url) == (1...6).map { "sqlite:tenants/t\($0).sqlite" })
        #expect(statuses.map(\.status) == ["ok", "ok", "failed", "ok", "ok", "ok"], "\(result.stdout)")
        #expect(statuses[2].exitCode == 1)
        #expect(json["exit_code"] as? Int == 1)
        #expect(json["ok"] as? Bool == false)
        let summary = try #require(json["summary"] as? [String: Int])
        #expect(summary == ["total": 6, "ok": 5, "failed": 1, "skipped": 0, "up_to_date": 0])
        let failedReport = try #require((json["targets"] as? [[String: Any]])?[2]["report"] as? [String: Any])
        #expect(failedReport["restored"] as? Bool == true)

        #expect(try fleet.dump(3) == before, "the failing tenant is exactly as before")
        for tenant in [1, 2, 4, 5, 6] {
            #expect(try fleet.version(tenant) == "0002", "tenant \(tenant)")
            #expect(try fleet.sqlite(tenant, "SELECT count(*) FROM items").trimmingCharacters(in: .whitespacesAndNewlines) == "2")
        }
        // Each tenant has a snapshot of its own in the one store (the failing one's is kept: 0001 had committed).
        #expect(try fleet.snapshotDatabases().sorted() == (1...6).map { "sqlite:tenants/t\($0).sqlite" })

        // Again: the five are up to date; the failing one fails the same way.
        let again = try fleet.run("migrate", "--targets", "targets.txt", "--parallel", "3", "--max-failures", "10", "--format", "json")
        #expect(try TenantFleet.statuses(again.json()).map(\.status) == ["up_to_date", "up_to_date", "failed", "up_to_date", "up_to_date", "up_to_date"])
        #expect(again.exitCode == 1, "\(again.stdout)")
    }

    @Test func maxFailuresStopsStartingTenantsAndSkipsTheRest() throws {
        let fleet = try TenantFleet(count: 6, failing: [3])
        let untouched = try (4...6).map(fleet.dump)
        let result = try fleet.run("migrate", "--targets", "targets.txt", "--format", "json")
        #expect(result.exitCode == 1, "\(result.stderr)")
        let statuses = try TenantFleet.statuses(result.json())
        #expect(statuses.map(\.status) == ["ok", "ok", "failed", "skipped", "skipped", "skipped"])
        #expect(statuses[3...].allSatisfy { $0.exitCode == nil })
        #expect(try (4...6).map(fleet.dump) == untouched, "skipped tenants are not touched")
        #expect(try (4...6).map(fleet.version) == [nil, nil, nil])

        // In text: a line per target, then the summary.
        let fresh = try TenantFleet(count: 4, failing: [2])
        let text = try fresh.run("migrate", "--targets", "targets.txt", "--max-failures", "2")
        #expect(text.exitCode == 1)
        let lines = text.stdout.split(separator: "\n").map(String.init)
        #expect(lines.first == "ok           sqlite:tenants/t1.sqlite")
        #expect(lines.contains { $0.hasPrefix("failed       sqlite:tenants/t2.sqlite (exit 1): migration 0002 failed") })
        #expect(lines.contains("fleet: 4 targets: 3 ok, 0 up to date, 1 failed, 0 skipped"))
    }

    @Test func aFailingCanaryStopsTheFleetBeforeAnyOtherTenant() throws {
        let fleet = try TenantFleet(count: 6, failing: [1])
        let untouched = try (2...6).map(fleet.dump)
        let result = try fleet.run("migrate", "--targets", "targets.txt", "--canary", "2", "--parallel", "4",
                                   "--max-failures", "100", "--format", "json")
        #expect(result.exitCode == 1, "\(result.stderr)")
        #expect(try TenantFleet.statuses(result.json()).map(\.status) == ["failed"] + Array(repeating: "skipped", count: 5))
        #expect(try (2...6).map(fleet.dump) == untouched)

        // A canary that passes lets the rest run.
        let healthy = try TenantFleet(count: 5)
        let passed = try healthy.run("migrate", "--targets", "targets.txt", "--canary", "2", "--parallel", "2", "--format", "json")
        #expect(passed.exitCode == 0, "\(passed.stderr)")
        #expect(try TenantFleet.statuses(passed.json()).allSatisfy { $0.status == "ok" })
        #expect(try (1...5).map(healthy.version) == Array(repeating: "0002", count: 5))
    }

    @Test func otherCommandsRunOverTheFleet() throws {
        let fleet = try TenantFleet(count: 3)
        #expect(try fleet.run("migrate", "--targets", "targets.txt").exitCode == 0)
        for command in ["status", "verify", "snapshots", "plan"] {
            let result = try fleet.run(command, "--targets", "targets.txt", "--parallel", "2", "--format", "json")
            #expect(result.exitCode == 0, "\(command): \(result.stderr)")
            let json = try result.json()
            #expect(json["command"] as? String == command)
            let targets = try #require(json["targets"] as? [[String: Any]])
            #expect(targets.count == 3)
            #expect(targets.allSatisfy { ($0["report"] as? [String: Any])?["command"] as? String == command })
        }
        // LIFEBOAT_TARGETS instead of the flag.
        let env = try LifeboatBinary.run(["status", "--format", "json"], in: fleet.workspace.root,
                                         environment: ["LIFEBOAT_TARGETS": "targets.txt"])
        #expect(try TenantFleet.statuses(env.json()).count == 3)
    }
}
