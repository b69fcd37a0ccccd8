import DurableIO
import Foundation
import QuireTestSupport
import Testing

/// Durable writes: the target is either the old file or the whole new one, never a part, and nothing is left
/// behind but what `removeStrayTemporaries` clears.
@Suite struct DurableFileTests {
    /// The names in `folder` and below, sorted.
    func listing(_ folder: String) -> [String] {
        (FileManager.default.enumerator(atPath: folder)?.allObjects as? [String] ?? []).sorted()
    }

    @Test func aWriteCreatesItsFoldersAndLeavesOnlyTheTarget() throws {
        let scratch = try ScratchFolder("durable")
        let target = scratch.path("a/b/record.xml")
        try DurableFile.write(Data("<record/>".utf8), to: target)
        #expect(try String(contentsOfFile: target, encoding: .utf8) == "<record/>")
        #expect(listing(scratch.path) == ["a", "a/b", "a/b/record.xml"])

        try DurableFile.write(bytes: [UInt8](repeating: 7, count: 100_000), to: target)
        #expect(try Data(contentsOf: URL(fileURLWithPath: target)) == Data(repeating: 7, count: 100_000))
        #expect(listing(scratch.path) == ["a", "a/b", "a/b/record.xml"])
    }

    /// A producer that fails leaves the old file as it was and no temporary; the error names the target.
    @Test func aFailedProducerLeavesTheOldFile() throws {
        struct EncoderFailed: Error {}
        let scratch = try ScratchFolder("durable")
        let target = try scratch.text("masters/0001.tif", "old")
        var temporary = ""
        let error = #expect(throws: DurableFileError.self) {
            try DurableFile.produce(at: target) { (path: String) throws(EncoderFailed) in
                temporary = path
                _ = FileManager.default.createFile(atPath: path, contents: Data("half a".utf8))
                throw EncoderFailed()
            }
        }
        #expect(error?.path == target)
        #expect(error?.operation == "produce")
        #expect(error?.diskFull == nil)
        #expect(temporary.hasPrefix(scratch.path("masters/.0001.tif.tmp-")), "\(temporary)")
        #expect(try String(contentsOfFile: target, encoding: .utf8) == "old")
        #expect(listing(scratch.path) == ["masters", "masters/0001.tif"])
    }

    /// A staged file stays out of sight until published; a dead writer's temporaries are cleared, and only they.
    @Test func stagedFilesArePublishedOrClearedAsStrays() throws {
        let scratch = try ScratchFolder("durable")
        let target = scratch.path("outputs/0001.jpg")
        let staged = DurableFile.stagedPath(for: target)
        #expect((staged as NSString).deletingLastPathComponent == scratch.path("outputs"))
        try DurableFile.write(Data("jpeg".utf8), to: staged)
        #expect(!FileManager.default.fileExists(atPath: target))
        try DurableFile.publish(staged: staged, to: target)
        #expect(try String(contentsOfFile: target, encoding: .utf8) == "jpeg")
        #expect(!FileManager.default.fileExists(atPath: staged))

        // Writers that are gone: a pid no process has (above the kernel's pid_max); writers alive: this process
        // and its parent, whose temporaries are never taken for strays.
        let gone = 99_999_999
        try scratch.text("outputs/.0002.jpg.tmp-staged-\(gone)", "stray")
        try scratch.text("outputs/deep/.0003.tif.tmp-\(gone)-4", "stray")
        try scratch.text("outputs/.0005.tif.tmp-\(getpid())-1", "being written by this process")
        try scratch.text("outputs/.0006.tif.tmp-staged-\(getppid())", "being written by a live process")
        // Names whose pid does not parse (not a number, negative, beyond Int32) say no live writer: strays.
        try scratch.text("outputs/.0007.tif.tmp-abc-1", "stray")
        try scratch.text("outputs/.0008.tif.tmp--5-1", "stray")
        try scratch.text("outputs/.0009.tif.tmp-99999999999999999999-1", "stray")
        try scratch.text("outputs/.hidden", "kept")
        try scratch.text("outputs/tmp-0004.jpg", "kept")
        // In a shared workspace only temporaries older than the given age go: these are seconds old.
        #expect(DurableFile.removeStrayTemporaries(in: scratch.path("outputs"), minimumAge: 600) == 0)
        #expect(DurableFile.removeStrayTemporaries(in: scratch.path("outputs")) == 5)
        #expect(
            listing(scratch.path("outputs")) == [
                ".0005.tif.tmp-\(getpid())-1", ".0006.tif.tmp-staged-\(getppid())", ".hidden", "0001.jpg", "deep",
                "tmp-0004.jpg",
            ])
    }

    /// Where a folder should be and a file is, the error says which path and what is in the way.
    @Test func aFileWhereAFolderBelongsIsNamed() throws {
        let scratch = try ScratchFolder("durable")
        let blocker = try scratch.text("metadata", "a file")
        let error = #expect(throws: DurableFileError.self) {
            try DurableFile.write(Data("x".utf8), to: blocker + "/0026-003-0045/record.json")
        }
        #expect(error?.path == blocker)
        #expect(error?.operation == "create folder")
        #expect(error?.message == "a file of that name exists")
    }

    @Test func aFullDiskIsToldApartAndSaysWhatToDo() {
        let full = DurableFileError(path: "/ws/masters/0001.tif", operation: "write", errno: ENOSPC)
        #expect(full.diskFull != nil)
        #expect(full.code == ENOSPC)
        #expect(full.description.hasPrefix("write /ws/masters/0001.tif failed: "))
        #expect(full.description.contains("free some space"))
        let denied = DurableFileError(path: "/ws/masters/0001.tif", operation: "create", errno: EACCES)
        #expect(denied.diskFull == nil)
        #expect(!denied.description.contains("free some space"))
    }
}
