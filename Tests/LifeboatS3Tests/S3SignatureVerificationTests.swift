import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import LifeboatS3
import Testing

/// moto accepts any signature by default, so this test starts a moto server of its own with IAM
/// authentication on (`INITIAL_NO_AUTH_ACTION_COUNT`: the first three requests, which create a user,
/// its access key and an allow-all policy, need none). Then a request signed with the right secret
/// succeeds and one signed with a wrong secret is refused with `SignatureDoesNotMatch` — a typed
/// error that does not contain the secret.
@Suite(.enabled(if: S3TestServer.shouldRun, "needs moto_server (scripts/test.sh)"))
struct S3SignatureVerificationTests {
    @Test func aWrongSecretIsRefusedAndTheRightOneAccepted() async throws {
        _ = try S3TestServer.configuration() // fails under CI without the test server
        let server = try await AuthenticatingMoto.start()
        defer { server.stop() }
        let (keyID, secret) = try await server.createAccessKey()

        let good = S3Client(configuration: S3Configuration(
            credentials: S3Credentials(accessKeyID: keyID, secretAccessKey: secret), endpoint: server.endpoint, pathStyle: true))
        let bucket = "lifeboat-signed"
        try await good.createBucket(bucket)
        try await good.putObject(bucket: bucket, key: "k.json", data: Data("{}".utf8))

        let wrongSecret = secret + "x"
        let bad = S3Client(configuration: S3Configuration(
            credentials: S3Credentials(accessKeyID: keyID, secretAccessKey: wrongSecret), endpoint: server.endpoint, pathStyle: true))
        let error = await #expect(throws: S3Error.self) { try await bad.getObject(bucket: bucket, key: "k.json") }
        #expect(error?.code == "SignatureDoesNotMatch")
        #expect(error?.status == 403)
        let text = error.map { "\($0)" } ?? ""
        #expect(text.contains("s3://\(bucket)/k.json"))
        #expect(!text.contains(wrongSecret))
        #expect(!text.contains(secret))
    }
}

/// A moto_server with authentication on, on a free loopback port, for one test.
struct AuthenticatingMoto {
    let process: Process
    let endpoint: URL

    static func start() async throws -> AuthenticatingMoto {
        // A port the kernel just handed out, not a random one: a random port could be a client
        // connection's (the ephemeral range reaches 60999) or another test's server.
        let port = try Socket.freePort()
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["moto_server", "-H", "127.0.0.1", "-p", String(port)]
        var environment = ProcessInfo.processInfo.environment
        environment["INITIAL_NO_AUTH_ACTION_COUNT"] = "3"
        process.environment = environment
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        let endpoint = URL(string: "http://127.0.0.1:\(port)")!
        // moto starts in about a second on a quiet machine, and took more than ten under a loaded
        // CI run (Python imports all of moto first); wait up to a minute for it to answer.
        for _ in 0..<600 {
            if !process.isRunning { break }
            let socket = Socket.canConnect(port: port)
            if socket { return AuthenticatingMoto(process: process, endpoint: endpoint) }
            try await Task.sleep(for: .milliseconds(100))
        }
        kill(process.processIdentifier, SIGKILL)
        throw Unavailable(port: port)
    }

    struct Unavailable: Error, CustomStringConvertible {
        var port: Int
        var description: String { "moto_server with authentication did not start on 127.0.0.1:\(port)" }
    }

    /// SIGKILL: moto_server keeps running after SIGTERM and SIGINT, and holds nothing on disk.
    func stop() {
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
    }

    /// An IAM user with an allow-all inline policy and an access key (the three unauthenticated requests).
    func createAccessKey() async throws -> (String, String) {
        let policy = #"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}"#
        _ = try await iam("Action=CreateUser&UserName=lifeboat")
        _ = try await iam("Action=PutUserPolicy&UserName=lifeboat&PolicyName=all&PolicyDocument=" + (policy.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? ""))
        let xml = try await iam("Action=CreateAccessKey&UserName=lifeboat")
        func element(_ name: String) -> String? {
            guard let start = xml.range(of: "<\(name)>"), let end = xml.range(of: "</\(name)>", range: start.upperBound..<xml.endIndex) else { return nil }
            return String(xml[start.upperBound..<end.lowerBound])
        }
        guard let id = element("AccessKeyId"), let secret = element("SecretAccessKey") else {
            throw Unavailable(port: endpoint.port ?? 0)
        }
        return (id, secret)
    }

    private func iam(_ form: String) async throws -> String {
        var request = URLRequest(url: endpoint)
        request.httpMethod = "POST"
        request.setValue("application/x-www-form-urlencoded", forHTTPHeaderField: "Content-Type")
        // moto routes by the credential scope's service; the signature is not checked for these.
        request.setValue("AWS4-HMAC-SHA256 Credential=setup/20260101/us-east-1/iam/aws4_request, SignedHeaders=host, Signature=0", forHTTPHeaderField: "Authorization")
        request.httpBody = Data((form + "&Version=2010-05-08").utf8)
        let (data, _) = try await URLSession(configuration: .ephemeral).data(for: request)
        return String(decoding: data, as: UTF8.self)
    }
}

/// Loopback ports: whether something listens on one, and one that is free.
enum Socket {
    /// A loopback port nothing listens on: the one the kernel gives a socket bound to port 0.
    static func freePort() throws -> Int {
        struct NoPort: Error {}
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw NoPort() }
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = 0
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(fd, $0, length) == 0 && getsockname(fd, $0, &length) == 0
            }
        }
        guard bound else { throw NoPort() }
        return Int(UInt16(bigEndian: address.sin_port))
    }

    static func canConnect(port: Int) -> Bool {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { return false }
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        return withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0 }
        }
    }
}
