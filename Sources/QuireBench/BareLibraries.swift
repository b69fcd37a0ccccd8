import Foundation

/// The bare library calls `quire bench steps` sets beside Quire's steps: libdeflate, OpenSSL's libcrypto and
/// libjpeg-turbo's TurboJPEG API, loaded with `dlopen` so that the benchmark links nothing Quire itself does
/// not. Each call is the floor of one step: the same library work on the same bytes, with nothing around it.
struct BareLibraries {
    private typealias DeflateAlloc = @convention(c) (Int32) -> OpaquePointer?
    private typealias DeflateCompress =
        @convention(c) (OpaquePointer?, UnsafeRawPointer?, Int, UnsafeMutableRawPointer?, Int) -> Int
    private typealias DeflateBound = @convention(c) (OpaquePointer?, Int) -> Int
    private typealias DeflateFree = @convention(c) (OpaquePointer?) -> Void
    private typealias DigestType = @convention(c) () -> OpaquePointer?
    private typealias Digest =
        @convention(c) (
            UnsafeRawPointer?, Int, UnsafeMutablePointer<UInt8>?, UnsafeMutablePointer<UInt32>?,
            OpaquePointer?, OpaquePointer?
        ) -> Int32
    private typealias TJInit = @convention(c) () -> UnsafeMutableRawPointer?
    private typealias TJCompress2 =
        @convention(c) (
            UnsafeMutableRawPointer?, UnsafePointer<UInt8>?, Int32, Int32, Int32, Int32,
            UnsafeMutablePointer<UnsafeMutablePointer<UInt8>?>?, UnsafeMutablePointer<UInt>?,
            Int32, Int32, Int32
        ) -> Int32
    private typealias TJDecompress2 =
        @convention(c) (
            UnsafeMutableRawPointer?, UnsafePointer<UInt8>?, UInt, UnsafeMutablePointer<UInt8>?,
            Int32, Int32, Int32, Int32, Int32
        ) -> Int32
    private typealias TJFree = @convention(c) (UnsafeMutablePointer<UInt8>?) -> Void
    private typealias TJDestroy = @convention(c) (UnsafeMutableRawPointer?) -> Int32

    private let deflateAlloc: DeflateAlloc?
    private let deflateCompress: DeflateCompress?
    private let deflateBound: DeflateBound?
    private let deflateFree: DeflateFree?
    private let sha256Type: DigestType?
    private let sha512Type: DigestType?
    private let digest: Digest?
    private let tjInitCompress: TJInit?
    private let tjInitDecompress: TJInit?
    private let tjCompress2: TJCompress2?
    private let tjDecompress2: TJDecompress2?
    private let tjFree: TJFree?
    private let tjDestroy: TJDestroy?

    /// What could not be loaded, for the report.
    private(set) var missing: [String] = []

    init() {
        func open(_ names: [String]) -> UnsafeMutableRawPointer? {
            for name in names { if let handle = dlopen(name, RTLD_NOW | RTLD_LOCAL) { return handle } }
            return nil
        }
        func symbol<T>(_ handle: UnsafeMutableRawPointer?, _ name: String, as type: T.Type) -> T? {
            guard let handle, let pointer = dlsym(handle, name) else { return nil }
            return unsafeBitCast(pointer, to: type)
        }
        let deflate = open(["libdeflate.so.0", "libdeflate.so"])
        deflateAlloc = symbol(deflate, "libdeflate_alloc_compressor", as: DeflateAlloc.self)
        deflateCompress = symbol(deflate, "libdeflate_zlib_compress", as: DeflateCompress.self)
        deflateBound = symbol(deflate, "libdeflate_zlib_compress_bound", as: DeflateBound.self)
        deflateFree = symbol(deflate, "libdeflate_free_compressor", as: DeflateFree.self)
        let crypto = open(["libcrypto.so.3", "libcrypto.so"])
        sha256Type = symbol(crypto, "EVP_sha256", as: DigestType.self)
        sha512Type = symbol(crypto, "EVP_sha512", as: DigestType.self)
        digest = symbol(crypto, "EVP_Digest", as: Digest.self)
        let turbo = open(["libturbojpeg.so.0", "libturbojpeg.so"])
        tjInitCompress = symbol(turbo, "tjInitCompress", as: TJInit.self)
        tjInitDecompress = symbol(turbo, "tjInitDecompress", as: TJInit.self)
        tjCompress2 = symbol(turbo, "tjCompress2", as: TJCompress2.self)
        tjDecompress2 = symbol(turbo, "tjDecompress2", as: TJDecompress2.self)
        tjFree = symbol(turbo, "tjFree", as: TJFree.self)
        tjDestroy = symbol(turbo, "tjDestroy", as: TJDestroy.self)
        if deflateCompress == nil { missing.append("libdeflate (apt-get install libdeflate0)") }
        if digest == nil { missing.append("libcrypto (apt-get install libssl3)") }
        if tjCompress2 == nil { missing.append("libturbojpeg (apt-get install libturbojpeg0)") }
        // Quire's JPEGs use optimized Huffman tables; TurboJPEG reads this switch at every compression.
        setenv("TJ_OPTIMIZE", "1", 1)
    }

