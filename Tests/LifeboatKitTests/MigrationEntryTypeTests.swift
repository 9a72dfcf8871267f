import Foundation
import Testing
@testable import LifeboatKit
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// An entry named like a migration must be a regular file, or a symlink that ends at one (issue 10,
/// item H): a FIFO used to block every command forever, so it is refused without being opened.
@Suite("Migration entries that are not regular files")
struct MigrationEntryTypeTests {
    @Test(.timeLimit(.minutes(1)))
    func fifoNamedLikeAMigrationIsRefusedWithoutBlocking() throws {
        let folder = try MigrationFolder()
        try folder.write("0001_ok.sql", "SELECT 1;")
        #expect(mkfifo(folder.file("0002_x.sql"), 0o600) == 0)
        let error = #expect(throws: CatalogError.self) { try MigrationCatalog.load(from: folder.path) }
        #expect(error == .notARegularFile(file: folder.file("0002_x.sql"), kind: "a FIFO (named pipe)"))
        #expect(error?.description.contains("0002_x.sql") == true)
        #expect(error?.category == .validation)
        // `lint FILE` reads the same way.
        #expect(throws: CatalogError.notARegularFile(file: folder.file("0002_x.sql"), kind: "a FIFO (named pipe)")) {
            try MigrationParser.parseFile(atPath: folder.file("0002_x.sql"))
        }
    }

    @Test func folderNamedLikeAMigrationIsRefused() throws {
        let folder = try MigrationFolder()
        try FileManager.default.createDirectory(atPath: folder.file("0002_x.sql"), withIntermediateDirectories: false)
        #expect(throws: CatalogError.notARegularFile(file: folder.file("0002_x.sql"), kind: "a folder")) {
            try MigrationCatalog.load(from: folder.path)
        }
    }

    @Test func deviceNamedLikeAMigrationIsRefused() throws {
        let folder = try MigrationFolder()
        try FileManager.default.createSymbolicLink(atPath: folder.file("0002_x.sql"), withDestinationPath: "/dev/null")
        #expect(throws: CatalogError.notARegularFile(file: folder.file("0002_x.sql"), kind: "a device")) {
            try MigrationCatalog.load(from: folder.path)
        }
    }

    @Test func symlinkToARegularFileIsFollowed() throws {
        let folder = try MigrationFolder()
        let target = try folder.write("shared.txt", "CREATE TABLE a (id int);\n")
        try FileManager.default.createSymbolicLink(atPath: folder.file("0001_a.sql"), withDestinationPath: target)
        let catalog = try MigrationCatalog.load(from: folder.path)
        #expect(catalog.migrations.map(\.up.text) == ["CREATE TABLE a (id int);"])
    }

    @Test func danglingSymlinkIsRefused() throws {
        let folder = try MigrationFolder()
        try FileManager.default.createSymbolicLink(atPath: folder.file("0001_a.sql"), withDestinationPath: folder.file("gone.sql.txt"))
        #expect(throws: CatalogError.notARegularFile(file: folder.file("0001_a.sql"), kind: "a symlink to nothing")) {
            try MigrationCatalog.load(from: folder.path)
        }
    }

    @Test func symlinkToAFileOutsideTheFolderIsNotEchoedInTheError() throws {
        let outside = try MigrationFolder()
        let secret = "-- lifeboat:" + "s3cr3t-" + String(repeating: "x", count: 100)
        let target = try outside.write("secret.txt", secret + "\n")
        let folder = try MigrationFolder()
        try FileManager.default.createSymbolicLink(atPath: folder.file("0001_a.sql"), withDestinationPath: target)
        let error = #expect(throws: CatalogError.self) { try MigrationCatalog.load(from: folder.path) }
        let message = error?.description ?? ""
        #expect(message.contains("0001_a.sql:1"))
        #expect(!message.contains(String(repeating: "x", count: 60)), "\(message)")
    }
}
