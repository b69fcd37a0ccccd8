import Raster

/// What Quire reads from IFD0 of an EXIF (TIFF-structured) block: XResolution, YResolution and
/// ResolutionUnit, and Orientation (0x0112).
struct ExifIFD0 {
    /// The stated resolution, or nil when it is missing, zero or in an unknown unit.
    var resolution: Resolution?
    /// The stated orientation, or nil when it is missing or outside 1...8.
    var orientation: Orientation?

    /// Parses IFD0 of an EXIF block (the APP1 payload after "Exif\0\0"); nil when it has no readable header.
    static func parse(_ b: [UInt8]) -> ExifIFD0? {
        guard b.count >= 8 else { return nil }
        let little: Bool
        switch (b[0], b[1]) {
        case (0x49, 0x49): little = true
        case (0x4D, 0x4D): little = false
        default: return nil
        }
        func u16(_ o: Int) -> Int? {
            guard o >= 0, o + 2 <= b.count else { return nil }
            return little ? Int(b[o]) | Int(b[o + 1]) << 8 : Int(b[o]) << 8 | Int(b[o + 1])
        }
        func u32(_ o: Int) -> Int? {
            guard let lo = u16(little ? o : o + 2), let hi = u16(little ? o + 2 : o) else { return nil }
            return hi << 16 | lo
        }
        func rational(_ o: Int) -> Double? {
            guard let n = u32(o), let d = u32(o + 4), d != 0 else { return nil }
            return Double(n) / Double(d)
        }
        guard let ifd = u32(4), let count = u16(ifd), count < 1000 else { return nil }
        var x: Double?, y: Double?, unit = 2
        var found = ExifIFD0()
        for i in 0..<count {
            let entry = ifd + 2 + i * 12
            guard let tag = u16(entry) else { return nil }
            switch tag {
            case 0x0112:
                // SHORT, count 1: the value sits in the first two bytes of the value field. Some writers use
                // LONG (type 4), whose value fills the field.
                switch u16(entry + 2) {
                case 3: found.orientation = u16(entry + 8).flatMap(Orientation.init(tagValue:))
                case 4: found.orientation = u32(entry + 8).flatMap(Orientation.init(tagValue:))
                default: break
                }
            case 0x011A: x = u32(entry + 8).flatMap(rational)
            case 0x011B: y = u32(entry + 8).flatMap(rational)
            case 0x0128: unit = u16(entry + 8) ?? 2
            default: break
            }
        }
        if let x, let y, x > 0, y > 0 {
            switch unit {
            case 2: found.resolution = Resolution(x: x, y: y)
            case 3: found.resolution = Resolution(xPerCentimetre: x, yPerCentimetre: y)
            default: break
            }
        }
        return found
    }
}
