import Acceptance
import Foundation
import QuireCore
import QuireTestSupport
import Testing

@Suite struct AcceptanceSampleTests {
    let bags = (1...40).map { String(format: "/transfer/bag%02d", $0) }

    /// The same bags and seed draw the same sample (another person can review the same bags); another seed draws
    /// another; the count is the share rounded up, never zero.
    @Test func theSeedDecidesTheDrawAndTheShareIsRoundedUp() {
        let first = AcceptanceSample(bags: bags, percent: 5, seed: 20261125, passPercent: 95)
        let again = AcceptanceSample(bags: bags.reversed(), percent: 5, seed: 20261125, passPercent: 95)
        #expect(first.drawn.count == 2)  // 5% of 40
        #expect(first.drawn == first.drawn.sorted())
        #expect(Set(first.drawn).isSubset(of: Set(bags)))
        #expect(first.population == 40)
        #expect(AcceptanceSample(bags: bags, percent: 5, seed: 20261125, passPercent: 95) == first)
        let others = (1...20).map { AcceptanceSample(bags: bags, percent: 5, seed: UInt64($0), passPercent: 95).drawn }
        #expect(Set(others).count > 1, "different seeds draw different samples")
        #expect(AcceptanceSample(bags: bags, percent: 6, seed: 1, passPercent: 95).drawn.count == 3)  // 2.4 → 3
        #expect(AcceptanceSample(bags: Array(bags.prefix(3)), percent: 1, seed: 1, passPercent: 95).drawn.count == 1)
        #expect(AcceptanceSample(bags: bags, percent: 100, seed: 1, passPercent: 95).drawn == bags)
        _ = again
    }

    /// The draw is SplitMix64's shuffle: pinned, so a sample drawn by an earlier version is drawn again.
    @Test func theDrawIsStableAcrossVersions() {
        var rng = SplitMix(seed: 9)
        let expected = Array(bags.shuffled(using: &rng).prefix(4)).sorted()
        #expect(AcceptanceSample(bags: bags, percent: 10, seed: 9, passPercent: 95).drawn == expected)
        var check = SplitMix(seed: 1)
        #expect(check.next() == 0x910A_2DEC_8902_5CC1)
    }

    /// The batch is accepted when the share of drawn bags that pass reaches the pass percentage, and only then.
    @Test func theVerdictFollowsThePassPercentage() {
        var sample = AcceptanceSample(bags: bags, percent: 50, seed: 3, passPercent: 95)
        sample.judge(passed: 19, checked: 20)
        #expect(sample.passedPercent == 95 && sample.accepted)
        sample.judge(passed: 18, checked: 20)
        #expect(sample.passedPercent == 90 && !sample.accepted)
    }

    /// The JSON `quire verify --json` prints.
    @Test func encodesTheDocumentedKeys() throws {
        var sample = AcceptanceSample(bags: bags, percent: 5, seed: 7, passPercent: 95)
        sample.judge(passed: 2, checked: 2)
        let object = try JSONSerialization.jsonObject(with: JSONEncoder().encode(sample)) as? [String: Any]
        #expect(
            Set(object?.keys.map { $0 } ?? []) == [
                "percent", "seed", "population", "drawn", "pass_percent", "passed_percent", "accepted",
            ])
        #expect(object?["accepted"] as? Bool == true)
    }
}

@Suite struct BagFoldersTests {
    /// A folder with `bagit.txt` (or `data/`) is a bag; otherwise its visible children with `bagit.txt` are, sorted.
    @Test func findsBagsAtOrUnderEachPath() throws {
        let scratch = try ScratchFolder("bags")
        let fm = FileManager.default
        for name in ["b", "a", ".a.partial-99", "notabag"] {
            try fm.createDirectory(atPath: scratch.path + "/out/" + name, withIntermediateDirectories: true)
        }
        for name in ["b", "a", ".a.partial-99"] {
            fm.createFile(atPath: scratch.path + "/out/\(name)/bagit.txt", contents: Data())
        }
        try fm.createDirectory(atPath: scratch.path + "/single/data", withIntermediateDirectories: true)
        let found = try BagFolders.bags(under: [scratch.path + "/out", scratch.path + "/single"])
        #expect(found == [scratch.path + "/out/a", scratch.path + "/out/b", scratch.path + "/single"])
    }

    /// No such folder, or no bag: Quire could not run (exit 3), naming the path.
    @Test func missingFolderOrNoBagIsCouldNotRun() throws {
        let scratch = try ScratchFolder("nobags")
        let missing = #expect(throws: QuireError.self) { try BagFolders.bags(under: [scratch.path + "/nope"]) }
        #expect(missing?.kind == .couldNotRun && missing?.message == "\(scratch.path)/nope: no such folder")
        let empty = #expect(throws: QuireError.self) { try BagFolders.bags(under: [scratch.path]) }
        #expect(empty?.kind == .couldNotRun && empty?.message.hasPrefix("no bag (a folder with bagit.txt) under") == true)
    }
}

@Suite struct VerificationRecordTests {
    @Test func theRulesAFailedVerificationNamesAreReadBack() {
        #expect(
            VerificationRecord.failedRules(inDetail: "quire verify failed: bag.payload_digest_mismatch, master.not_tiff")
                == ["bag.payload_digest_mismatch", "master.not_tiff"])
        #expect(VerificationRecord.failedRules(inDetail: "quire verify").isEmpty)
        #expect(VerificationRecord.failedRules(inDetail: "").isEmpty)
    }
}
