import BlockingWork
import Foundation
@testable import Packaging
import QuireTestSupport
import Testing

/// ``ConfinedFolder`` on its own: every way out of the folder is refused, with the kernel's resolution and with
/// the component-walk fallback; links that stay inside work with the kernel's resolution.
@Suite struct ConfinedFolderTests {
    /// `scratch/bag` with `inside.txt`, `sub/deep.txt`, and `scratch/outside/secret.txt` beside it.
    func layout(_ scratch: ScratchFolder) throws -> (bag: String, outside: String) {
        try scratch.text("bag/inside.txt", "inside\n")
        try scratch.text("bag/sub/deep.txt", "deep\n")
        try scratch.text("outside/secret.txt", "secret\n")
        return (scratch.path + "/bag", scratch.path + "/outside")
    }

    func link(_ path: String, to destination: String) throws {
        try FileManager.default.createSymbolicLink(atPath: path, withDestinationPath: destination)
    }

    func escapes(_ folder: ConfinedFolder, _ path: String, sourceLocation: SourceLocation = #_sourceLocation) {
        for attempt in [
            { _ = try folder.contents(of: path) }, { _ = try folder.status(of: path) }, { _ = try folder.entries(in: path) },
        ] {
            do {
                try attempt()
                Issue.record("\(path) was reached through \(folder.resolution)", sourceLocation: sourceLocation)
            } catch let error as ConfinedFolderError {
                #expect(error.leavesFolder, "\(path): \(error)", sourceLocation: sourceLocation)
            } catch {
                Issue.record("\(error)", sourceLocation: sourceLocation)
            }
        }
    }

    @Test func theKernelResolvesBeneathTheFolderHere() throws {
        let scratch = try ScratchFolder("packaging")
        let (bag, _) = try layout(scratch)
        #expect(try ConfinedFolder(path: bag).resolution == .kernel, "openat2 is available on this machine's kernel")
    }

    @Test(arguments: [ConfinedFolder.Resolution.kernel, .componentWalk])
    func everyWayOutIsRefused(_ resolution: ConfinedFolder.Resolution) throws {
        let scratch = try ScratchFolder("packaging")
        let (bag, outside) = try layout(scratch)
        try link(bag + "/absolute.txt", to: outside + "/secret.txt")
        try link(bag + "/relative.txt", to: "../outside/secret.txt")
        try link(bag + "/chain1.txt", to: "chain2.txt")
        try link(bag + "/chain2.txt", to: "sub/../../outside/secret.txt")
        try link(bag + "/away", to: outside)
        try link(bag + "/sub/up", to: "../..")
        let folder = try ConfinedFolder(path: bag, resolution: resolution)
        for path in [
            "../outside/secret.txt", "sub/../../outside/secret.txt", outside + "/secret.txt", "absolute.txt",
            "relative.txt", "chain1.txt", "away/secret.txt", "away", "sub/up/outside/secret.txt",
        ] {
            escapes(folder, path)
        }
        #expect(try folder.contents(of: "inside.txt") == Data("inside\n".utf8))
        #expect(try folder.contents(of: "sub/deep.txt") == Data("deep\n".utf8))
    }

