import QuotaSettings
import Foundation
import Quota

/// A fresh temporary directory.
func temporaryDirectory() throws -> URL {
    let url = FileManager.default.temporaryDirectory
        .appendingPathComponent("quire-quota-tests-\(UUID().uuidString)", isDirectory: true)
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    return url
}

/// The day a `YYYY-MM-DD` string names (the test fails loudly on a typo).
func day(_ text: String) -> QuotaDay {
    guard let day = QuotaDay(text) else { fatalError("bad test day \(text)") }
    return day
}

/// The path of an executable on PATH (or in the usual system folders), or nil.
func executable(named name: String) -> String? {
    let path = (ProcessInfo.processInfo.environment["PATH"] ?? "") + ":/usr/local/bin:/usr/bin:/bin:/usr/sbin:/sbin"
    for directory in path.split(separator: ":") {
        let candidate = "\(directory)/\(name)"
        if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
    }
    return nil
}

/// Runs a program; returns its exit status, standard output and standard error. Standard input is empty.
@discardableResult
func runProgram(_ program: String, _ arguments: [String], environment: [String: String] = [:]) throws
    -> (status: Int32, output: String, error: String) {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: program)
    process.arguments = arguments
    if !environment.isEmpty {
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { _, new in new }
    }
    let outURL = FileManager.default.temporaryDirectory.appendingPathComponent("quota-out-\(UUID().uuidString)")
    let errURL = FileManager.default.temporaryDirectory.appendingPathComponent("quota-err-\(UUID().uuidString)")
    _ = FileManager.default.createFile(atPath: outURL.path, contents: nil)
    _ = FileManager.default.createFile(atPath: errURL.path, contents: nil)
    defer {
        try? FileManager.default.removeItem(at: outURL)
        try? FileManager.default.removeItem(at: errURL)
    }
    let outHandle = try FileHandle(forWritingTo: outURL)
    let errHandle = try FileHandle(forWritingTo: errURL)
    process.standardOutput = outHandle
    process.standardError = errHandle
    process.standardInput = FileHandle.nullDevice
    try process.run()
    process.waitUntilExit()
    try outHandle.close()
    try errHandle.close()
    let output = String(decoding: (try? Data(contentsOf: outURL)) ?? Data(), as: UTF8.self)
    let error = String(decoding: (try? Data(contentsOf: errURL)) ?? Data(), as: UTF8.self)
    return (process.terminationStatus, output, error)
}
