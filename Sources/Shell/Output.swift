import Foundation

/// The one sink for everything the shell prints, so that it is both shown and recorded.
///
/// `write` goes to standard output, `error` to standard error; both are captured for the
/// session transcript while a capture is open. `transient` is for progress lines: shown on
/// standard error, never recorded, and erased before the next ordinary write.
public final class Output {
  private let standardOutput: (String) -> Void
  private let standardError: (String) -> Void
  private var captured = ""
  private var written = 0
  /// True while a carriage-return progress line is on screen.
  private var transientVisible = false

  /// An output that forwards to two text sinks (files, or buffers in tests).
  public init(
    standardOutput: @escaping (String) -> Void, standardError: @escaping (String) -> Void
  ) {
    self.standardOutput = standardOutput
    self.standardError = standardError
  }

  /// Output to the process's standard output and error, unbuffered. Write failures (a
  /// closed pipe) are ignored rather than trapping.
  public static func standard() -> Output {
    Output(
      standardOutput: { try? FileHandle.standardOutput.write(contentsOf: Data($0.utf8)) },
      standardError: { try? FileHandle.standardError.write(contentsOf: Data($0.utf8)) })
  }

  /// Writes `text` to standard output and records it.
  public func write(_ text: String) {
    clearTransient()
    standardOutput(text)
    captured += text
    written += text.utf8.count
  }

  /// Writes `line` and a newline.
  public func line(_ line: String = "") {
    write(line + "\n")
  }

  /// Writes `text` (diagnostics, warnings) to standard error and records it.
  public func error(_ text: String) {
    clearTransient()
    standardError(text)
    captured += text
  }

  /// Shows a progress line on standard error without recording it. `text` should start with
  /// "\r" on a terminal so the next update overwrites it.
  public func transient(_ text: String, overwritable: Bool) {
    standardError(text)
    transientVisible = overwritable
  }

  /// Erases a visible progress line ("\r", then clear to end of line).
  public func clearTransient() {
    guard transientVisible else { return }
    standardError("\r\u{1B}[K")
    transientVisible = false
  }

  /// Starts recording a new statement's output and returns the previous recording.
  @discardableResult
  func takeCaptured() -> String {
    defer { captured = "" }
    return captured
  }

  /// A counter that grows with every byte written to standard output; commands that print
  /// their own result are detected by comparing it before and after.
  var writeCount: Int { written }
}
