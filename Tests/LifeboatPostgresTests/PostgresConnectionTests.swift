import Foundation
import LifeboatKit
@testable import LifeboatPostgres
import Testing

@Suite("Connecting through libpq", .enabled(if: PostgresTestEnvironment.shouldRun))
struct PostgresConnectionTests {
    @Test("connects to the test server and reports its version")
    func connects() throws {
        try TestDatabase.with { database in
            let engine = try database.open()
            defer { engine.close() }
            #expect(try engine.value("SELECT current_database()") == database.name)
            #expect(engine.serverVersion.number >= 90_600)
            let info = try engine.versionInfo()
            #expect(info["server_version"]?.isEmpty == false)
            #expect(info["pg_dump_version"]?.isEmpty == false)
            #expect(engine.kind == .postgres)
        }
    }

    @Test("identity is postgres://host:port/database, without user or password")
    func identity() throws {
        try TestDatabase.with { database in
            let engine = try database.open()
            defer { engine.close() }
            let port = database.url.port.map(String.init) ?? "5432"
            // The local server's names (localhost, 127.0.0.1, ::1) are one host (SPEC v2).
            let host = ["127.0.0.1", "::1"].contains(database.url.host ?? "") ? "localhost" : (database.url.host ?? "")
            #expect(engine.identity == "postgres://\(host.lowercased()):\(port)/\(database.name)")
            #expect(!engine.identity.contains(try PostgresTestEnvironment.password()))
            #expect(!engine.identity.contains("@"))
        }
    }

    @Test("application_name is lifeboat unless the URL gives one")
    func applicationName() throws {
        try TestDatabase.with { database in
            let engine = try database.open()
            defer { engine.close() }
            #expect(try engine.value("SHOW application_name") == "lifeboat")

            let named = try PostgresEngine.open(try database.url(parameters: ["application_name": "deploy-42"]),
                                                options: EngineOptions())
            defer { named.close() }
            #expect(try named.value("SHOW application_name") == "deploy-42")
        }
    }

    @Test("a closed port is cannotOpen naming host, port and database, never the password")
    func closedPort() throws {
        let base = try PostgresTestEnvironment.requireURL()
        let password = try PostgresTestEnvironment.password()
        let url = try DatabaseURL("postgres://lifeboat:\(password)@127.0.0.1:1/somedb")
        #expect(base.engine == .postgres)
        let error = try #require(throws: EngineError.self) { try PostgresEngine.open(url, options: EngineOptions()) }
        guard case .cannotOpen = error else { Issue.record("expected cannotOpen, got \(error)"); return }
        #expect(error.category == .usage)
        let message = error.description
        #expect(message.contains("127.0.0.1"))
        #expect(message.contains(":1"))
        #expect(message.contains("somedb"))
        #expect(!message.contains(password))
    }

    @Test("an unknown host is cannotOpen without the password")
    func unknownHost() throws {
        let password = try PostgresTestEnvironment.password()
        let url = try DatabaseURL("postgres://lifeboat:\(password)@no-such-host.invalid:5432/app?connect_timeout=2")
        let error = try #require(throws: EngineError.self) { try PostgresEngine.open(url, options: EngineOptions()) }
        #expect(error.description.contains("no-such-host.invalid"))
        #expect(!error.description.contains(password))
    }

    @Test("a wrong password is cannotOpen, and neither password shows")
    func wrongPassword() throws {
        try TestDatabase.with { database in
            let wrong = "wrong-\(UUID().uuidString)"
            let error = try #require(throws: EngineError.self) {
                try PostgresEngine.open(try database.url(password: wrong), options: EngineOptions())
            }
            #expect(error.description.contains("password authentication failed"))
            #expect(!error.description.contains(wrong))
            #expect(!error.description.contains(try PostgresTestEnvironment.password()))
        }
    }

    @Test("the factory opens a PostgresEngine and refuses other URLs")
    func factory() throws {
        try TestDatabase.with { database in
            let engine = try PostgresEngineFactory().open(database.url, options: EngineOptions())
            defer { engine.close() }
            #expect(engine is PostgresEngine)
        }
        #expect(throws: ConfigurationError.self) {
            try PostgresEngine.open(try DatabaseURL("sqlite:app.db"), options: EngineOptions())
        }
    }
}

@Suite("Connection parameters")
struct PostgresConnectionParameterTests {
    @Test("URL parts, query parameters, defaults")
    func parameters() throws {
        let url = try DatabaseURL("postgres://app:s3cret@db.example:6543/prod?sslmode=require&host=/run/pg")
        let parameters = PostgresEngine.connectionParameters(for: url)
        let dictionary = Dictionary(parameters, uniquingKeysWith: { $1 })
        #expect(dictionary["user"] == "app")
        #expect(dictionary["password"] == "s3cret")
        #expect(dictionary["port"] == "6543")
        #expect(dictionary["dbname"] == "prod")
        #expect(dictionary["sslmode"] == "require")
        #expect(dictionary["host"] == "/run/pg")
        #expect(dictionary["application_name"] == "lifeboat")
        #expect(dictionary["client_encoding"] == "UTF8")
        #expect(parameters.filter { $0.0 == "host" }.count == 1)
        #expect(!PostgresEngine.describeTarget(parameters).contains("s3cret"))
    }
}
