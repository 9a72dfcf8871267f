import Foundation
import TestSupport
import Testing

/// SIGINT during a fleet: no new target starts, the running one finishes, and the report lists the
/// rest as `skipped` (exit 1: the fleet did not finish), instead of the process dying mid-target.
@Suite struct FleetInterruptTests {
    @Test func interruptStartsNoNewTargetAndReportsTheRestSkipped() throws {
        let fleet = try TenantFleet(count: 6)
        // Slow enough (about a second per tenant) that the signal lands while tenants remain.
        try fleet.workspace.write("migrations/0003_big.sql", """
            -- lifeboat:up
            CREATE TABLE big AS WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 1500000) SELECT i FROM n;
            """)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: LifeboatBinary.path)
        process.arguments = ["migrate", "--targets", "targets.txt"]
        process.currentDirectoryURL = fleet.workspace.root
        process.environment = ChildProcess.environment(dropping: { $0 == "DATABASE_URL" || $0.hasPrefix("LIFEBOAT_") }, adding: [:])
        let output = Pipe()
        let errors = Pipe()
        process.standardOutput = output
        process.standardError = errors
        try process.run()
        // Wait for the first tenant's line, then interrupt.
        var seen = Data()
        while !String(decoding: seen, as: UTF8.self).contains("\n") {
            let chunk = output.fileHandleForReading.availableData
            if chunk.isEmpty { break }
            seen += chunk
        }
        process.interrupt()
        seen += output.fileHandleForReading.readDataToEndOfFile()
        let stderr = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        let stdout = String(decoding: seen, as: UTF8.self)

        #expect(process.terminationReason == .exit && process.terminationStatus == 1, "\(stdout)\(stderr)")
        #expect(stderr.contains("SIGINT: no new target starts"), "\(stderr)")
        #expect(stdout.contains("skipped      sqlite:tenants/t6.sqlite"), "\(stdout)")
        let finished = try (1...6).filter { try fleet.version($0) == "0003" }
        let untouched = try (1...6).filter { try fleet.version($0) == nil }
        #expect(finished.count >= 1 && finished.count < 6)
        #expect(finished.count + untouched.count == 6, "every tenant either finished or was never started")
        #expect(stdout.contains("fleet: 6 targets: \(finished.count) ok, 0 up to date, 0 failed, \(untouched.count) skipped"), "\(stdout)")
    }
}