    /// libdeflate's zlib compression of each `chunk`-byte piece of `bytes` (as libtiff compresses strips) at
    /// `level`; the compressed size, or nil without libdeflate.
    func deflate(_ bytes: [UInt8], chunk: Int, level: Int) -> Int? {
        guard let deflateAlloc, let deflateCompress, let deflateBound, let deflateFree,
            let compressor = deflateAlloc(Int32(level))
        else { return nil }
        defer { deflateFree(compressor) }
        let capacity = deflateBound(compressor, chunk)
        let out = UnsafeMutableRawPointer.allocate(byteCount: capacity, alignment: 16)
        defer { out.deallocate() }
        var total = 0
        bytes.withUnsafeBytes { raw in
            var offset = 0
            while offset < raw.count {
                let n = min(chunk, raw.count - offset)
                total += deflateCompress(compressor, raw.baseAddress! + offset, n, out, capacity)
                offset += n
            }
        }
        return total
    }

    /// OpenSSL's one-shot `EVP_Digest` of `bytes` with SHA-256 (or SHA-512); false without libcrypto.
    func hash(_ bytes: UnsafeRawBufferPointer, sha512: Bool) -> Bool {
        guard let digest, let type = (sha512 ? sha512Type : sha256Type)?() else { return false }
        var md = [UInt8](repeating: 0, count: 64)
        var length: UInt32 = 0
        return digest(bytes.baseAddress, bytes.count, &md, &length, type, nil) == 1
    }

    /// TurboJPEG's compression of 8-bit gray or RGB pixels at `quality`, 4:2:0 for colour, optimized Huffman
    /// tables: the JPEG's size, or nil without libturbojpeg.
    func jpeg(_ pixels: [UInt8], width: Int, height: Int, channels: Int, quality: Int) -> Int? {
        guard let tjInitCompress, let tjCompress2, let tjFree, let tjDestroy, let handle = tjInitCompress() else { return nil }
        defer { _ = tjDestroy(handle) }
        var buffer: UnsafeMutablePointer<UInt8>?
        var size: UInt = 0
        let rc = pixels.withUnsafeBufferPointer {
            // TJPF_RGB 0, TJPF_GRAY 6; TJSAMP_420 2, TJSAMP_GRAY 3.
            tjCompress2(
                handle, $0.baseAddress, Int32(width), Int32(width * channels), Int32(height), channels == 3 ? 0 : 6,
                &buffer, &size, channels == 3 ? 2 : 3, Int32(quality), 0)
        }
        defer { tjFree(buffer) }
        return rc == 0 ? Int(size) : nil
    }

    /// TurboJPEG's decompression of `jpeg` into `output` (width × height × channels bytes); false without it.
    func unjpeg(_ jpeg: [UInt8], into output: UnsafeMutableRawBufferPointer, width: Int, height: Int, channels: Int) -> Bool {
        guard let tjInitDecompress, let tjDecompress2, let tjDestroy, let handle = tjInitDecompress() else { return false }
        defer { _ = tjDestroy(handle) }
        return jpeg.withUnsafeBufferPointer {
            tjDecompress2(
                handle, $0.baseAddress, UInt($0.count), output.bindMemory(to: UInt8.self).baseAddress,
                Int32(width), Int32(width * channels), Int32(height), channels == 3 ? 0 : 6, 0)
        } == 0
    }
}
