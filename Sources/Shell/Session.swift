import Foundation
import TensorCore

/// One recorded session folder: `Sessions/<YYYY-MM-DD-HHMMSS>[-name]/` holding
/// `transcript.md` (every statement in a ```ddcal block, its output, embedded figures) and
/// `session.ddc` (the statements that succeeded, replayable with `ddcal session.ddc`).
///
/// Both files are created whole and atomically (temp file + rename), then appended to and
/// flushed after every statement, so killing the process loses nothing already shown.
public final class Session {
  /// The folder; changes when the session is named.
  public private(set) var directory: URL
  /// The timestamp part of the folder name.
  private let stamp: String
  private let transcript: FileHandle
  private let script: FileHandle
  private var pendingFigures: [String] = []

  /// The transcript file.
  public var transcriptURL: URL { directory.appendingPathComponent("transcript.md") }
  /// The replay script.
  public var scriptURL: URL { directory.appendingPathComponent("session.ddc") }

  /// Creates a new session folder under `parent` (created if missing).
  /// - Parameters:
  ///   - parent: the sessions directory, `./Sessions` by default.
  ///   - name: appended to the timestamp when given.
  ///   - date: the start time, which names the folder.
  ///   - seed: the global seed, written at the top of `session.ddc` so replays match.
  /// - Throws: `ShellError.io` when the folder or files cannot be created.
  public init(parent: URL, name: String?, date: Date, seed: UInt64) throws {
    stamp = Self.stamp(date)
    let fileManager = FileManager.default
    do {
      try WriteGuard.check(directory: parent.path)
      try fileManager.createDirectory(at: parent, withIntermediateDirectories: true)
      directory = try Self.createUniqueDirectory(in: parent, base: Self.folderName(stamp, name))
      let header =
        "# ddcal session\n\nStarted \(Self.humanDate(date)) · seed \(seed)"
        + " · ddcal \(ShellInfo.version)\n"
      let scriptHeader = "# ddcal session script; replay with: ddcal session.ddc\nseed \(seed)\n"
      try AtomicFile.write(header, to: directory.appendingPathComponent("transcript.md"))
      try AtomicFile.write(scriptHeader, to: directory.appendingPathComponent("session.ddc"))
      transcript = try Self.appending(directory.appendingPathComponent("transcript.md"))
      script = try Self.appending(directory.appendingPathComponent("session.ddc"))
    } catch let error as ShellError {
      throw error
    } catch let refusal as WriteGuard.Refusal {
      throw ShellError.io(path: parent.path, message: refusal.reason)
    } catch {
      throw ShellError.io(path: parent.path, message: error.localizedDescription)
    }
  }

  deinit {
    try? transcript.close()
    try? script.close()
  }

  // MARK: - Recording

  /// Appends one statement, its output and any figures attached while it ran.
  /// - Parameters:
  ///   - replayable: also append the statement to `session.ddc`.
  ///   - replay: what to append to `session.ddc` instead (an interrupted command rewritten
  ///     to stop where it stopped, or a `seed` line that keeps the random streams in step).
  public func record(
    statement: String, output: String, replayable: Bool, replay: String? = nil
  ) throws {
    var block = "\n" + Self.fenced(statement, info: "ddcal")
    if !output.isEmpty { block += "\n" + Self.fenced(output, info: "text") }
    for figure in pendingFigures { block += "\n![](\(figure))\n" }
    pendingFigures = []
    try append(block, to: transcript)
    if let replay {
      try append(replay + "\n", to: script)
    } else if replayable {
      try append(statement + "\n", to: script)
    }
  }

  /// Embeds the image at `path` after the current statement's output, copying it into the
  /// session folder first when it lives elsewhere.
  /// - Returns: the file name used inside the folder.
  /// - Throws: `ShellError.io` when the copy fails.
  @discardableResult
  public func attachFigure(_ path: String) throws -> String {
    let source = URL(fileURLWithPath: path).standardizedFileURL
    let name = source.lastPathComponent
    let target = directory.appendingPathComponent(name).standardizedFileURL
    if source.path != target.path {
      do {
        if FileManager.default.fileExists(atPath: target.path) {
          try FileManager.default.removeItem(at: target)
        }
        try FileManager.default.copyItem(at: source, to: target)
      } catch {
        throw ShellError.io(path: path, message: error.localizedDescription)
      }
    }
    pendingFigures.append(name)
    return name
  }

