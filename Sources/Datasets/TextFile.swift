/// Text files written the way every ddcal file is: atomically (a temporary file beside the
/// target, then rename(2)), so a crash never leaves a half-written table.
public enum TextFile {
  /// Writes `text` as UTF-8 to `path`, replacing it atomically.
  /// - Throws: `DatasetError.writeFailed` naming the path and the system's reason.
  public static func write(_ text: String, to path: String) throws(DatasetError) {
    try FileIO.writeAtomically(Array(text.utf8), to: path)
  }
}
