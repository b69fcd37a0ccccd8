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
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
        .package(url: "https://github.com/apple/swift-crypto", from: "3.12.3"),
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
        .target(name: "Raster", swiftSettings: strict),
        .target(name: "ImageCodecs", dependencies: ["Raster", "CCodecShim", "CTIFF"], swiftSettings: strict),
        .target(name: "ArchivalCode", swiftSettings: strict),
        .target(name: "Fixity", dependencies: ["COpenSSL", .product(name: "Crypto", package: "swift-crypto")], swiftSettings: strict),
        .target(name: "Ledger", dependencies: [.product(name: "GRDB", package: "GRDB.swift")], swiftSettings: strict),
        .target(name: "ImageOps", dependencies: ["Raster"], swiftSettings: strict),
        .target(name: "Catalog", dependencies: ["ArchivalCode"], swiftSettings: strict),
        .target(name: "DurableIO", swiftSettings: strict),
        .target(name: "BlockingWork", swiftSettings: strict),
        .target(name: "Packaging", dependencies: ["Fixity", "DurableIO", "BlockingWork", "CConfinedOpen"], swiftSettings: strict),
        .target(name: "ChecksumStage", dependencies: ["Fixity", "Ledger", "Policy"], swiftSettings: strict),
        .target(name: "BindStage", dependencies: ["Catalog", "ArchivalCode", "Ledger", "Policy", "DurableIO", "Yams"], swiftSettings: strict),
        .target(name: "NormalizeStage",
                dependencies: ["Raster", "ImageCodecs", "ImageOps", "Ledger", "Policy", "DurableIO", "Fixity", "BlockingWork"],
                swiftSettings: strict),
        .target(name: "PackageStage",
                dependencies: ["Packaging", "Catalog", "ArchivalCode", "ImageCodecs", "Ledger", "Policy", "Fixity"],
                swiftSettings: strict),
        .target(name: "Audit", dependencies: ["Packaging", "Catalog", "ArchivalCode", "ImageCodecs", "Policy", "BlockingWork"],
                resources: [.copy("Resources/quire-record.xsd")], swiftSettings: strict),
        .target(name: "TextTable", swiftSettings: strict),
        .target(name: "QuotaSettings", swiftSettings: strict),
        .target(name: "Quota", dependencies: ["Catalog", "TextTable", "QuotaSettings"], swiftSettings: strict),
        .target(name: "Policy", dependencies: ["Yams", "ArchivalCode", "QuotaSettings"], swiftSettings: strict),
        .target(name: "SyntheticPages", dependencies: ["Raster", "ImageCodecs"], swiftSettings: strict),
        .target(name: "Importer",
                dependencies: ["Raster", "ImageCodecs", "ArchivalCode", "Policy", "Ledger", "Fixity", "BlockingWork"],
                swiftSettings: strict),
        .target(name: "BatchRun",
                dependencies: ["Importer", "NormalizeStage", "ChecksumStage", "BindStage", "PackageStage", "Catalog", "Ledger",
                               "Policy", "Fixity", "ImageCodecs", "DurableIO"],
                swiftSettings: strict),
        .executableTarget(name: "QuireCLI",
                          dependencies: ["BatchRun", "Importer", "ChecksumStage", "BindStage", "NormalizeStage", "PackageStage", "Packaging", "Audit", "Quota", "QuotaSettings", "TextTable", "ArchivalCode", "Yams", "Catalog", "Policy", "Ledger", "ImageCodecs", "ImageOps", "DurableIO", "Raster", "Fixity", "SyntheticPages", "BlockingWork",
                                         .product(name: "ArgumentParser", package: "swift-argument-parser")],
                          swiftSettings: strict),

        // MARK: Tests
        .testTarget(name: "ImageCodecsTests", dependencies: ["ImageCodecs", "Raster"]),
        .testTarget(name: "ArchivalCodeTests", dependencies: ["ArchivalCode"]),
        .testTarget(name: "FixityTests", dependencies: ["Fixity"]),
        .testTarget(name: "ImageOpsTests", dependencies: ["ImageOps", "Raster", "SyntheticPages", "ImageCodecs"]),
        .testTarget(name: "CatalogTests", dependencies: ["Catalog", "ArchivalCode"]),
        .testTarget(name: "QuotaTests", dependencies: ["Quota", "QuotaSettings", "Catalog", "TextTable"]),
        .testTarget(name: "TextTableTests", dependencies: ["TextTable"]),
        .testTarget(name: "PackagingTests", dependencies: ["Packaging", "Fixity", "DurableIO", "BlockingWork"]),
        .testTarget(name: "PolicyTests", dependencies: ["Policy", "QuotaSettings"]),
        .testTarget(name: "ImporterTests", dependencies: ["BatchRun", "Importer", "ChecksumStage", "BindStage", "NormalizeStage", "PackageStage", "Packaging", "Audit", "ImageOps", "Catalog", "DurableIO", "Fixity", "ImageCodecs", "Raster", "Ledger", "Policy", "SyntheticPages"]),
        .testTarget(name: "QuireCLITests", dependencies: []),
        .testTarget(name: "BlockingWorkTests", dependencies: ["BlockingWork"]),
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
        .executableTarget(name: "QuireFuzz",
                          dependencies: ["ImageCodecs", "Catalog", "Quota", "QuotaSettings", "Policy", "Packaging",
                                         "ArchivalCode"],
                          path: "Tests/Fuzz/Harness",
                          swiftSettings: strict + [.unsafeFlags(["-parse-as-library"])]))
}
