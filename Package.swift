// swift-tools-version:6.0
import PackageDescription

let package = Package(
    name: "Lifeboat",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "lifeboat", targets: ["LifeboatCLI"]),
        // An application links `LifeboatKit` and picks engines through `LifeboatEngines`.
        .library(name: "LifeboatKit", targets: ["LifeboatKit", "LifeboatSQLite", "LifeboatPostgres", "LifeboatEngines"]),
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
        .systemLibrary(
            name: "LifeboatCLibPQ",
            pkgConfig: "libpq",
            providers: [.apt(["libpq-dev"]), .brew(["libpq"])]
        ),
        .systemLibrary(
            name: "LifeboatCZlib",
            pkgConfig: "zlib",
            providers: [.apt(["zlib1g-dev"]), .brew(["zlib"])]
        ),

        // MARK: - Library
        .target(
            name: "LifeboatKit",
            dependencies: [
                "LifeboatCZlib",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .target(name: "LifeboatSQLite", dependencies: ["LifeboatKit", "LifeboatCSQLite"]),
        .target(name: "LifeboatPostgres", dependencies: ["LifeboatKit", "LifeboatCLibPQ"]),
        // The S3 client (SigV4 over URLSession): self-contained, so a snapshot store can sit on it.
        .target(name: "LifeboatS3", dependencies: [.product(name: "Crypto", package: "swift-crypto")]),
        .target(name: "LifeboatEngines", dependencies: ["LifeboatKit", "LifeboatSQLite", "LifeboatPostgres"]),

        // MARK: - Command line
        .executableTarget(
            name: "LifeboatCLI",
            dependencies: [
                "LifeboatKit",
                "LifeboatEngines",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),

        // MARK: - Tests
        // A test target (other test targets may depend on it): it imports Testing, which only a
        // test build provides, so as a regular target it broke `swift build -c release`.
        .testTarget(
            name: "EngineConformance",
            dependencies: ["LifeboatKit", "LifeboatEngines", .product(name: "Crypto", package: "swift-crypto")],
            path: "Tests/EngineConformance"
        ),
        // Running real programs (the binary, the scripts, sqlite3, gunzip, psql) from tests.
        .target(name: "TestSupport", path: "Tests/TestSupport"),
        .testTarget(name: "LifeboatKitTests", dependencies: ["LifeboatKit"]),
        .testTarget(name: "LifeboatSQLiteTests", dependencies: ["LifeboatKit", "LifeboatSQLite", "LifeboatCSQLite", "EngineConformance", "TestSupport"]),
        .testTarget(name: "LifeboatPostgresTests", dependencies: ["LifeboatKit", "LifeboatPostgres", "LifeboatCLibPQ", "EngineConformance", "TestSupport"]),
        .testTarget(name: "LifeboatS3Tests", dependencies: ["LifeboatS3"]),
        .testTarget(name: "LifeboatCLITests", dependencies: ["LifeboatKit", "LifeboatEngines", "TestSupport"]),
    ]
)
