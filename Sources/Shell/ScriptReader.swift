import Foundation

/// Runs a script as it is read (a file, a pipe or standard input): each statement runs as
/// soon as its last line arrives, so `yes 'print 1' | ddcal` prints at once and holds only the
/// statement being read. Lines count through the whole input, so diagnostics point at the
/// physical line. The script stops at the first error, syntax errors included (statements
/// before it have already run).
///
/// Reading polls the descriptor with a timeout, so Ctrl-C stops a script that is waiting for
/// input too (exit status 130).
public final class ScriptReader {
  /// The longest entry (one statement with its continuation lines) accepted, in bytes:
  /// endless input without a newline stops with a syntax error instead of filling memory.
  public static let maximumEntryBytes = 16 << 20

  private let lines: LineSource
  private let name: String
  private let runner: Runner

  /// A reader of the open descriptor `fd` (not closed here), naming the source `name`.
  public init(fileDescriptor fd: Int32, name: String, runner: Runner) {
    self.lines = LineSource(fileDescriptor: fd, limit: Self.maximumEntryBytes)
    self.name = name
    self.runner = runner
  }

  /// Reads and runs until end of input, an error, an interrupt or `quit`.
  /// - Returns: the exit status (0, 65, 70, 130 or `quit`'s).
  public func run() -> Int32 {
    var scanner = EntryScanner()
    var text: [UInt8] = []
    var firstLine = 1
    var lineNumber = 0
    while true {
      let read = lines.next()
      switch read {
      case .interrupted:
        Interrupt.clear()
        return report(.interrupted(at: "line \(lineNumber + 1) of \(name) while reading"))
      case .failed(let message):
        return report(.io(path: name, message: message))
      case .tooLong:
        return report(tooLong(firstLine))
      case .end:
        guard !text.isEmpty else { return 0 }
        return finish(run(text, firstLine: firstLine, final: true))
      case .line(let line):
        lineNumber += 1
        if text.isEmpty && EntryScanner.isBlank(line) {
          firstLine = lineNumber + 1
          continue
        }
        if !text.isEmpty { text.append(0x0A) }
        text += line
        guard text.count <= Self.maximumEntryBytes else { return report(tooLong(firstLine)) }
        scanner.scan(line)
        guard scanner.mayBeComplete else { continue }
        switch run(text, firstLine: firstLine, final: false) {
        case .incomplete: continue
        case .ran(let outcome):
          if outcome != .success { return outcome.exitStatus }
          if runner.interpreter.exitRequest != nil { return 0 }
        }
        text = []
        scanner = EntryScanner()
        firstLine = lineNumber + 1
      }
    }
  }

  private enum Step {
    case incomplete
    case ran(Runner.Outcome)
  }

  /// Parses the pending entry and runs it unless more lines could still complete it.
  private func run(_ bytes: [UInt8], firstLine: Int, final: Bool) -> Step {
    let source = Source(
      name: name, text: String(decoding: bytes, as: UTF8.self), firstLine: firstLine)
    let parsed = Parser.parse(source)
    if parsed.isIncomplete && !final { return .incomplete }
    return .ran(runner.run(parsed, source: source))
  }

  private func tooLong(_ line: Int) -> ShellError {
    .expected(
      "a statement of at most \(Self.maximumEntryBytes) bytes",
      found: "a longer one starting at line \(line)")
  }

  private func finish(_ step: Step) -> Int32 {
    guard case .ran(let outcome) = step else { return 0 }
    return outcome.exitStatus
  }

  private func report(_ error: ShellError) -> Int32 {
    let output = runner.interpreter.output
    if case .interrupted = error {
      output.error("\(error)\n")
    } else {
      output.error("\(name): error: \(error)\n")
    }
    return error.category.exitStatus
  }
}

/// Tracks open brackets, blocks and strings across lines, so the reader parses an entry only
/// when it could be complete: a long bracketed list or block then costs one parse, not one per
/// line. It only decides when to try; the parser has the last word.
struct EntryScanner {
  private var depth = 0
  private var quote: UInt8?
  private var escaped = false
  private var endsWithOperator = false

  /// True when no bracket, block or string is open and the last line does not end in an
  /// operator that continues the statement.
  var mayBeComplete: Bool { depth <= 0 && quote == nil && !endsWithOperator }

  /// Updates the state with one line (without its newline).
  mutating func scan(_ line: [UInt8]) {
    var last: UInt8 = 0
    for byte in line {
      if let open = quote {
        if escaped {
          escaped = false
        } else if byte == 0x5C {
          escaped = true
        } else if byte == open {
          quote = nil
        }
        last = 0x22
        continue
      }
      switch byte {
      case 0x23: break  // '#' starts a comment
      case 0x22, 0x27: quote = byte
      case 0x28, 0x5B, 0x7B: depth += 1
      case 0x29, 0x5D, 0x7D: depth -= 1
      default: break
      }
      if byte == 0x23 { break }
      if byte != 0x20 && byte != 0x09 && byte != 0x0D { last = byte }
    }
    endsWithOperator = quote == nil && Array("+-*/%^=<>:,.".utf8).contains(last)
  }

  /// True for a line of blanks only.
  static func isBlank(_ line: [UInt8]) -> Bool {
    line.allSatisfy { $0 == 0x20 || $0 == 0x09 || $0 == 0x0D }
  }
}

/// Lines of a file descriptor, read in chunks as they arrive. Waiting polls with a timeout so
/// Ctrl-C is noticed even when no input comes (the SIGINT handler restarts blocked reads).
final class LineSource {
  enum Read {
    case line([UInt8])
    case end
    case interrupted
    case tooLong
    case failed(String)
  }

  private let fd: Int32
  private let limit: Int
  private var buffer: [UInt8] = []
  private var start = 0
  /// Where the search for the next newline resumes (bytes before it hold none).
  private var scanned = 0
  private var atEnd = false

  init(fileDescriptor fd: Int32, limit: Int) {
    self.fd = fd
    self.limit = limit
  }

  /// The next line without its newline; the last line need not end in one.
  func next() -> Read {
    while true {
      if let newline = buffer[max(start, scanned)...].firstIndex(of: 0x0A) {
        defer {
          start = newline + 1
          scanned = start
        }
        return .line(Array(buffer[start..<newline]))
      }
      scanned = buffer.count
      if atEnd {
        guard start < buffer.count else { return .end }
        defer { start = buffer.count }
        return .line(Array(buffer[start...]))
      }
      if buffer.count - start > limit { return .tooLong }
      if let stop = fill() { return stop }
    }
  }

  /// Reads one chunk into the buffer; non-nil when reading must stop.
  private func fill() -> Read? {
    if start > 0 {
      buffer.removeSubrange(0..<start)
      scanned -= start
      start = 0
    }
    var poller = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
    while true {
      if Interrupt.isRequested { return .interrupted }
      let ready = poll(&poller, 1, 100)
      if ready > 0 { break }
      if ready < 0 && errno != EINTR { return .failed(String(cString: strerror(errno))) }
    }
    var chunk = [UInt8](repeating: 0, count: 1 << 16)
    let n = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
    if n < 0 {
      if errno == EINTR || errno == EAGAIN { return nil }
      return .failed(String(cString: strerror(errno)))
    }
    if n == 0 { atEnd = true }
    buffer += chunk[0..<n]
    return nil
  }
}