    @Test func anEscapeNamesTheLinkAndWhereItPoints() throws {
        let scratch = try ScratchFolder("packaging")
        let (bag, outside) = try layout(scratch)
        try link(bag + "/meta", to: outside)
        let folder = try ConfinedFolder(path: bag)
        #expect(throws: ConfinedFolderError(path: "meta/secret.txt", cause: .leavesFolder(link: "meta", target: outside))) {
            try folder.contents(of: "meta/secret.txt")
        }
    }

    @Test func linksThatStayInsideWorkWithTheKernelAndAreRefusedByTheFallback() throws {
        let scratch = try ScratchFolder("packaging")
        let (bag, _) = try layout(scratch)
        try link(bag + "/alias.txt", to: "sub/deep.txt")
        try link(bag + "/folder", to: "sub")
        try link(bag + "/sub/back.txt", to: "../inside.txt")
        let kernel = try ConfinedFolder(path: bag)
        #expect(try kernel.contents(of: "alias.txt") == Data("deep\n".utf8))
        #expect(try kernel.contents(of: "folder/deep.txt") == Data("deep\n".utf8))
        #expect(try kernel.contents(of: "sub/back.txt") == Data("inside\n".utf8))
        #expect(try kernel.status(of: "folder").kind == .folder)
        let walk = try ConfinedFolder(path: bag, resolution: .componentWalk)
        #expect(throws: ConfinedFolderError(path: "folder/deep.txt", cause: .linkRefused(link: "folder"))) {
            try walk.contents(of: "folder/deep.txt")
        }
        #expect(throws: ConfinedFolderError(path: "alias.txt", cause: .linkRefused(link: "alias.txt"))) {
            try walk.contents(of: "alias.txt")
        }
        #expect(try walk.contents(of: "sub/deep.txt") == Data("deep\n".utf8))
    }

    @Test(arguments: [ConfinedFolder.Resolution.kernel, .componentWalk])
    func listingShowsLinksAsLinksWithoutFollowingThem(_ resolution: ConfinedFolder.Resolution) throws {
        let scratch = try ScratchFolder("packaging")
        let (bag, outside) = try layout(scratch)
        try link(bag + "/away", to: outside)
        // A long name (the dirent record glibc allocates is only as long as the name) and a CJK one.
        let long = String(repeating: "长", count: 80) + ".txt"
        try scratch.text("bag/" + long, "x")
        let folder = try ConfinedFolder(path: bag, resolution: resolution)
        let entries = try folder.entries(in: "").sorted { $0.name < $1.name }
        #expect(entries.map(\.name) == ["away", "inside.txt", "sub", long].sorted())
        #expect(entries.first { $0.name == "away" }?.kind == .symbolicLink)
        #expect(entries.first { $0.name == "sub" }?.kind == .folder)
        #expect(entries.first { $0.name == "inside.txt" } == .init(name: "inside.txt", kind: .file, size: 7))
        #expect(try folder.entries(in: "sub").map(\.name) == ["deep.txt"])
    }

    @Test func aFIFOIsRefusedWithoutHanging() throws {
        let scratch = try ScratchFolder("packaging")
        let (bag, _) = try layout(scratch)
        #expect(mkfifo(bag + "/pipe", 0o644) == 0)
        let folder = try ConfinedFolder(path: bag)
        #expect(throws: ConfinedFolderError(path: "pipe", cause: .notRegularFile)) { try folder.contents(of: "pipe") }
        #expect(try folder.status(of: "pipe").kind == .other)
    }

    @Test func absentPathsAreMissingNotEscapes() throws {
        let scratch = try ScratchFolder("packaging")
        let (bag, _) = try layout(scratch)
        let folder = try ConfinedFolder(path: bag)
        do {
            _ = try folder.contents(of: "nothing.txt")
            Issue.record("read a file that does not exist")
        } catch {
            #expect(error.isMissing && !error.leavesFolder)
        }
    }

    // MARK: - MemoryBudget, the parser verify shares with import and run

    @Test func memoryBudgetsParse() throws {
        #expect(try MemoryBudget(parsing: "512").bytes == 512 << 20)
        #expect(try MemoryBudget(parsing: "512M").bytes == 512 << 20)
        #expect(try MemoryBudget(parsing: "2G").bytes == 2 << 30)
        #expect(try MemoryBudget(parsing: "1536MiB").bytes == 1536 << 20)
        #expect(try MemoryBudget(parsing: "4096k").bytes == 4 << 20)
        #expect(try MemoryBudget(parsing: "1048576B").bytes == 1 << 20)
        for bad in ["", "lots", "-5M", "2X", "0", "512K", "99999999999T", "1.5G"] {
            #expect(throws: MemoryBudgetError.self, "\(bad)") { try MemoryBudget(parsing: bad) }
        }
        #expect(try MemoryBudget.fromEnvironment([:]) == .standard)
        #expect(try MemoryBudget.fromEnvironment(["QUIRE_MEMORY_BUDGET": "8M"]).bytes == 8 << 20)
        #expect(throws: MemoryBudgetError(text: "big", source: "QUIRE_MEMORY_BUDGET")) {
            try MemoryBudget.fromEnvironment(["QUIRE_MEMORY_BUDGET": "big"])
        }
    }
}
