@testable import ImageCodecs
import Raster
import Testing

/// EXIF IFD0 as cameras and scanner drivers write it: either byte order, Orientation as SHORT (the
/// standard's type) or LONG (some writers), out-of-range values ignored.
@Suite struct ExifIFD0Tests {
    /// A TIFF-structured EXIF block with one IFD0 entry for Orientation of `type` (3 SHORT, 4 LONG).
    static func block(littleEndian: Bool, type: Int, value: Int) -> [UInt8] {
        func u16(_ v: Int) -> [UInt8] { littleEndian ? [UInt8(v & 0xFF), UInt8(v >> 8)] : [UInt8(v >> 8), UInt8(v & 0xFF)] }
        func u32(_ v: Int) -> [UInt8] { littleEndian ? u16(v & 0xFFFF) + u16(v >> 16) : u16(v >> 16) + u16(v & 0xFFFF) }
        let field = type == 3 ? u16(value) + [0, 0] : u32(value)
        return (littleEndian ? [0x49, 0x49] : [0x4D, 0x4D]) + u16(42) + u32(8)
            + u16(1) + u16(0x0112) + u16(type) + u32(1) + field + u32(0)
    }

    @Test(arguments: [true, false], [3, 4])
    func orientationInEitherByteOrderAndType(_ littleEndian: Bool, _ type: Int) throws {
        for value in 1...8 {
            let parsed = try #require(ExifIFD0.parse(Self.block(littleEndian: littleEndian, type: type, value: value)))
            #expect(parsed.orientation == Orientation(tagValue: value))
        }
        #expect(ExifIFD0.parse(Self.block(littleEndian: littleEndian, type: type, value: 9))?.orientation == nil)
        #expect(ExifIFD0.parse(Self.block(littleEndian: littleEndian, type: type, value: 0))?.orientation == nil)
    }

    @Test func anotherTypeIsIgnored() {
        // RATIONAL (5) is not a way to write Orientation.
        #expect(ExifIFD0.parse(Self.block(littleEndian: true, type: 5, value: 6))?.orientation == nil)
    }
}
