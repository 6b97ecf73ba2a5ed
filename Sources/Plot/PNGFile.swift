import CPNG
import Foundation
import TensorCore

/// PNG files through libpng's simplified API (`png_image_*`), which reports errors in a message
/// field instead of longjmp. The encoder writes no time chunk, so the same pixels always give
/// the same bytes.
public enum PNGFile {
  /// Writes `image` to `path` atomically (a temporary file beside it, then a rename).
  /// - Parameters:
  ///   - image: the pixels; written as RGB when every alpha is 255, else RGBA.
  ///   - path: the destination; its directory must exist.
  /// - Throws: `PlotError.writeFailed` with libpng's or the system's message.
  public static func write(_ image: RasterImage, to path: String) throws(PlotError) {
    let opaque = stride(from: 3, to: image.pixels.count, by: 4).allSatisfy {
      image.pixels[$0] == 255
    }
    let bytes = opaque ? rgb(image.pixels) : image.pixels
    try write(
      bytes: bytes, width: image.width, height: image.height, channels: opaque ? 3 : 4,
      to: path)
  }

  /// Writes 8-bit pixel rows (`channels` = 1 grey, 3 RGB or 4 RGBA) to `path` atomically.
  static func write(
    bytes: [UInt8], width: Int, height: Int, channels: Int, to path: String
  ) throws(PlotError) {
    guard width > 0, height > 0 else {
      throw .writeFailed(path: path, reason: "empty image (\(width)×\(height))")
    }
    try AtomicFile.write(path) { (temporary: String) throws(PlotError) in
      var png = png_image()
      png.version = UInt32(PNG_IMAGE_VERSION)
      png.width = UInt32(width)
      png.height = UInt32(height)
      png.format = format(channels: channels)
      let ok = bytes.withUnsafeBytes { raw in
        png_image_write_to_file(&png, temporary, 0, raw.baseAddress, Int32(width * channels), nil)
      }
      if ok == 0 {
        let reason = message(&png)
        png_image_free(&png)
        throw .writeFailed(path: path, reason: reason)
      }
    }
  }

  /// Reads `path` as 8-bit RGBA, whatever its stored format.
  /// - Throws: `PlotError.readFailed` with libpng's message.
  public static func read(_ path: String) throws(PlotError) -> RasterImage {
    var png = png_image()
    png.version = UInt32(PNG_IMAGE_VERSION)
    guard png_image_begin_read_from_file(&png, path) != 0 else {
      let reason = message(&png)
      png_image_free(&png)
      throw .readFailed(path: path, reason: reason)
    }
    png.format = format(channels: 4)
    let (width, height) = (Int(png.width), Int(png.height))
    var pixels = [UInt8](repeating: 0, count: width * height * 4)
    let ok = pixels.withUnsafeMutableBytes { raw in
      png_image_finish_read(&png, nil, raw.baseAddress, Int32(width * 4), nil)
    }
    guard ok != 0 else {
      let reason = message(&png)
      png_image_free(&png)
      throw .readFailed(path: path, reason: reason)
    }
    return try RasterImage(width: width, height: height, pixels: pixels)
  }

  /// libpng's format flags for 8-bit pixels with `channels` channels.
  static func format(channels: Int) -> UInt32 {
    switch channels {
    case 1: return 0
    case 3: return UInt32(PNG_FORMAT_FLAG_COLOR)
    default: return UInt32(PNG_FORMAT_FLAG_COLOR | PNG_FORMAT_FLAG_ALPHA)
    }
  }

  /// The RGBA bytes without their alpha.
  static func rgb(_ rgba: [UInt8]) -> [UInt8] {
    var out = [UInt8](repeating: 0, count: rgba.count / 4 * 3)
    for p in 0..<(rgba.count / 4) {
      out[p * 3] = rgba[p * 4]
      out[p * 3 + 1] = rgba[p * 4 + 1]
      out[p * 3 + 2] = rgba[p * 4 + 2]
    }
    return out
  }

  /// libpng's error text (a NUL-terminated `char[64]` inside the struct).
  static func message(_ png: inout png_image) -> String {
    withUnsafeBytes(of: &png.message) { raw in
      let text = raw.prefix { $0 != 0 }
      return text.isEmpty ? "unknown libpng error" : String(decoding: text, as: UTF8.self)
    }
  }
}

/// Atomic file replacement: write a temporary file in the destination's directory, then
/// rename(2) it over the destination, so readers never see a partial file.
enum AtomicFile {
  /// Calls `body` with a fresh temporary path beside `path`, then renames it onto `path`.
  /// On any failure the temporary file is removed and `path` is untouched.
  static func write(
    _ path: String, _ body: (String) throws(PlotError) -> Void
  ) throws(PlotError) {
    try FileReplacement.replace(path, failure: { .writeFailed(path: path, reason: $0) }, body)
  }

  /// Writes `bytes` to a new file at `path` (a temporary name; errors name `shown`).
  static func writeBytes(
    _ bytes: [UInt8], to path: String, reportingAs shown: String
  )
    throws(PlotError)
  {
    guard let file = fopen(path, "wb") else {
      throw .writeFailed(path: shown, reason: String(cString: strerror(errno)))
    }
    let written = bytes.withUnsafeBytes { fwrite($0.baseAddress, 1, $0.count, file) }
    let closed = fclose(file)
    guard written == bytes.count, closed == 0 else {
      throw .writeFailed(path: shown, reason: String(cString: strerror(errno)))
    }
  }
}
