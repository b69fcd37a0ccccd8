import ArchivalCode
import Foundation
import Testing

/// Inputs the fuzzer (Tests/Fuzz, target `code-path`) found, fed to the 档号 parser.
@Suite struct ArchivalCodeFuzzRegressionTests {
    /// `Tests/Fuzz/regressions/<target>/<name>`.
    static func regression(_ name: String) -> URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Fuzz/regressions").appendingPathComponent(name)
    }

    /// `0026-00ൎ/-45`: U+0D4E (MALAYALAM LETTER DOT REPH) joins the `/` after it into one grapheme cluster, so
    /// validation on Characters takes the pair for one letter and the code would become a nested path.
    @Test func slashAfterACombiningLetterIsRejected() throws {
        let text = try String(contentsOf: Self.regression("code-path/slash-after-chillu.txt"), encoding: .utf8)
        #expect(text.unicodeScalars.contains("/"))
        #expect(throws: ArchivalCodeError.self) { try ArchivalCode.parse(text) }
    }
}
