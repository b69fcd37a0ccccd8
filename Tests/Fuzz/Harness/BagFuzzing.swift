import Foundation
import Packaging

/// Verifies a bag whose tag files are the fuzz input, through the public `BagVerifier.verify`.
///
/// The input is split at record-separator bytes (0x1E) into up to six parts, written as `bagit.txt`, `bag-info.txt`,
/// `manifest-sha256.txt`, `tagmanifest-sha256.txt`, `fetch.txt` and `manifest-md5.txt` of a bag (in that
/// order; missing parts leave the file absent, so an absent file is fuzzed too). The payload is fixed:
/// `data/a.txt` and `data/sub/b%.txt`, made once. The bag lives under /dev/shm when it exists.
enum BagFuzzing {
    /// Tag files in the order input parts fill them.
    static let tagFiles = [
        "bagit.txt", "bag-info.txt", "manifest-sha256.txt", "tagmanifest-sha256.txt",
        "fetch.txt", "manifest-md5.txt",
    ]
    /// The bag folder, made by ``prepare()``.
    nonisolated(unsafe) static var bag = ""

    /// Makes the bag folder and its fixed payload.
    static func prepare() {
        let root = FileManager.default.fileExists(atPath: "/dev/shm") ? "/dev/shm" : NSTemporaryDirectory()
        bag = "\(root)/quire-fuzz-bag-\(getpid())"
        let fm = FileManager.default
        try? fm.removeItem(atPath: bag)
        do {
            try fm.createDirectory(atPath: bag + "/data/sub", withIntermediateDirectories: true)
            try Data("hello\n".utf8).write(to: URL(fileURLWithPath: bag + "/data/a.txt"))
            try Data("100%\n".utf8).write(to: URL(fileURLWithPath: bag + "/data/sub/b%.txt"))
        } catch {
            fatalError("cannot make the fuzz bag at \(bag): \(error)")
        }
        atexit { try? FileManager.default.removeItem(atPath: BagFuzzing.bag) }
    }

    /// Writes the input's parts as tag files and verifies the bag in full with one worker.
    static func run(_ data: Data) {
        let parts = data.split(separator: 0x1E, maxSplits: tagFiles.count - 1, omittingEmptySubsequences: false)
        for (index, name) in tagFiles.enumerated() {
            let path = bag + "/" + name
            if index < parts.count {
                _ = FileManager.default.createFile(atPath: path, contents: Data(parts[index]))
            } else {
                unlink(path)
            }
        }
        let done = DispatchSemaphore(value: 0)
        let path = bag
        Task.detached {
            sink(await BagVerifier.verify(path, mode: .full, workers: 1))
            done.signal()
        }
        done.wait()
    }
}
