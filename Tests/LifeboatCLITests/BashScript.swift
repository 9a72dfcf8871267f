import Foundation
import TestSupport

/// `bash -c SCRIPT _ ARGS…` with the caller's environment less any DATABASE_URL.
enum ChildProcessRunner {
    static func bash(_ script: String, _ arguments: [String], in directory: URL? = nil) throws -> LifeboatBinary.Result {
        let result = try ChildProcess.tool("bash", ["-c", script, "bash"] + arguments, in: directory,
                                           environment: ChildProcess.environment(dropping: { $0 == "DATABASE_URL" }))
        return LifeboatBinary.Result(exitCode: result.exitCode, stdout: result.stdout, stderr: result.stderr)
    }
}
