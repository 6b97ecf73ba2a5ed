@preconcurrency import CEditLine
import Foundation

/// Reads lines from the terminal with libedit's readline-compatible API: line editing,
/// history persisted to a file, and tab completion through a `Completer`.
///
/// libedit's callbacks are C function pointers that cannot capture context, so the active
/// completion function and its matches live in file-level state (only one reader is ever
/// active, on the main thread).
public final class EditLineReader: LineReader {
  private let historyPath: String?
  private let warn: (String) -> Void
  private var warnedAboutHistory = false

  /// A reader that loads and saves history at `historyPath` and completes with `complete`
  /// (given the line up to the cursor and the cursor's character offset).
  /// - Parameter warn: receives the one warning printed when the history cannot be saved.
  public init(
    historyPath: String?, warn: @escaping (String) -> Void = { _ in },
    complete: @escaping (String, Int) -> Completion
  ) {
    self.historyPath = historyPath
    self.warn = warn
    Self.useCharacterLocale()
    EditLineState.complete = complete
    rl_readline_name = EditLineState.name
    // Words end only at blanks and ';' so `fm.tr`, `epochs=` and `"data/x` reach the
    // completer whole; it decides where the replaced part starts.
    rl_basic_word_break_characters = EditLineState.wordBreaks
    rl_completer_word_break_characters = UnsafeMutablePointer(mutating: EditLineState.wordBreaks)
    rl_attempted_completion_function = EditLineState.attempt
    using_history()
    stifle_history(1000)
    if let historyPath { _ = read_history(historyPath) }
  }

  /// The default history file: `$DDCAL_HISTORY`, else `$HOME/.ddcal_history` (the
  /// account's home directory when HOME is unset).
  public static var defaultHistoryPath: String {
    historyPath(environment: ProcessInfo.processInfo.environment)
  }

  /// The history file for `environment` (see `defaultHistoryPath`).
  public static func historyPath(environment: [String: String]) -> String {
    if let path = environment["DDCAL_HISTORY"], !path.isEmpty { return path }
    let home = environment["HOME"].flatMap { $0.isEmpty ? nil : $0 } ?? NSHomeDirectory()
    return (home as NSString).appendingPathComponent(".ddcal_history")
  }

  /// Makes libedit decode the terminal's bytes as UTF-8 characters. Without a locale it
  /// runs in the C locale and drops every byte above 127, so "aé日b" would arrive as "ab".
  /// The environment's locale is used when it is UTF-8, else C.UTF-8.
  static func useCharacterLocale() {
    _ = setlocale(LC_CTYPE, "")
    if let codeset = nl_langinfo(nl_item(CODESET)), String(cString: codeset) == "UTF-8" { return }
    _ = setlocale(LC_CTYPE, "C.UTF-8")
  }

  /// Reads a line. libedit's readline() returns NULL for both Ctrl-D and Ctrl-C at the
  /// prompt; the interrupt flag set by the SIGINT handler tells them apart.
  public func readLine(prompt: String) -> LineInput {
    Interrupt.clear()
    guard let raw = readline(prompt) else {
      if Interrupt.isRequested {
        Interrupt.clear()
        try? FileHandle.standardOutput.write(contentsOf: Data("\n".utf8))
        return .interrupt
      }
      return .end
    }
    defer { free(raw) }
    Interrupt.clear()
    return .line(String(cString: raw))
  }

  /// Adds the trimmed line to history and saves the history file.
  public func addHistory(_ line: String) {
    // Completion appends a space after a completed word; keep history entries tidy.
    let trimmed = line.trimmingCharacters(in: .whitespaces)
    guard !trimmed.isEmpty else { return }
    add_history(trimmed)
    saveHistory()
  }

  /// Writes the history file; the first failure prints one warning, later ones nothing.
  func saveHistory() {
    guard let historyPath else { return }
    let status = write_history(historyPath)
    guard status != 0, !warnedAboutHistory else { return }
    warnedAboutHistory = true
    let reason = String(cString: strerror(status > 0 ? status : errno))
    warn(
      "warning: cannot write the history file \(historyPath): \(reason); history is not saved "
        + "(set DDCAL_HISTORY to another file)\n")
  }
}

/// File-level state for the C callbacks.
private enum EditLineState {
  nonisolated(unsafe) static var complete: ((String, Int) -> Completion)?
  nonisolated(unsafe) static var matches: [String] = []
  nonisolated(unsafe) static var nextMatch = 0
  static let name = permanentCString("ddcal")
  static let wordBreaks = permanentCString(" \t\n;")

  /// A C string that lives for the whole process, for libedit's `const char *` globals.
  static func permanentCString(_ text: String) -> UnsafePointer<CChar> {
    let bytes = text.utf8CString
    let storage = UnsafeMutablePointer<CChar>.allocate(capacity: bytes.count)
    bytes.withUnsafeBufferPointer { source in
      guard let base = source.baseAddress else { return }
      storage.initialize(from: base, count: bytes.count)
    }
    return UnsafePointer(storage)
  }

  /// Hands out `matches` one by one, as readline's generator protocol requires.
  static let generate:
    @convention(c) (UnsafePointer<CChar>?, Int32) -> UnsafeMutablePointer<
      CChar
    >? = { _, state in
      if state == 0 { nextMatch = 0 }
      guard nextMatch < matches.count else { return nil }
      defer { nextMatch += 1 }
      return strdup(matches[nextMatch])
    }

  /// libedit's entry point: `text` is the word before the cursor, ending at `end`.
  static let attempt:
    @convention(c) (UnsafePointer<CChar>?, Int32, Int32) -> UnsafeMutablePointer<
      UnsafeMutablePointer<CChar>?
    >? = { text, _, end in
      rl_attempted_completion_over = 1
      guard let complete, let buffer = rl_line_buffer, let text else { return nil }
      let line = String(cString: buffer)
      let cursor = min(Int(end), line.count)
      let prefix = String(line.prefix(cursor))
      let word = String(cString: text)
      matches = rebase(complete(prefix, cursor), prefix: prefix, wordStart: cursor - word.count)
      guard !matches.isEmpty else { return nil }
      let single = matches.count == 1 ? matches[0] : ""
      let open = single.hasSuffix("=") || single.hasSuffix("/") || single.hasSuffix(".")
      rl_completion_append_character = single.isEmpty || open ? 0 : 32
      return rl_completion_matches(text, generate)
    }

  /// Rewrites candidates that replace from `completion.start` into candidates for libedit's
  /// word, which starts at `wordStart`.
  static func rebase(_ completion: Completion, prefix: String, wordStart: Int) -> [String] {
    let characters = Array(prefix)
    return completion.candidates.compactMap { candidate in
      if completion.start >= wordStart {
        let lead = characters[max(0, wordStart)..<min(completion.start, characters.count)]
        return String(lead) + candidate
      }
      let skipped = String(characters[completion.start..<wordStart])
      return candidate.hasPrefix(skipped) ? String(candidate.dropFirst(skipped.count)) : nil
    }
  }
}
