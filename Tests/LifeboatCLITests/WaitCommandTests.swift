import Foundation
import TestSupport
import Testing

/// SPEC v2 `lifeboat wait [--timeout S]`: waits until the target accepts connections; exit 2 with
/// the last error when it does not; SQLite returns at once.
@Suite struct WaitCommandTests {
    @Test func sqliteReturnsAtOnce() throws {
        let workspace = try Workspace()
        let start = Date()
        let result = try workspace.run("wait", "-d", "sqlite:not-yet.sqlite")
        #expect(result.exitCode == 0, "\(result.stderr)")
        #expect(Date().timeIntervalSince(start) < 5)
        #expect(!workspace.exists("not-yet.sqlite"), "wait creates nothing")
    }

    @Test func noServerExitsTwoWithTheLastError() throws {
        let workspace = try Workspace()
        let start = Date()
        let result = try workspace.run("wait", "--timeout", "1", "-d", "postgres://app:hunter2@127.0.0.1:1/appdb")
        let elapsed = Date().timeIntervalSince(start)
        #expect(result.exitCode == 2)
        #expect(result.stderr.contains("did not accept connections within 1.0 s; last error:"), "\(result.stderr)")
        #expect(result.stderr.contains("127.0.0.1"))
        #expect(!result.stderr.contains("hunter2"))
        #expect(elapsed >= 1 && elapsed < 15)
        #expect(try workspace.run("wait", "--timeout", "-1").exitCode == 2)
    }

    /// A real server started 2 s after `wait` began: initdb, then `pg_ctl start` after a sleep,
    /// as the unprivileged `postgres` user when the tests run as root (like scripts/test.sh).
    @Test(.enabled(if: PostgresServer.binDirectory != nil || PostgresServer.isCI))
    func succeedsAgainstAServerThatStartsTwoSecondsLater() throws {
        let bin = try #require(PostgresServer.binDirectory, "LIFEBOAT_TEST_PG_BIN is not set: run through scripts/test.sh")
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("lifeboat-wait-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let script = """
            set -euo pipefail
            dir=$1 bin=$2 lifeboat=$3
            as=()
            if [[ $(id -u) -eq 0 ]]; then chmod 755 "$dir"; chown postgres: "$dir"; as=(runuser -u postgres --); fi
            "${as[@]}" "$bin/initdb" -D "$dir/data" --username=postgres --auth=trust >/dev/null
            port=""
            for _ in $(seq 1 50); do
                candidate=$((20000 + RANDOM % 40000))
                if ! (exec 3<>"/dev/tcp/127.0.0.1/$candidate") 2>/dev/null; then port=$candidate; break; fi
            done
            started=$(date +%s.%N)
            (sleep 2; "${as[@]}" "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" \\
                -o "-c listen_addresses=127.0.0.1 -p $port -k $dir" start >/dev/null) &
            rc=0
            "$lifeboat" wait --timeout 60 -d "postgres://postgres@127.0.0.1:$port/postgres" || rc=$?
            ended=$(date +%s.%N)
            wait
            "${as[@]}" "$bin/pg_ctl" -D "$dir/data" -m immediate -w stop >/dev/null 2>&1 || true
            echo "waited $(awk "BEGIN { print $ended - $started }")"
            exit $rc
            """
        let result = try ChildProcessRunner.bash(script, [folder.path, bin, LifeboatBinary.path])
        #expect(result.exitCode == 0, "\(result.stdout) \(result.stderr)")
        #expect(result.stdout.contains("accepts connections"), "\(result.stdout)")
        let waited = result.stdout.split(separator: "\n").last { $0.hasPrefix("waited ") }
            .flatMap { Double($0.dropFirst(7)) }
        #expect((waited ?? 0) >= 2, "\(result.stdout)")
    }
}
