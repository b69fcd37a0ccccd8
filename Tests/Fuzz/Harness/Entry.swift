import Foundation

// libFuzzer's entry points. libFuzzer supplies `main`; this module is compiled with `-parse-as-library`.
// The target is chosen by QUIRE_FUZZ_TARGET (see FuzzTarget.swift), so one binary serves every parser.

/// The target this process fuzzes, chosen once in `LLVMFuzzerInitialize` before any input runs.
nonisolated(unsafe) private var selected: FuzzTarget?

/// libFuzzer's `LLVMFuzzerInitialize`: selects and prepares the target `QUIRE_FUZZ_TARGET` names; exits 2 for an unknown name.
@_cdecl("LLVMFuzzerInitialize")
public func fuzzerInitialize(
    _ argc: UnsafeMutablePointer<Int32>,
    _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>
) -> Int32 {
    let name = ProcessInfo.processInfo.environment["QUIRE_FUZZ_TARGET"] ?? ""
    guard let target = FuzzTarget(rawValue: name) else {
        let names = FuzzTarget.allCases.map(\.rawValue).joined(separator: " ")
        FileHandle.standardError.write(Data("QuireFuzz: set QUIRE_FUZZ_TARGET to one of: \(names)\n".utf8))
        exit(2)
    }
    target.prepare()
    selected = target
    return 0
}

/// libFuzzer's `LLVMFuzzerTestOneInput`: feeds one input to the selected target; always returns 0.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzerTestOneInput(_ start: UnsafePointer<UInt8>?, _ count: Int) -> Int32 {
    guard let selected else { return 0 }
    let data = count > 0 && start != nil ? Data(bytes: start!, count: count) : Data()
    selected.run(data)
    return 0
}
