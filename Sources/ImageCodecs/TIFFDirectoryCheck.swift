import QuireCore
import Foundation

/// Checks that a TIFF directory, and every value it stores outside its entries, lies inside the file.
///
/// libtiff treats a tag whose value lies past the end of the file as a warning ("IO error during reading
/// of YResolution; tag ignored") and opens the file without it, so a master cut short by a few bytes would
/// pass the decode with its resolution silently lost. This check turns that into a `corrupt` result.
enum TIFFDirectoryCheck {
    /// A sentence naming the first entry that points outside the file, or nil when the directory is whole.
    static func problem(in b: UnsafeBufferPointer<UInt8>, directoryOffset: UInt64) -> String? {
        problem(length: UInt64(b.count), directoryOffset: directoryOffset) { offset, into in
            guard offset <= UInt64(b.count), UInt64(into.count) <= UInt64(b.count) - offset else { return false }
            into.copyMemory(
                from: UnsafeRawBufferPointer(rebasing: UnsafeRawBufferPointer(b)[Int(offset)..<Int(offset) + into.count]))
            return true
        }
    }

    /// The same check on a file of `length` bytes read with `pread` from `descriptor`.
    static func problem(descriptor: Int32, length: UInt64, directoryOffset: UInt64) -> String? {
        problem(length: length, directoryOffset: directoryOffset) { offset, into in
            (try? Syscall.pread(descriptor, into: into, at: Int64(offset))) == into.count
        }
    }

    /// The check itself, on a file of `length` bytes that `fill(offset, buffer)` reads (false past the end).
    private static func problem(
        length: UInt64, directoryOffset: UInt64,
        fill: (UInt64, UnsafeMutableRawBufferPointer) -> Bool
    ) -> String? {
        var header = [UInt8](repeating: 0, count: 8)
        guard length >= 8, header.withUnsafeMutableBytes({ fill(0, $0) }) else { return "file too short for a TIFF header" }
        let little = header[0] == 0x49
        let big = (little ? Int(header[2]) | Int(header[3]) << 8 : Int(header[2]) << 8 | Int(header[3])) == 43

        func read(_ offset: UInt64, _ size: Int) -> UInt64? {
            guard offset <= length, UInt64(size) <= length - offset else { return nil }
            var bytes = [UInt8](repeating: 0, count: size)
            guard bytes.withUnsafeMutableBytes({ fill(offset, $0) }) else { return nil }
            var value: UInt64 = 0
            for i in 0..<size {
                value = value << 8 | UInt64(bytes[little ? size - 1 - i : i])
            }
            return value
        }

        let entrySize: UInt64 = big ? 20 : 12
        let inlineSize: UInt64 = big ? 8 : 4
        guard let count = read(directoryOffset, big ? 8 : 2) else {
            return "image directory at offset \(directoryOffset) lies past the end of the file (\(length) bytes)"
        }
        let entriesStart = directoryOffset + (big ? 8 : 2)
        let (entriesBytes, overflow) = count.multipliedReportingOverflow(by: entrySize)
        guard !overflow, entriesStart <= length, entriesBytes <= length - entriesStart,
            entriesBytes + (big ? 8 : 4) <= length - entriesStart
        else {
            return
                "image directory at offset \(directoryOffset) with \(count) entries runs past the end of the file (\(length) bytes)"
        }
        for i in 0..<count {
            let entry = entriesStart + i * entrySize
            guard let tag = read(entry, 2), let type = read(entry + 2, 2),
                let valueCount = read(entry + 4, big ? 8 : 4)
            else { return "truncated directory entry" }
            let typeSize: UInt64
            switch type {
            case 1, 2, 6, 7: typeSize = 1
            case 3, 8: typeSize = 2
            case 4, 9, 11, 13: typeSize = 4
            case 5, 10, 12, 16, 17, 18: typeSize = 8
            default: continue  // unknown types are skipped by libtiff too
            }
            let (size, sizeOverflow) = valueCount.multipliedReportingOverflow(by: typeSize)
            if !sizeOverflow && size <= inlineSize { continue }
            guard let offset = read(entry + (big ? 12 : 8), big ? 8 : 4) else { return "truncated directory entry" }
            if sizeOverflow || offset > length || size > length - offset {
                return
                    "tag \(tag) stores \(valueCount) values at offset \(offset), past the end of the file (\(length) bytes): the file is truncated or damaged"
            }
        }
        return nil
    }
}
