import Foundation
import Testing

/// The fleet at its own scale, through the real binary: 50 SQLite tenants and four
/// migrations, where tenant 17 (or 1) has data that makes 0003 fail after 0001 and 0002 committed.
/// The failing tenant is restored exactly (`.dump` as before), every tenant that ran is at 0004, and
/// every tenant the scheduler did not start is `skipped` and byte for byte as it was.
@Suite struct FleetFiftyTenantsTests {
    static let tenants = 50

    @Test func maxFailuresOneRestoresTenant17AndLeavesTheSkippedTenantsUntouched() throws {
        let fleet = try TenantFleet(count: Self.tenants, failing: [17], migrations: TenantFleet.fourMigrations)
        let dump17 = try fleet.dump(17)
        let bytes = try (1...Self.tenants).map(fleet.bytes)
        let result = try fleet.run("migrate", "--targets", "targets.txt", "--parallel", "4", "--max-failures", "1", "--format", "json")
        #expect(result.exitCode == 1, "\(result.stderr)")
        let json = try result.json()
        #expect(json["exit_code"] as? Int == 1)
        #expect(json["ok"] as? Bool == false)
        let statuses = try TenantFleet.statuses(json)
        #expect(statuses.map(\.url) == (1...Self.tenants).map(fleet.url))

        // Tenants 1–16 ran before 17 was started; 17 failed at 0003 and was restored.
        #expect(statuses[..<16].allSatisfy { $0.status == "ok" && $0.exitCode == 0 }, "\(statuses)")
        #expect(statuses[16].status == "failed" && statuses[16].exitCode == 1)
        let failed = try #require(try TenantFleet.report(json, 16))
        #expect(failed["restored"] as? Bool == true)
        #expect(failed["database_changed"] as? Bool == false)
        #expect((failed["failure"] as? [String: Any])?["version"] as? String == "0003", "\(failed)")
        #expect(try fleet.dump(17) == dump17, "tenant 17 is exactly as before")

        // After 17: the tenants already started finished; once it failed none started — a
        // suffix of the list is skipped.
        let after = Array(statuses[17...])
        #expect(after.allSatisfy { $0.status == "ok" || $0.status == "skipped" }, "\(after)")
        let firstSkipped = try #require(after.firstIndex { $0.status == "skipped" }, "the circuit breaker skipped nobody")
        #expect(after[firstSkipped...].allSatisfy { $0.status == "skipped" }, "\(after)")
        let ran = statuses.indices.filter { statuses[$0].status == "ok" }.map { $0 + 1 }
        let skipped = statuses.indices.filter { statuses[$0].status == "skipped" }.map { $0 + 1 }
        #expect(try #require(json["summary"] as? [String: Int]) ==
                ["total": Self.tenants, "ok": ran.count, "failed": 1, "skipped": skipped.count, "up_to_date": 0])

        for tenant in ran {
            #expect(try fleet.version(tenant) == "0004", "tenant \(tenant)")
            #expect(try TenantFleet.report(json, tenant - 1)?["current_version"] as? String == "0004")
        }
        for tenant in skipped {
            #expect(try fleet.bytes(tenant) == bytes[tenant - 1], "skipped tenant \(tenant) is untouched")
            #expect(statuses[tenant - 1].exitCode == nil)
            #expect(try TenantFleet.report(json, tenant - 1) == nil)
        }
        // A snapshot for each tenant that ran (17's kept: its restore needed it), none for the skipped.
        #expect(try fleet.snapshotDatabases().sorted() == (ran + [17]).sorted().map(fleet.url))
        let left = try FileManager.default.contentsOfDirectory(atPath: fleet.workspace.path("tenants")).sorted()
        // Beside the tenants: the SPEC's lock file of each one that ran, no journal or scratch file,
        // nothing at all for a skipped one.
        #expect(left == ((1...Self.tenants).map(fleet.name) + (ran + [17]).map { fleet.name($0) + ".lock" }).sorted(), "\(left)")
    }

    @Test func maxFailuresHundredMigratesEveryOtherTenant() throws {
        let fleet = try TenantFleet(count: Self.tenants, failing: [17], migrations: TenantFleet.fourMigrations)
        let dump17 = try fleet.dump(17)
        let result = try fleet.run("migrate", "--targets", "targets.txt", "--parallel", "4", "--max-failures", "100", "--format", "json")
        #expect(result.exitCode == 1, "\(result.stderr)")
        let json = try result.json()
        let statuses = try TenantFleet.statuses(json)
        #expect(statuses.map(\.status) == (1...Self.tenants).map { $0 == 17 ? "failed" : "ok" }, "\(statuses)")
        #expect(try #require(json["summary"] as? [String: Int]) ==
                ["total": Self.tenants, "ok": Self.tenants - 1, "failed": 1, "skipped": 0, "up_to_date": 0])
        #expect(try TenantFleet.report(json, 16)?["restored"] as? Bool == true)
        #expect(try fleet.dump(17) == dump17, "tenant 17 is exactly as before")
        for tenant in (1...Self.tenants) where tenant != 17 {
            #expect(try fleet.version(tenant) == "0004", "tenant \(tenant)")
        }
    }

    @Test func aFailingFirstCanaryLeavesTheOther49Untouched() throws {
        let fleet = try TenantFleet(count: Self.tenants, failing: [1], migrations: TenantFleet.fourMigrations)
        let dump1 = try fleet.dump(1)
        let bytes = try (1...Self.tenants).map(fleet.bytes)
        let result = try fleet.run("migrate", "--targets", "targets.txt", "--canary", "2", "--parallel", "4",
                                   "--max-failures", "100", "--format", "json")
        #expect(result.exitCode == 1, "\(result.stderr)")
        let json = try result.json()
        let statuses = try TenantFleet.statuses(json)
        #expect(statuses.map(\.status) == ["failed"] + Array(repeating: "skipped", count: Self.tenants - 1), "\(statuses)")
        #expect(try #require(json["summary"] as? [String: Int]) ==
                ["total": Self.tenants, "ok": 0, "failed": 1, "skipped": Self.tenants - 1, "up_to_date": 0])
        #expect(try fleet.dump(1) == dump1, "tenant 1 is exactly as before")
        for tenant in 2...Self.tenants {
            #expect(try fleet.bytes(tenant) == bytes[tenant - 1], "tenant \(tenant) is untouched")
        }
        #expect(try fleet.snapshotDatabases() == [fleet.url(1)])
    }
}
