import Foundation

/// Creates the session folder on first use and feeds it statements.
///
/// Recording never stops the shell: if the folder cannot be written, one warning is printed
/// and recording is switched off for the rest of the run.
public final class SessionRecorder {
  /// The sessions directory, or nil when recording is off (`--no-session`).
  public let parentDirectory: URL?
  /// The open session, once something has been recorded.
  public private(set) var session: Session?
  private var pendingName: String?
  private let seed: () -> UInt64
  private let clock: () -> Date
  private var failed = false

  /// A recorder writing under `parentDirectory` (nil disables recording).
  /// - Parameters:
  ///   - name: the initial session name (`session "name"` can change it later).
  ///   - seed: the global seed at the moment the folder is created.
  ///   - clock: the current time; tests inject a fixed one.
  public init(
    parentDirectory: URL?, name: String? = nil, seed: @escaping () -> UInt64,
    clock: @escaping () -> Date = Date.init
  ) {
    self.parentDirectory = parentDirectory
    self.pendingName = name
    self.seed = seed
    self.clock = clock
  }

  /// True while sessions are being written.
  public var isEnabled: Bool { parentDirectory != nil && !failed }

  /// The session, created now if needed; nil when recording is off.
  /// - Throws: `ShellError.io` if the folder cannot be created (recording then stops).
  public func current() throws -> Session? {
    if let session { return session }
    guard let parentDirectory, !failed else { return nil }
    do {
      let created = try Session(
        parent: parentDirectory, name: pendingName, date: clock(), seed: seed())
      session = created
      return created
    } catch {
      failed = true
      throw error
    }
  }

  /// Names the session: renames the folder if it exists, else names it when created.
  /// - Throws: `ShellError.io` when the rename fails.
  public func name(_ name: String) throws {
    pendingName = name
    try session?.rename(to: name)
  }

  /// Records one statement; on failure prints a warning through `output` and stops recording.
  func record(
    statement: String, output text: String, replayable: Bool, replay: String? = nil,
    warnings: Output
  ) {
    do {
      try current()?.record(
        statement: statement, output: text, replayable: replayable, replay: replay)
    } catch {
      failed = true
      session = nil
      warnings.error("warning: session recording stopped: \(error)\n")
    }
  }
}
