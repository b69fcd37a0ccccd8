import Testing
@Test func placeholderQuota() { #expect(Bool(true)) }
