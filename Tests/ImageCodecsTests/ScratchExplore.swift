import Foundation
import ImageCodecs
import Raster
import Testing

@Test func scratchExplore() throws {
    let root = "/work/shared/corpus/"
    let manifest = try String(contentsOfFile: root + "MANIFEST.tsv", encoding: .utf8)
    for line in manifest.split(separator: "\n").dropFirst() {
        let cols = line.split(separator: "\t", omittingEmptySubsequences: false).map(String.init)
        guard cols[7] == "image" else { continue }
        let data = try Data(contentsOf: URL(fileURLWithPath: root + cols[0]))
        let t0 = Date()
        do {
            let img = try ImageDecoder.decode(data, options: DecodeOptions(acceptMultiPage: true))
            print("OK   \(cols[5]) \(cols[0]) \(img.info.width)x\(img.info.height) \(img.info.colorType) bps=\(img.info.bitsPerSample) spp=\(img.info.samplesPerPixel) \(img.info.compression) frames=\(img.info.frames) layout=\(img.bitmap.layout) conv=\(img.converted) res=\(String(describing: img.info.resolution)) icc=\(img.info.iccProfile?.count ?? 0) t=\(Date().timeIntervalSince(t0))")
        } catch {
            print("ERR  \(cols[5]) \(cols[0]) \(error.code): \(error.message)")
        }
    }
}
