import Foundation
import Testing

/// `.github/workflows/migrations.yml` keeps the deploy's snapshots where the restore job finds
/// them, and uploads only paths that exist in the job that uploads them. (actionlint, run by
/// scripts/test.sh, checks the syntax; this checks these two properties of the text.)
@Suite struct WorkflowSnapshotStorageTests {
    static let workflow = Workspace.repository.appendingPathComponent(".github/workflows/migrations.yml")

    /// The lines of job `name` (from `  name:` to the next job at the same indentation).
    func job(_ name: String, in text: String) -> [Substring] {
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        guard let start = lines.firstIndex(of: Substring("  \(name):")) else { return [] }
        let end = lines[(start + 1)...].firstIndex { $0.range(of: #"^  [a-z-]+:$"#, options: .regularExpression) != nil } ?? lines.endIndex
        return Array(lines[start..<end])
    }

    /// The value after `key:` on the first line of `lines` that has it.
    func value(_ key: String, in lines: [Substring]) -> String? {
        lines.lazy.compactMap { line -> String? in
            guard let range = line.range(of: "\(key): ") else { return nil }
            return String(line[range.upperBound...]).trimmingCharacters(in: .whitespaces)
        }.first
    }

    @Test func deployAndRestoreUseTheS3StoreOrShareAVolumeThatHoldsTheBackups() throws {
        let text = try String(contentsOf: Self.workflow, encoding: .utf8)
        var mounts: [String] = []
        for name in ["deploy", "restore"] {
            let lines = job(name, in: text)
            #expect(!lines.isEmpty, "job \(name)")
            let setting = try #require(value("LIFEBOAT_BACKUPS", in: lines), "job \(name) sets LIFEBOAT_BACKUPS")
            // Issue 12: an S3 store from the secret when it is set, else the mounted folder.
            #expect(setting.hasPrefix("${{ secrets.LIFEBOAT_BACKUPS || '"), "the S3 store from the secret first: \(setting)")
            let backups = try #require(setting.split(separator: "'").first { $0.hasPrefix("/") }.map(String.init),
                                       "a folder when the secret is not set: \(setting)")
            #expect(value("AWS_SECRET_ACCESS_KEY", in: lines) == "${{ secrets.AWS_SECRET_ACCESS_KEY }}", "job \(name): keys from secrets")
            let volume = try #require(lines.first { $0.hasSuffix(":" + backups) && $0.contains("- ") },
                                      "job \(name) mounts a runner folder at \(backups)")
            mounts.append(String(volume).trimmingCharacters(in: .whitespaces))
        }
        #expect(mounts.count == 2 && mounts[0] == mounts[1], "the same runner folder in both jobs: \(mounts)")
    }

    @Test func uploadedPathsExistInsideTheJobContainer() throws {
        let text = try String(contentsOf: Self.workflow, encoding: .utf8)
        // Inside a container job `github.workspace` is the runner's path, not the container's.
        #expect(!text.contains("${{ github.workspace"))
        let deploy = job("deploy", in: text)
        let path = try #require(value("path", in: deploy))
        #expect(!path.hasPrefix("/") && !path.contains("${{"), "relative to the workspace: \(path)")
        let report = try #require(deploy.first { $0.contains("deploy.sh") && $0.contains("--report") })
        #expect(report.contains(path.hasSuffix("/") ? path : path + "/"), "the report goes where the upload looks: \(report)")
    }
}