  /// `path` as the user should read it: relative to `directory` (the working directory)
  /// when it lies inside it, so transcripts do not carry one machine's absolute paths.
  public static func displayPath(
    _ path: String, relativeTo directory: String = FileManager.default.currentDirectoryPath
  ) -> String {
    let base = directory.hasSuffix("/") ? directory : directory + "/"
    return path.hasPrefix(base) && path.count > base.count
      ? String(path.dropFirst(base.count)) : path
  }

  /// Where a plot command should write a new figure called `name` ("reliability.png").
  public func figureURL(named name: String) -> URL {
    directory.appendingPathComponent(name)
  }

  /// Renames the folder to `<timestamp>-<name>` (an atomic rename; open files follow).
  /// - Throws: `ShellError.io` when the rename fails.
  public func rename(to name: String) throws {
    let parent = directory.deletingLastPathComponent()
    let target = parent.appendingPathComponent(Self.folderName(stamp, name))
    guard target.path != directory.path else { return }
    do {
      try FileManager.default.moveItem(at: directory, to: target)
      directory = target
    } catch {
      throw ShellError.io(path: target.path, message: error.localizedDescription)
    }
  }

  // MARK: - Helpers

  private func append(_ text: String, to handle: FileHandle) throws {
    do {
      try handle.write(contentsOf: Data(text.utf8))
    } catch {
      throw ShellError.io(path: directory.path, message: error.localizedDescription)
    }
  }

  private static func appending(_ url: URL) throws -> FileHandle {
    let handle = try FileHandle(forWritingTo: url)
    try handle.seekToEnd()
    return handle
  }

  /// A Markdown fenced block whose fence is longer than any backtick run inside `text`.
  public static func fenced(_ text: String, info: String) -> String {
    var longest = 0
    var run = 0
    for c in text {
      run = c == "`" ? run + 1 : 0
      longest = max(longest, run)
    }
    let fence = String(repeating: "`", count: max(3, longest + 1))
    let body = text.hasSuffix("\n") ? text : text + "\n"
    return fence + info + "\n" + body + fence + "\n"
  }

  /// The timestamp that starts a session folder's name: `2025-06-01-142530`, local time.
  public static func stamp(_ date: Date) -> String {
    let formatter = DateFormatter()
    formatter.locale = Locale(identifier: "en_US_POSIX")
    formatter.dateFormat = "yyyy-MM-dd-HHmmss"
    return formatter.string(from: date)
  }

  private static func humanDate(_ date: Date) -> String {
    let formatter = DateFormatter()
    formatter.locale = Locale(identifier: "en_US_POSIX")
    formatter.dateFormat = "yyyy-MM-dd HH:mm:ss"
    return formatter.string(from: date)
  }

  /// `<stamp>` or `<stamp>-<name>`, with the name reduced to safe file-name characters.
  static func folderName(_ stamp: String, _ name: String?) -> String {
    guard let name, !name.isEmpty else { return stamp }
    let safe = String(name.map { $0.isLetter || $0.isNumber || "._-".contains($0) ? $0 : "-" })
    return stamp + "-" + safe
  }

  /// Creates `base`, or `base-2`, `base-3`, … when it exists (two runs in one second).
  private static func createUniqueDirectory(in parent: URL, base: String) throws -> URL {
    var attempt = 1
    while true {
      let name = attempt == 1 ? base : "\(base)-\(attempt)"
      let url = parent.appendingPathComponent(name)
      if !FileManager.default.fileExists(atPath: url.path) {
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: false)
        return url
      }
      attempt += 1
    }
  }
}

/// Whole-file writes that readers never see half done: write a temp file, then rename.
public enum AtomicFile {
  /// Writes `text` to `url` atomically.
  /// - Throws: `ShellError.io` on failure.
  public static func write(_ text: String, to url: URL) throws {
    try write(Data(text.utf8), to: url)
  }

  /// Writes `data` to `url` atomically.
  /// - Throws: `ShellError.io` on failure.
  public static func write(_ data: Data, to url: URL) throws {
    try FileReplacement.replace(
      url.path, failure: { ShellError.io(path: url.path, message: $0) }
    ) { (temporary: String) throws(ShellError) in
      do {
        try data.write(to: URL(fileURLWithPath: temporary))
      } catch {
        throw ShellError.io(path: url.path, message: error.localizedDescription)
      }
    }
  }
}
