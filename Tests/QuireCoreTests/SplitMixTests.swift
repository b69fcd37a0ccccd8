import QuireCore
import Testing

/// The seeded generator behind synthetic pages, `quire verify --sample` and the tests' replayable random
/// choices: SplitMix64 as published, so a seed names the same sequence everywhere.
@Suite struct SplitMixTests {
    /// The reference outputs of SplitMix64 (Steele, Lea and Flood; Vigna's splitmix64.c) for seed 0.
    @Test func seedZeroGivesTheReferenceSequence() {
        var rng = SplitMix(seed: 0)
        #expect(rng.next() == 0xE220_A839_7B1D_CDAF)
        #expect(rng.next() == 0x6E78_9E6A_A1B9_65F4)
        #expect(rng.next() == 0x06C4_5D18_8009_454F)
    }

    @Test func aSeedReplaysItsDraws() {
        var a = SplitMix(seed: 2026), b = SplitMix(seed: 2026), c = SplitMix(seed: 2027)
        let first = (0..<64).map { _ in Int.random(in: 150...2500, using: &a) }
        #expect(first == (0..<64).map { _ in Int.random(in: 150...2500, using: &b) })
        #expect(first != (0..<64).map { _ in Int.random(in: 150...2500, using: &c) })
        var d = SplitMix(seed: 7), e = SplitMix(seed: 7)
        #expect(Array(1...20).shuffled(using: &d) == Array(1...20).shuffled(using: &e))
    }
}
