import Foundation
import LifeboatS3
import Testing
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// No answer is a transient `S3Error.transport` naming the endpoint, with the reason the retries
/// key on: a closed port is "connection refused", a server that never answers "timed out" (curl's
/// low-speed limit: the client's timeout without a byte, not a total time limit).
@Suite struct S3TransportFailureTests {
    /// A listening TCP socket on 127.0.0.1 that never accepts: connections complete (the backlog)
    /// and then hear nothing. Closing it leaves a port where nothing listens.
    final class SilentListener {
        let socket: Int32
        let port: Int

        init() throws {
            #if canImport(Glibc)
            let fd = Glibc.socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
            #else
            let fd = Darwin.socket(AF_INET, SOCK_STREAM, 0)
            #endif
            var address = sockaddr_in()
            address.sin_family = sa_family_t(AF_INET)
            address.sin_addr.s_addr = inet_addr("127.0.0.1")
            var length = socklen_t(MemoryLayout<sockaddr_in>.size)
            let bound = withUnsafeMutablePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { pointer in
                    bind(fd, pointer, length) == 0 && listen(fd, 8) == 0 && getsockname(fd, pointer, &length) == 0
                }
            }
            socket = fd
            try #require(fd >= 0 && bound, "cannot listen on 127.0.0.1")
            port = Int(UInt16(bigEndian: address.sin_port))
        }

        private var open = true

        func close() {
            guard open else { return }
            open = false
            #if canImport(Glibc)
            _ = Glibc.close(socket)
            #else
            _ = Darwin.close(socket)
            #endif
        }

        deinit { close() }
    }

    func client(port: Int, timeout: TimeInterval = 60) -> S3Client {
        let configuration = S3Configuration(credentials: S3Credentials(accessKeyID: "AKID", secretAccessKey: "secret"),
                                            endpoint: URL(string: "http://127.0.0.1:\(port)")!, pathStyle: true)
        return S3Client(configuration: configuration, retry: S3RetryPolicy(maxAttempts: 2, baseDelay: .milliseconds(1)), timeout: timeout)
    }

    @Test func aClosedPortIsATransientConnectionRefusedNamingTheEndpoint() async throws {
        let listener = try SilentListener()
        listener.close()
        let error = await #expect(throws: S3Error.self) {
            try await client(port: listener.port).putObject(bucket: "b", key: "k", data: Data("x".utf8))
        }
        let failure = try #require(error)
        #expect(failure == .transport(operation: "PutObject", bucket: "b", key: "k", endpoint: "http://127.0.0.1:\(listener.port)",
                                      reason: "connection refused"), "\(failure)")
        #expect(failure.isTransient)
    }

    @Test func aServerThatNeverAnswersTimesOutAfterTheTimeout() async throws {
        let listener = try SilentListener()
        let error = await #expect(throws: S3Error.self) {
            try await client(port: listener.port, timeout: 1).headObject(bucket: "b", key: "k")
        }
        let failure = try #require(error)
        #expect(failure == .transport(operation: "HeadObject", bucket: "b", key: "k", endpoint: "http://127.0.0.1:\(listener.port)",
                                      reason: "timed out"), "\(failure)")
        #expect(failure.isTransient)
        // No bound on the elapsed time: in a full test run, whose blocking tests hold the
        // cooperative threads, resuming after two 1 s attempts was seen to take over two minutes.
    }
}
