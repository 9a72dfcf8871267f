import Foundation
import Testing

/// `snapshots` as text: a header row, aligned columns, each snapshot's age.
@Suite struct SnapshotsListingTests {
    @Test func headerRowAgeColumnAndAlignment() throws {
        let setup = try RestoreSetup(.sqlite)
        #expect(try setup.run(["migrate", "--target", "0002"]).exitCode == 0)
        #expect(try setup.run(["snapshot", "--label", "before the big one"]).exitCode == 0)
        let listed = try setup.run(["snapshots"])
        #expect(listed.exitCode == 0, "\(listed.stderr)")
        let lines = listed.stdout.split(separator: "\n").map(String.init)
        try #require(lines.count == 3, "\(listed.stdout)")
        #expect(lines[0].range(of: #"^ID +CREATED +AGE +VERSION +ENGINE +RAW +COMPRESSED +REASON +LABEL$"#,
                               options: .regularExpression) != nil, "\(lines[0])")
        #expect(lines[1].range(of: #"^\d{8}T\d{9}Z-0002 +\S+ +\d+ s ago +0002 +sqlite +.+ +manual +before the big one$"#,
                               options: .regularExpression) != nil, "\(lines[1])")
        #expect(lines[2].contains(" s ago ") && lines[2].contains(" migrate"), "\(lines[2])")
        // Columns line up: each header word starts where its column does.
        for header in ["AGE", "VERSION", "REASON"] {
            let column = try #require(lines[0].range(of: header)).lowerBound.utf16Offset(in: lines[0])
            for row in lines.dropFirst() {
                let index = row.index(row.startIndex, offsetBy: column)
                #expect(row[row.index(before: index)] == " " && row[index] != " ", "\(header) in \(row)")
            }
        }
    }
}
