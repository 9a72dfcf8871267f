import Foundation

/// Everything a client needs besides the bucket: keys, region, endpoint and addressing style,
/// resolved from the standard AWS settings (SPEC "Snapshot stores"): the environment first
/// (`AWS_ACCESS_KEY_ID`, `AWS_SECRET_ACCESS_KEY`, `AWS_SESSION_TOKEN`, `AWS_REGION` /
/// `AWS_DEFAULT_REGION`, `AWS_ENDPOINT_URL_S3` / `AWS_ENDPOINT_URL`, `LIFEBOAT_S3_PATH_STYLE`), then
/// `AWS_PROFILE` (or `default`) in `~/.aws/credentials` and `~/.aws/config`. Instance roles, SSO,
/// `credential_process` and web identity are not supported.
public struct S3Configuration: Sendable, CustomStringConvertible {
    public var credentials: S3Credentials
    public var region: String
    /// A custom endpoint (MinIO, R2, a test server); nil means AWS (`https://s3.REGION.amazonaws.com`).
    public var endpoint: URL?
    /// Path-style (`ENDPOINT/BUCKET/KEY`) rather than virtual-hosted (`BUCKET.ENDPOINT/KEY`).
    public var pathStyle: Bool

    public init(credentials: S3Credentials, region: String = "us-east-1", endpoint: URL? = nil, pathStyle: Bool = false) {
        self.credentials = credentials
        self.region = region
        self.endpoint = endpoint
        self.pathStyle = pathStyle
    }

    public var description: String {
        "S3Configuration(region: \(region), endpoint: \(endpoint?.absoluteString ?? "AWS"), pathStyle: \(pathStyle), credentials: \(credentials))"
    }

    /// Resolves the configuration from `environment` and the shared files under `home`.
    /// - Throws: `S3Error.missingCredentials` when no source has both keys (naming the sources
    ///   looked at), `S3Error.invalidEndpoint` when an endpoint variable is not an http(s) URL.
    public static func resolve(
        environment: [String: String] = ProcessInfo.processInfo.environment,
        home: URL = FileManager.default.homeDirectoryForCurrentUser
    ) throws -> S3Configuration {
        func env(_ name: String) -> String? {
            guard let value = environment[name]?.trimmingCharacters(in: .whitespaces), !value.isEmpty else { return nil }
            return value
        }
        let profile = env("AWS_PROFILE") ?? "default"
        let credentialsFile = URL(fileURLWithPath: env("AWS_SHARED_CREDENTIALS_FILE") ?? home.appendingPathComponent(".aws/credentials").path)
        let configFile = URL(fileURLWithPath: env("AWS_CONFIG_FILE") ?? home.appendingPathComponent(".aws/config").path)
        let fileCredentials = AWSSharedConfig(contentsOf: credentialsFile).credentialsProfile(profile) ?? [:]
        let fileConfig = AWSSharedConfig(contentsOf: configFile).configProfile(profile) ?? [:]
        func fromFiles(_ key: String) -> String? {
            (fileCredentials[key] ?? fileConfig[key]).flatMap { $0.isEmpty ? nil : $0 }
        }

        let credentials: S3Credentials
        if let id = env("AWS_ACCESS_KEY_ID"), let secret = env("AWS_SECRET_ACCESS_KEY") {
            credentials = S3Credentials(accessKeyID: id, secretAccessKey: secret, sessionToken: env("AWS_SESSION_TOKEN"))
        } else if let id = fromFiles("aws_access_key_id"), let secret = fromFiles("aws_secret_access_key") {
            credentials = S3Credentials(accessKeyID: id, secretAccessKey: secret, sessionToken: fromFiles("aws_session_token"))
        } else {
            throw S3Error.missingCredentials(profile: profile, files: [credentialsFile.path, configFile.path])
        }

        let region = env("AWS_REGION") ?? env("AWS_DEFAULT_REGION") ?? fileConfig["region"].flatMap { $0.isEmpty ? nil : $0 } ?? "us-east-1"
        var endpoint: URL?
        if let text = env("AWS_ENDPOINT_URL_S3") ?? env("AWS_ENDPOINT_URL") ?? fileConfig["endpoint_url"] {
            guard let url = URL(string: text), let scheme = url.scheme?.lowercased(), ["http", "https"].contains(scheme), url.host != nil else {
                throw S3Error.invalidEndpoint(text)
            }
            endpoint = url
        }
        let pathStyle = ["1", "true", "yes"].contains(env("LIFEBOAT_S3_PATH_STYLE")?.lowercased() ?? "")
        return S3Configuration(credentials: credentials, region: region, endpoint: endpoint, pathStyle: pathStyle)
    }
}
