// swift-tools-version:6.0
import PackageDescription

#if os(Linux)
// libpq's header only: no pkg-config (its `-lpq` would make every start load libpq and about twenty
// libraries behind it); LifeboatPostgres loads libpq on its first connection (README, "Start-up").
let libpqHeader: Target = .systemLibrary(name: "LifeboatCLibPQ")
#else
// macOS (Homebrew's keg-only libpq): headers and library through pkg-config, linked as before.
let libpqHeader: Target = .systemLibrary(name: "LifeboatCLibPQ", pkgConfig: "libpq", providers: [.brew(["libpq"])])
#endif

let package = Package(
    name: "Lifeboat",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "lifeboat", targets: ["LifeboatCLI"]),
        // An application links `LifeboatKit` and picks engines through `LifeboatEngines`.
        .library(name: "LifeboatKit", targets: ["LifeboatKit", "LifeboatCore", "LifeboatCatalog", "LifeboatSnapshots", "LifeboatS3", "LifeboatS3Store", "LifeboatSQLite", "LifeboatPostgres", "LifeboatEngines"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/apple/swift-log", from: "1.6.0"),
        .package(url: "https://github.com/apple/swift-crypto", "3.12.3"..<"5.0.0"),
    ],
    targets: [
        // MARK: - C libraries from the system, over pkg-config
        .systemLibrary(
            name: "LifeboatCSQLite",
            pkgConfig: "sqlite3",
            providers: [.apt(["libsqlite3-dev"]), .brew(["sqlite"])]
        ),
        libpqHeader,
        .systemLibrary(
            name: "LifeboatCZlib",
            pkgConfig: "zlib",
            providers: [.apt(["zlib1g-dev"]), .brew(["zlib"])]
        ),

        // MARK: - Library, in layers: each target may depend only on the ones below it (README,
        // "How the code is organised"). The compiler enforces it: a target sees no module it does
        // not list here.
        // The core: the engine protocol, SQL scripts and their one lexer, history rows, database
        // URLs, errors. Engines depend on it alone.
        .target(name: "LifeboatCore"),
        // Migration files and lint; knows nothing of any database engine.
        .target(
            name: "LifeboatCatalog",
            dependencies: ["LifeboatCore", .product(name: "Crypto", package: "swift-crypto")]
        ),
        // Gzip streams and the snapshot store; knows nothing of any database engine.
        .target(
            name: "LifeboatSnapshots",
            dependencies: ["LifeboatCore", "LifeboatCZlib", .product(name: "Crypto", package: "swift-crypto")]
        ),
        // The orchestrator (Run): what a run does, in engine-neutral terms. Re-exports the layers
        // below it, so an application needs only `import LifeboatKit`.
        .target(
            name: "LifeboatKit",
            dependencies: [
                "LifeboatCore",
                "LifeboatCatalog",
                "LifeboatSnapshots",
                "LifeboatS3Store",
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .target(name: "LifeboatSQLite", dependencies: ["LifeboatCore", "LifeboatCSQLite"]),
        .target(name: "LifeboatPostgres", dependencies: ["LifeboatCore", "LifeboatCLibPQ"]),
        .target(name: "LifeboatEngines", dependencies: ["LifeboatCore", "LifeboatSQLite", "LifeboatPostgres"]),
        // The S3 client (SigV4; HTTP by libcurl loaded on first use on Linux, URLSession on Darwin): self-contained, so a snapshot store can sit on it.
        .target(name: "LifeboatS3", dependencies: [.product(name: "Crypto", package: "swift-crypto")]),
        // The snapshot store in S3 (`--backups s3://…`): the store protocol over the S3 client.
        .target(
            name: "LifeboatS3Store",
            dependencies: ["LifeboatCore", "LifeboatSnapshots", "LifeboatS3", .product(name: "Crypto", package: "swift-crypto")]
        ),

        // MARK: - Command line
        .executableTarget(
            name: "LifeboatCLI",
            dependencies: [
                "LifeboatKit",
                "LifeboatEngines",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ],
            // Release on Linux: a position-dependent executable. The static Swift runtime and
            // Foundation hold ~85,000 pointers that a PIE must relocate at every start (and copy
            // the pages they sit on); without PIE, 2,300 remain: `--version` 4.1 -> 2.9 ms. The
            // price is no address randomisation of the executable itself (libraries keep theirs),
            // as for dbmate and most Go binaries. README, "Start-up".
            // Exported on Linux: HMAC_Init_ex, so that libpq's SCRAM rounds bind to the binary's
            // SCRAMDigestShim (OpenSSL 3's SHA-256 fetched once, not 8,192 times per login).
            linkerSettings: [
                .unsafeFlags(["-Xlinker", "-no-pie"], .when(platforms: [.linux], configuration: .release)),
                .unsafeFlags(["-Xlinker", "--export-dynamic-symbol=HMAC_Init_ex"], .when(platforms: [.linux])),
            ]
        ),

        // MARK: - Tests
        // A test target (other test targets may depend on it): it imports Testing, which only a
        // test build provides, so as a regular target it broke `swift build -c release`.
        .testTarget(
            name: "EngineConformance",
            dependencies: ["LifeboatKit", "LifeboatEngines", "LifeboatS3", .product(name: "Crypto", package: "swift-crypto")],
            path: "Tests/EngineConformance"
        ),
        // Running real programs (the binary, the scripts, sqlite3, gunzip, psql) from tests.
        .target(name: "TestSupport", path: "Tests/TestSupport"),
        .testTarget(name: "LifeboatKitTests", dependencies: ["LifeboatKit", "LifeboatCore", "LifeboatCatalog", "LifeboatSnapshots", "LifeboatS3", "LifeboatS3Store"]),
        .testTarget(name: "LifeboatSQLiteTests", dependencies: ["LifeboatKit", "LifeboatSQLite", "LifeboatCSQLite", "EngineConformance", "TestSupport"]),
        .testTarget(
            name: "LifeboatPostgresTests",
            dependencies: ["LifeboatKit", "LifeboatPostgres", "LifeboatCLibPQ", "EngineConformance", "TestSupport"],
            // As the binary's (LifeboatCLI): the test process's libpq binds to SCRAMDigestShim too.
            linkerSettings: [.unsafeFlags(["-Xlinker", "--export-dynamic-symbol=HMAC_Init_ex"], .when(platforms: [.linux]))]
        ),
        .testTarget(name: "LifeboatS3Tests", dependencies: ["LifeboatS3"]),
        .testTarget(name: "LifeboatCLITests", dependencies: ["LifeboatKit", "LifeboatEngines", "LifeboatS3", "LifeboatS3Store", "TestSupport"]),
    ]
)
