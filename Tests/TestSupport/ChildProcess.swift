import Foundation

/// What a finished child process printed and how it exited.
public struct ChildProcessResult: Sendable {
    public let exitCode: Int32
    public let stdout: String
    public let stderr: String
}

/// Runs real programs from tests — the `lifeboat` binary, the scripts, and the independent
/// witnesses (`sqlite3`, `gunzip`, `psql`) — the one way every test target does it.
public enum ChildProcess {
    /// Runs `executable` with `arguments` and waits; both pipes are drained at once, so a chatty
    /// child never blocks on a full pipe.
    /// - Parameters:
    ///   - environment: the child's whole environment (nil: this process's).
    ///   - stdin: text written to the child's standard input (nil: /dev/null).
    public static func run(_ executable: URL, _ arguments: [String], in directory: URL? = nil,
                           environment: [String: String]? = nil, stdin: String? = nil) throws -> ChildProcessResult {
        let process = Process()
        process.executableURL = executable
        process.arguments = arguments
        if let directory { process.currentDirectoryURL = directory }
        if let environment { process.environment = environment }
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        let input = stdin.map { _ in Pipe() }
        process.standardInput = input ?? FileHandle.nullDevice
        try process.run()
        if let input, let stdin {
            input.fileHandleForWriting.write(Data(stdin.utf8))
            try input.fileHandleForWriting.close()
        }
        nonisolated(unsafe) var errData = Data()
        let group = DispatchGroup()
        DispatchQueue.global().async(group: group) { errData = err.fileHandleForReading.readDataToEndOfFile() }
        let outData = out.fileHandleForReading.readDataToEndOfFile()
        group.wait()
        process.waitUntilExit()
        return ChildProcessResult(exitCode: process.terminationStatus, stdout: String(decoding: outData, as: UTF8.self),
                                  stderr: String(decoding: errData, as: UTF8.self))
    }

    /// Runs a tool found on PATH (through `/usr/bin/env`).
    public static func tool(_ name: String, _ arguments: [String], in directory: URL? = nil,
                            environment: [String: String]? = nil, stdin: String? = nil) throws -> ChildProcessResult {
        try run(URL(fileURLWithPath: "/usr/bin/env"), [name] + arguments, in: directory, environment: environment, stdin: stdin)
    }

    /// This process's environment without the variables `drop` selects, with `adding` on top.
    public static func environment(dropping drop: (String) -> Bool, adding: [String: String] = [:]) -> [String: String] {
        ProcessInfo.processInfo.environment.filter { !drop($0.key) }.merging(adding) { $1 }
    }
}

/// The `lifeboat` binary under test: `$LIFEBOAT` when set, else the one beside the test bundle in
/// the build folder (`scripts/test.sh` builds it before running the tests).
public enum LifeboatExecutable {
    public static var path: String {
        if let explicit = ProcessInfo.processInfo.environment["LIFEBOAT"], !explicit.isEmpty { return explicit }
        var folder = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        // On some layouts the test runner sits inside the .xctest bundle.
        for _ in 0..<4 {
            let candidate = folder.appendingPathComponent("lifeboat").path
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
            folder.deleteLastPathComponent()
        }
        return "lifeboat"
    }
}
