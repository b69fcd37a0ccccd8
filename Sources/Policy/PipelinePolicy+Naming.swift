public import ArchivalCode

extension PipelinePolicy.Intake {
    /// The 档号 validation rules this policy sets.
    public var codeRules: CodeRules {
        CodeRules(maxFondsLength: maxFondsLength, retentionCodes: Set(retentionCodes), itemDigits: itemDigits)
    }

    /// The naming rule this policy sets.
    public func namingRule() throws(NamingRuleError) -> NamingRule {
        try NamingRule(forms: namingForms, pageDigits: pageDigits, codeRules: codeRules)
    }

    /// Whether a file name matches one of the `ignore` globs (`*` and `?` wildcards).
    public func ignores(fileName: String) -> Bool {
        ignore.contains { glob($0, matches: fileName) }
    }
}

/// Shell-style wildcard match on whole names: `*` any run, `?` one character.
func glob(_ pattern: String, matches name: String) -> Bool {
    let p = Array(pattern), n = Array(name)
    var pi = 0, ni = 0, star = -1, mark = 0
    while ni < n.count {
        if pi < p.count && (p[pi] == "?" || p[pi] == n[ni]) {
            pi += 1; ni += 1
        } else if pi < p.count && p[pi] == "*" {
            star = pi; mark = ni; pi += 1
        } else if star >= 0 {
            pi = star + 1; mark += 1; ni = mark
        } else {
            return false
        }
    }
    while pi < p.count && p[pi] == "*" { pi += 1 }
    return pi == p.count
}
