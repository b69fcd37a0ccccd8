import QuireCore
import Testing

@Suite struct WorkspaceLayoutTests {
    /// The paths are the workspace format: existing workspaces, ledgers and bags hold exactly these.
    @Test func pathsAreTheWorkspaceFormat() {
        let layout = WorkspaceLayout(root: "/data/quire", pageDigits: 4)
        #expect(layout.relativePath(of: .master, code: "0026-003-0045", page: 7) == "masters/0026-003-0045/0007.tif")
        #expect(layout.relativePath(of: .access, code: "0026-003-0045", page: 12) == "access/0026-003-0045/0012.jpg")
        #expect(layout.relativePath(of: .thumbnail, code: "0026-003-0045", page: 1) == "thumbs/0026-003-0045/0001.jpg")
        #expect(WorkspaceLayout(root: "ws", pageDigits: 2).relativePath(of: .master, code: "A", page: 123) == "masters/A/123.tif")
        #expect(WorkspaceLayout.metadataPath(code: "0026-003-0045", .xml) == "metadata/0026-003-0045/record.xml")
        #expect(WorkspaceLayout.metadataPath(code: "0026-003-0045", .json) == "metadata/0026-003-0045/record.json")
        #expect(WorkspaceLayout.bagPath(of: "masters/A/0001.tif") == "data/masters/A/0001.tif")
        #expect(layout.absolute("masters/A/0001.tif") == "/data/quire/masters/A/0001.tif")
        #expect(layout.ledgerFile == "/data/quire/ledger.sqlite")
        #expect(WorkspaceLayout(root: "ws/").lockFile == "ws/lock")
        #expect(layout.bagsFolder == "/data/quire/bags")
        #expect(layout.outputFolders == ["/data/quire/masters", "/data/quire/access", "/data/quire/thumbs"])
        #expect(WorkspaceLayout.PageOutput.allCases.map(\.rawValue) == ["master", "access", "thumbnail"])  // ledger roles
    }

    /// An error with a line names it as `file:line:column:`, the way compilers and the pipeline errors do.
    @Test func errorsNameFileLineAndColumn() {
        let error = QuireError(
            .usage, stage: .policy, file: "p.yaml", line: 3, column: 9, message: "master.compression.gray: bad")
        #expect(error.description == "p.yaml:3:9: master.compression.gray: bad")
        #expect(QuireError(.usage, stage: .policy, file: "p.yaml", line: 3, message: "x").description == "p.yaml:3: x")
        #expect(QuireError(.usage, stage: .policy, message: "x").description == "x")
    }
}
