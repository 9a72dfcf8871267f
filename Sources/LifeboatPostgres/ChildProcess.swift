import Foundation
import LifeboatCore
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A client program (`pg_dump`) started with `posix_spawn` and reaped with `waitpid`.
///
/// Why not Foundation's `Process`: on Linux its `waitUntilExit` polls the run loop every 50 ms, so
/// each child cost 50 ms or more after it had already finished — three quarters of the time of a
/// snapshot of a small database, taken before every `migrate`. Here the parent blocks in `waitpid`
/// and wakes the moment the child exits.
///
/// The child gets exactly the arguments and environment given (never the parent's), standard input
/// from `/dev/null`, standard output into a pipe (`output`) or `/dev/null`, standard error into the
/// given descriptor or `/dev/null`, optionally one more descriptor as its descriptor 3 (a nameless
/// passfile, see `PostgresClientEnvironment`), no other descriptor of the parent, and default
/// signal handling.
struct ChildProcess {
    enum Termination: Equatable {
        case exited(Int32)
        case signalled(Int32)
    }

    let pid: pid_t
    /// The read end of the child's standard output, when it was captured; the caller closes it.
    let output: Int32?

    /// Starts `program` (a path). Throws `EngineError.failed` when it cannot be started.
    static func start(_ program: String, arguments: [String], environment: [String: String],
                      captureOutput: Bool, standardError: Int32? = nil, descriptor3: Int32? = nil) throws -> ChildProcess {
        var pipeEnds: [Int32] = [-1, -1]
        if captureOutput {
            guard pipe(&pipeEnds) == 0 else {
                throw EngineError.failed("cannot create a pipe for \(program): \(String(cString: strerror(errno)))")
            }
            // Close-on-exec, so no other child started meanwhile keeps the pipe open.
            for end in pipeEnds { _ = fcntl(end, F_SETFD, FD_CLOEXEC) }
            #if os(Linux)
            // A 1 MiB pipe instead of 64 KiB: a dump streams through it with far fewer wake-ups
            // of both sides (best effort: the system may allow less).
            _ = fcntl(pipeEnds[0], 1031 /* F_SETPIPE_SZ */, 1 << 20)
            #endif
        }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        if captureOutput {
            posix_spawn_file_actions_adddup2(&actions, pipeEnds[1], 1)
        } else {
            posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0)
        }
        if let standardError {
            posix_spawn_file_actions_adddup2(&actions, standardError, 2)
        } else {
            posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0)
        }
        if let descriptor3 {
            // dup2 clears close-on-exec on the copy, so the child keeps exactly this one open.
            posix_spawn_file_actions_adddup2(&actions, descriptor3, 3)
        }
        // Nothing else of the parent's reaches the child (libpq's socket, snapshot files, …).
        _ = Self.closeFrom?(&actions, descriptor3 == nil ? 3 : 4)

        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var noSignals = sigset_t()
        sigemptyset(&noSignals)
        posix_spawnattr_setsigmask(&attributes, &noSignals)
        var defaults = sigset_t()
        sigemptyset(&defaults)
        sigaddset(&defaults, SIGPIPE)
        posix_spawnattr_setsigdefault(&attributes, &defaults)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))

        let argv = ([program] + arguments).map { strdup($0) }
        let envp = environment.sorted { $0.key < $1.key }.map { strdup("\($0.key)=\($0.value)") }
        defer {
            argv.forEach { free($0) }
            envp.forEach { free($0) }
        }
        var pid = pid_t()
        let status = (argv + [nil]).withUnsafeBufferPointer { args in
            (envp + [nil]).withUnsafeBufferPointer { env in
                posix_spawn(&pid, program, &actions, &attributes, args.baseAddress!, env.baseAddress!)
            }
        }
        if captureOutput { close(pipeEnds[1]) }
        guard status == 0 else {
            if captureOutput { close(pipeEnds[0]) }
            throw EngineError.failed("cannot run \(program): \(String(cString: strerror(status)))")
        }
        return ChildProcess(pid: pid, output: captureOutput ? pipeEnds[0] : nil)
    }

    /// glibc's `posix_spawn_file_actions_addclosefrom_np` (2.34 and later), looked up at run time
    /// because Swift's Glibc module does not export it; without it descriptors rely on close-on-exec.
    private static let closeFrom: (@convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>, Int32) -> Int32)? = {
        #if canImport(Glibc)
        guard let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "posix_spawn_file_actions_addclosefrom_np") else {
            return nil
        }
        return unsafeBitCast(symbol, to: (@convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>, Int32) -> Int32).self)
        #else
        return nil
        #endif
    }()

    /// Blocks until the child ends.
    func wait() -> Termination {
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 {
            guard errno == EINTR else { return .exited(-1) }
        }
        let signal = status & 0x7f
        return signal == 0 ? .exited((status >> 8) & 0xff) : .signalled(signal)
    }

    /// Asks the child to stop (SIGTERM); `wait` still reaps it.
    func terminate() {
        kill(pid, SIGTERM)
    }
}
