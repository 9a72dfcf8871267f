import Foundation
@testable import LifeboatS3
import Testing

/// Credentials, region and endpoint from the environment, then from AWS_PROFILE in the shared files
/// (a temporary HOME), and a secret that never shows in a description or an error.
@Suite struct S3ConfigurationTests {
    /// A temporary HOME with `.aws/credentials` and `.aws/config`.
    static func home(credentials: String, config: String = "") throws -> URL {
        let home = FileManager.default.temporaryDirectory.appendingPathComponent("lifeboat-s3-home-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: home.appendingPathComponent(".aws"), withIntermediateDirectories: true)
        try credentials.write(to: home.appendingPathComponent(".aws/credentials"), atomically: true, encoding: .utf8)
        try config.write(to: home.appendingPathComponent(".aws/config"), atomically: true, encoding: .utf8)
        return home
    }

    @Test func theEnvironmentComesFirst() throws {
        let home = try Self.home(credentials: "[default]\naws_access_key_id = FILEKEY\naws_secret_access_key = FILESECRET\n")
        defer { try? FileManager.default.removeItem(at: home) }
        let configuration = try S3Configuration.resolve(environment: [
            "AWS_ACCESS_KEY_ID": "ENVKEY", "AWS_SECRET_ACCESS_KEY": "ENVSECRET", "AWS_SESSION_TOKEN": "ENVTOKEN",
            "AWS_DEFAULT_REGION": "eu-central-1", "AWS_ENDPOINT_URL": "http://127.0.0.1:9000", "LIFEBOAT_S3_PATH_STYLE": "1",
        ], home: home)
        #expect(configuration.credentials == S3Credentials(accessKeyID: "ENVKEY", secretAccessKey: "ENVSECRET", sessionToken: "ENVTOKEN"))
        #expect(configuration.region == "eu-central-1")
        #expect(configuration.endpoint?.absoluteString == "http://127.0.0.1:9000")
        #expect(configuration.pathStyle)
    }

    @Test func theS3EndpointVariableWinsOverTheGeneralOneAndAWSRegionOverTheDefault() throws {
        let configuration = try S3Configuration.resolve(environment: [
            "AWS_ACCESS_KEY_ID": "K", "AWS_SECRET_ACCESS_KEY": "S", "AWS_REGION": "us-west-2", "AWS_DEFAULT_REGION": "eu-west-1",
            "AWS_ENDPOINT_URL_S3": "https://s3.example.com", "AWS_ENDPOINT_URL": "https://other.example.com",
        ], home: URL(fileURLWithPath: "/nonexistent"))
        #expect(configuration.region == "us-west-2")
        #expect(configuration.endpoint?.host == "s3.example.com")
        #expect(!configuration.pathStyle)
    }

    @Test func aProfileIsReadFromTheSharedFiles() throws {
        let home = try Self.home(
            credentials: """
            # a comment
            [default]
            aws_access_key_id = DEFAULTKEY
            aws_secret_access_key = DEFAULTSECRET

            [backups]
            aws_access_key_id=BACKUPKEY
            aws_secret_access_key = BACKUP/SECRET+KEY
            aws_session_token = BACKUPTOKEN
            """,
            config: """
            [default]
            region = us-east-2
            [profile backups]
            region = ap-southeast-2
            endpoint_url = https://minio.example.com:9000
            """)
        defer { try? FileManager.default.removeItem(at: home) }
        let configuration = try S3Configuration.resolve(environment: ["AWS_PROFILE": "backups"], home: home)
        #expect(configuration.credentials == S3Credentials(accessKeyID: "BACKUPKEY", secretAccessKey: "BACKUP/SECRET+KEY", sessionToken: "BACKUPTOKEN"))
        #expect(configuration.region == "ap-southeast-2")
        #expect(configuration.endpoint?.port == 9000)

        let fallback = try S3Configuration.resolve(environment: [:], home: home)
        #expect(fallback.credentials.accessKeyID == "DEFAULTKEY")
        #expect(fallback.region == "us-east-2")
    }

    @Test func noCredentialsIsAnErrorThatNamesTheProfileAndFiles() throws {
        let home = try Self.home(credentials: "[default]\naws_access_key_id = ONLYKEY\n")
        defer { try? FileManager.default.removeItem(at: home) }
        let error = #expect(throws: S3Error.self) {
            try S3Configuration.resolve(environment: ["AWS_PROFILE": "missing"], home: home)
        }
        let text = try #require(error).description
        #expect(text.contains("\"missing\""))
        #expect(text.contains(home.appendingPathComponent(".aws/credentials").path))
    }

    @Test func aBadEndpointIsAnErrorThatNamesIt() {
        let error = #expect(throws: S3Error.self) {
            try S3Configuration.resolve(environment: ["AWS_ACCESS_KEY_ID": "K", "AWS_SECRET_ACCESS_KEY": "S", "AWS_ENDPOINT_URL_S3": "ftp://x"],
                                        home: URL(fileURLWithPath: "/nonexistent"))
        }
        #expect(error?.description.contains("ftp://x") == true)
    }

    @Test func noDescriptionShowsTheSecretOrToken() throws {
        let configuration = try S3Configuration.resolve(environment: [
            "AWS_ACCESS_KEY_ID": "VISIBLEKEY", "AWS_SECRET_ACCESS_KEY": "TOPSECRET", "AWS_SESSION_TOKEN": "TOKENSECRET",
        ], home: URL(fileURLWithPath: "/nonexistent"))
        for text in [String(describing: configuration), String(reflecting: configuration.credentials), "\(configuration.credentials)"] {
            #expect(!text.contains("TOPSECRET"))
            #expect(!text.contains("TOKENSECRET"))
            #expect(text.contains("VISIBLEKEY"))
        }
    }
}
