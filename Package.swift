// swift-tools-version: 6.0
import PackageDescription

let strict: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
    .enableUpcomingFeature("InternalImportsByDefault"),
]

let package = Package(
    name: "Quire",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "quire", targets: ["QuireCLI"]),
        // The benchmarks (`quire bench …` runs it): an executable of their own, so `quire` links none of their code.
        .executable(name: "quire-bench", targets: ["QuireBench"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
        .package(url: "https://github.com/apple/swift-crypto", from: "3.12.3"),
        .package(url: "https://github.com/vapor/postgres-nio", from: "1.33.2"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-nio-ssl", from: "2.37.6"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
        .package(url: "https://github.com/hummingbird-project/hummingbird-auth", from: "2.5.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.4.1"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
        .package(url: "https://github.com/apple/swift-http-types", from: "1.8.0"),
    ],
    targets: [
        // MARK: C libraries (only ImageCodecs imports these)
        .systemLibrary(name: "CTIFF", pkgConfig: "libtiff-4", providers: [.apt(["libtiff-dev"])]),
        .systemLibrary(name: "CPNG", pkgConfig: "libpng", providers: [.apt(["libpng-dev"])]),
        .systemLibrary(name: "CJPEG", pkgConfig: "libjpeg", providers: [.apt(["libjpeg-dev"])]),
        .systemLibrary(name: "COpenSSL", pkgConfig: "libcrypto", providers: [.apt(["libssl-dev"])]),
        .target(name: "CCodecShim", dependencies: ["CTIFF", "CPNG", "CJPEG"]),
        // openat2(2), which has no libc wrapper (only Packaging's ConfinedFolder calls it)
        .target(name: "CConfinedOpen"),

        // MARK: Library modules, one job each
        // The vocabulary every stage shares: states, severities, rules, algorithms, layout, the one error type.
        .target(name: "QuireCore", swiftSettings: strict),
        .target(name: "Raster", swiftSettings: strict),
        .target(name: "DeflateCoding", dependencies: ["QuireCore"], swiftSettings: strict),
        .target(
            name: "ImageCodecs", dependencies: ["QuireCore", "Raster", "CCodecShim", "CTIFF", "DeflateCoding"],
            swiftSettings: strict),
        .target(name: "ArchivalCode", dependencies: ["QuireCore"], swiftSettings: strict),
        .target(
            name: "Fixity", dependencies: ["QuireCore", "COpenSSL", .product(name: "Crypto", package: "swift-crypto")],
            swiftSettings: strict),
        .target(
            name: "Ledger", dependencies: ["QuireCore", .product(name: "GRDB", package: "GRDB.swift")], swiftSettings: strict),
        // The ledger on a PostgreSQL server, shared by several machines (`--ledger postgres://…`).
        .target(
            name: "LedgerPostgres",
            dependencies: [
                "QuireCore", "Ledger", .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "NIOCore", package: "swift-nio"), .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"), .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strict),
        .target(name: "ImageOps", dependencies: ["QuireCore", "Raster"], swiftSettings: strict),
        .target(name: "Catalog", dependencies: ["QuireCore", "ArchivalCode"], swiftSettings: strict),
        .target(name: "DurableIO", dependencies: ["QuireCore"], swiftSettings: strict),
        .target(name: "BlockingWork", dependencies: ["QuireCore"], swiftSettings: strict),
        .target(
            name: "Packaging", dependencies: ["QuireCore", "Fixity", "DurableIO", "BlockingWork", "CConfinedOpen"],
            swiftSettings: strict),
        .target(
            name: "ChecksumStage", dependencies: ["QuireCore", "Fixity", "Ledger", "Policy", "BlockingWork"],
            swiftSettings: strict),
        .target(
            name: "BindStage",
            dependencies: ["QuireCore", "Catalog", "ArchivalCode", "Ledger", "Policy", "DurableIO", "Fixity", "Yams"],
            swiftSettings: strict),
        .target(
            name: "NormalizeStage",
            dependencies: [
                "QuireCore", "Raster", "ImageCodecs", "ImageOps", "Catalog", "Ledger", "Policy", "DurableIO", "Fixity",
                "BlockingWork",
            ],
            swiftSettings: strict),
        .target(
            name: "PackageStage",
            dependencies: ["QuireCore", "Packaging", "Catalog", "ArchivalCode", "ImageCodecs", "Ledger", "Policy", "Fixity"],
            swiftSettings: strict),
        .target(
            name: "Audit",
            dependencies: ["QuireCore", "Packaging", "Catalog", "ArchivalCode", "ImageCodecs", "Policy", "BlockingWork"],
            resources: [.copy("Resources/quire-record.xsd")], swiftSettings: strict),
        .target(name: "Acceptance", dependencies: ["QuireCore", "Audit", "Ledger"], swiftSettings: strict),
        .target(name: "TextTable", swiftSettings: strict),
        .target(name: "QuotaSettings", dependencies: ["QuireCore"], swiftSettings: strict),
        .target(
            name: "Quota", dependencies: ["QuireCore", "ArchivalCode", "Catalog", "TextTable", "QuotaSettings"],
            swiftSettings: strict),
        .target(name: "Policy", dependencies: ["QuireCore", "Yams", "ArchivalCode", "QuotaSettings"], swiftSettings: strict),
        .target(name: "SyntheticPages", dependencies: ["QuireCore", "Raster", "ImageCodecs"], swiftSettings: strict),
        .target(
            name: "Importer",
            dependencies: ["QuireCore", "Raster", "ImageCodecs", "ArchivalCode", "Policy", "Ledger", "Fixity", "BlockingWork"],
            swiftSettings: strict),
        // A process's share of the page work over a claiming ledger (quire worker, and quire run on a shared ledger).
        .target(
            name: "WorkerLoop",
            dependencies: ["QuireCore", "Ledger", "NormalizeStage", "BindStage", "PackageStage", "Policy", "BlockingWork"],
            swiftSettings: strict),
        .target(
            name: "BatchRun",
            dependencies: [
                "QuireCore", "Importer", "NormalizeStage", "ChecksumStage", "BindStage", "PackageStage", "Catalog", "Ledger",
                "Policy", "Fixity", "ImageCodecs", "DurableIO", "WorkerLoop",
            ],
            swiftSettings: strict),
        // What `quire status` and `quire quota` report from a ledger, as values: the commands print them, the dashboard serves them.
        .target(name: "LedgerReports", dependencies: ["QuireCore", "Ledger", "Quota", "QuotaSettings"], swiftSettings: strict),
        // `quire serve`: the dashboard, JSON API, metrics and live updates over the ledger, on Hummingbird.
        .target(
            name: "WebDashboard",
            dependencies: [
                "QuireCore", "Ledger", "LedgerReports", "Quota", "QuotaSettings", "BlockingWork", "Acceptance", "Packaging",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdAuth", package: "hummingbird-auth"),
                .product(name: "HummingbirdBcrypt", package: "hummingbird-auth"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
            ],
            swiftSettings: strict),
        .executableTarget(
            name: "QuireCLI",
            dependencies: [
                "QuireCore", "BatchRun", "Importer", "ChecksumStage", "BindStage", "NormalizeStage", "PackageStage", "Packaging",
                "Audit", "Acceptance", "Quota", "QuotaSettings", "TextTable", "ArchivalCode", "Yams", "Catalog", "Policy",
                "Ledger", "LedgerPostgres", "WorkerLoop", "ImageCodecs", "Fixity", "BlockingWork", "LedgerReports",
                "WebDashboard",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            swiftSettings: strict),
        // quire-bench: the benchmarks, with the process spawning and the generated pages; `quire bench` execs it.
        .executableTarget(
            name: "QuireBench",
            dependencies: [
                "QuireCore", "DurableIO", "Fixity", "ImageCodecs", "ImageOps", "Ledger", "LedgerPostgres", "NormalizeStage",
                "Policy", "Raster", "SyntheticPages", "TextTable",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            swiftSettings: strict),

        // MARK: Tests
        // What tests share: scratch folders and fixtures, the corpus, other programs, seeds; the in-memory ledger,
        // the ledger conformance suite. One test target per module with logic, depending on that module,
        // QuireTestSupport and what its fixtures need.
        .target(
            name: "QuireTestSupport", dependencies: ["QuireCore", "Raster", "ImageCodecs", "SyntheticPages", "Ledger"],
            swiftSettings: strict),
        .testTarget(name: "QuireCoreTests", dependencies: ["QuireCore"]),
        .testTarget(
            name: "DeflateCodingTests",
            dependencies: ["DeflateCoding", "ImageCodecs", "QuireCore", "Raster", "SyntheticPages", "QuireTestSupport"]),
        .testTarget(name: "ImageCodecsTests", dependencies: ["QuireCore", "ImageCodecs", "Raster", "QuireTestSupport"]),
        .testTarget(name: "ArchivalCodeTests", dependencies: ["ArchivalCode"]),
        .testTarget(name: "FixityTests", dependencies: ["Fixity", "QuireCore", "QuireTestSupport"]),
        .testTarget(name: "ImageOpsTests", dependencies: ["ImageOps", "Raster", "SyntheticPages", "ImageCodecs", "QuireCore"]),
        .testTarget(name: "CatalogTests", dependencies: ["QuireCore", "Catalog", "ArchivalCode", "QuireTestSupport"]),
        .testTarget(name: "QuotaTests", dependencies: ["Quota", "QuotaSettings", "Catalog", "TextTable", "QuireTestSupport"]),
        .testTarget(name: "QuotaSettingsTests", dependencies: ["QuotaSettings"]),
        .testTarget(name: "AcceptanceTests", dependencies: ["Acceptance", "QuireCore", "QuireTestSupport"]),
        .testTarget(name: "TextTableTests", dependencies: ["TextTable"]),
        .testTarget(
            name: "PackagingTests",
            dependencies: ["QuireCore", "Packaging", "Fixity", "DurableIO", "BlockingWork", "QuireTestSupport"]),
        .testTarget(name: "PolicyTests", dependencies: ["QuireCore", "Policy", "QuotaSettings"]),
        .testTarget(name: "DurableIOTests", dependencies: ["DurableIO", "QuireTestSupport"]),
        .testTarget(name: "WorkerLoopTests", dependencies: ["WorkerLoop", "Ledger", "QuireCore", "QuireTestSupport"]),
        .testTarget(
            name: "SyntheticPagesTests", dependencies: ["SyntheticPages", "ImageCodecs", "ImageOps", "Raster", "QuireCore"]),
        .testTarget(
            name: "ImporterTests",
            dependencies: ["Importer", "ImageCodecs", "Raster", "Ledger", "Policy", "SyntheticPages", "QuireTestSupport"]),
        .testTarget(
            name: "NormalizeStageTests",
            dependencies: [
                "NormalizeStage", "Importer", "ImageCodecs", "ImageOps", "Raster", "Ledger", "Policy", "SyntheticPages",
                "QuireTestSupport",
            ]),
        .testTarget(
            name: "ChecksumStageTests",
            dependencies: ["ChecksumStage", "QuireCore", "Fixity", "Importer", "Ledger", "Policy", "QuireTestSupport"]),
        .testTarget(
            name: "BindStageTests",
            dependencies: ["BindStage", "Catalog", "ChecksumStage", "Importer", "Ledger", "Policy", "QuireTestSupport"]),
        .testTarget(
            name: "PackageStageTests",
            dependencies: [
                "PackageStage", "Audit", "BindStage", "ChecksumStage", "ImageCodecs", "Importer", "Ledger", "NormalizeStage",
                "Policy", "QuireTestSupport",
            ]),
        .testTarget(
            name: "BatchRunTests",
            dependencies: [
                "BatchRun", "BindStage", "ChecksumStage", "ImageCodecs", "Importer", "Ledger", "NormalizeStage", "Packaging",
                "Policy", "QuireCore", "SyntheticPages", "QuireTestSupport", "WorkerLoop",
            ]),
        .testTarget(name: "AuditTests", dependencies: ["Audit", "BatchRun", "Policy", "QuireTestSupport"]),
        .testTarget(name: "QuireCLITests", dependencies: ["QuireTestSupport", "SyntheticPages", "ImageCodecs"]),
        .testTarget(name: "BlockingWorkTests", dependencies: ["BlockingWork"]),
        .testTarget(
            name: "WebDashboardTests",
            dependencies: [
                "WebDashboard", "LedgerReports", "QuireCore", "Ledger", "Quota", "QuireTestSupport",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "HummingbirdBcrypt", package: "hummingbird-auth"),
            ]),
        // The ledger conformance suite (QuireTestSupport) on every backend, and SQLite's own behaviour.
        .testTarget(
            name: "LedgerTests",
            dependencies: [
                "QuireCore", "Ledger", "LedgerPostgres", "QuireTestSupport", .product(name: "GRDB", package: "GRDB.swift"),
            ]),
    ],
    swiftLanguageModes: [.v6]
)

// MARK: Fuzzing (only when QUIRE_FUZZ is set; see scripts/fuzz.sh and Tests/Fuzz/README.md)
//
// One libFuzzer harness over every parser Quire owns or feeds. It is declared only for fuzz builds, so
// `swift build`, `swift test` and CI's build never compile it; scripts/fuzz.sh builds it into .build-fuzz with
// `--sanitize=fuzzer --sanitize=address`.
if Context.environment["QUIRE_FUZZ"] != nil {
    package.targets.append(
        .executableTarget(
            name: "QuireFuzz",
            dependencies: [
                "QuireCore", "ImageCodecs", "Catalog", "Quota", "QuotaSettings", "Policy", "Packaging",
                "ArchivalCode",
            ],
            path: "Tests/Fuzz/Harness",
            swiftSettings: strict + [.unsafeFlags(["-parse-as-library"])]))
}
