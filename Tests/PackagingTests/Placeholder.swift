import Testing
@Test func placeholderPackaging() { #expect(Bool(true)) }
