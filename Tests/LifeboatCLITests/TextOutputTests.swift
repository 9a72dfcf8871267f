import Foundation
import Testing

/// Text output is for people: statuses in words (`not rehearsed`, not `not_rehearsed`), columns
/// that line up; `status` says when `migrate` would refuse an out-of-order migration.
@Suite struct TextOutputTests {
    /// The column at which `needle` starts on each line that holds it.
    func columns(of needle: String, in text: String) -> [Int] {
        text.split(separator: "\n").compactMap { line in
            line.range(of: needle).map { line.distance(from: line.startIndex, to: $0.lowerBound) }
        }
    }

    @Test func planUsesWordsAndAlignedColumns() throws {
        let workspace = try Workspace()
        #expect(try workspace.run("migrate", "--target", "0004").exitCode == 0)
        try workspace.write("migrations/0007_broken.sql", "INSERT INTO nowhere VALUES (1);\n")
        try workspace.write("migrations/0008_after.sql", "CREATE TABLE after_broken (id INTEGER);\n")
        let plan = try workspace.run("plan")
        #expect(plan.exitCode == 1)
        #expect(plan.stdout.contains("not reached  0008_after"), "\(plan.stdout)")
        #expect(!plan.stdout.contains("_reached") && !plan.stdout.contains("not_"))
        let names = plan.stdout.split(separator: "\n").filter { !$0.hasPrefix(" ") && $0.contains("_") && !$0.hasPrefix("lint") }
        #expect(names.count == 4, "\(plan.stdout)")
        // The names start in one column, and the times in another.
        #expect(Set(columns(of: "00", in: names.joined(separator: "\n"))).count == 1, "\(names)")
        let timed = names.filter { $0.hasSuffix(" ms") }
        #expect(Set(timed.map { line in line.distance(from: line.startIndex, to: line.range(of: #"\d+ ms$"#, options: .regularExpression)!.lowerBound) }).count <= 1,
                "times aligned: \(timed)")
    }

    @Test func rollbackUsesWordsAndAlignedColumns() throws {
        let workspace = try Workspace()
        #expect(try workspace.run("migrate").exitCode == 0)
        let rollback = try workspace.run("rollback", "--steps", "3", "--yes")
        #expect(rollback.exitCode == 0, "\(rollback.stderr)")
        let lines = rollback.stdout.split(separator: "\n").filter { $0.hasPrefix("rolled back") }
        #expect(lines.count == 3, "\(rollback.stdout)")
        #expect(!rollback.stdout.contains("rolled_back"))
        #expect(Set(columns(of: "00", in: lines.joined(separator: "\n"))).count == 1)
        #expect(Set(lines.map { line in line.distance(from: line.startIndex, to: line.range(of: #"\d+ ms$"#, options: .regularExpression)!.lowerBound) }).count == 1,
                "times aligned: \(lines)")
    }

    @Test func statusSaysWhenAPendingMigrationIsOutOfOrder() throws {
        let workspace = try Workspace(exampleMigrations: false)
        try workspace.write("migrations/0001_first.sql", "CREATE TABLE first (id INTEGER);\n")
        try workspace.write("migrations/0003_third.sql", "CREATE TABLE third (id INTEGER);\n")
        #expect(try workspace.run("migrate").exitCode == 0)
        try workspace.write("migrations/0002_late.sql", "CREATE TABLE late (id INTEGER);\n")
        let text = try workspace.run("status")
        #expect(text.exitCode == 0)
        #expect(text.stdout.contains("out of order: "), "\(text.stdout)")
        #expect(text.stdout.contains("0002_late.sql: migration 0002 is pending but a higher version, 0003, is already applied"),
                "\(text.stdout)")
        let json = try workspace.run("status", "--format", "json").json()
        #expect((json["out_of_order"] as? String)?.contains("--allow-out-of-order") == true)
        #expect(try workspace.run("migrate").exitCode == 3, "migrate refuses what status warned of")
        // Nothing out of order: the key is there and null.
        try FileManager.default.removeItem(atPath: workspace.path("migrations/0002_late.sql"))
        #expect(try workspace.run("status", "--format", "json").json()["out_of_order"] is NSNull)
    }
}
