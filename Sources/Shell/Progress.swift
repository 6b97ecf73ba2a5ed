import Foundation

/// How a `Progress` reporter shows itself.
public enum ProgressStyle: Sendable, Equatable {
  /// One line on standard error, redrawn in place (carriage return) at most every `interval`
  /// seconds: for terminals.
  case terminal(interval: Double)
  /// A plain line every `interval` seconds and one at the end: for pipes and logs.
  case lines(interval: Double)
  /// Nothing (`--quiet`).
  case silent
}

/// A progress line with ETA for long commands (training, distillation, t-SNE).
///
/// Created by `CommandContext.progress(_:total:unit:)`, which picks the style for the
/// current output. Call `update` or `advance` as work completes, then `finish`. Progress
/// lines go to standard error and are not recorded in the transcript.
///
///     let bar = context.progress("train", total: epochs * steps, unit: "step")
///     for … { …; bar.advance(status: "loss \(loss)") }
///     bar.finish()
public final class Progress {
  /// Shown first on the line.
  public let label: String
  /// Units of work in all; nil when unknown (no percentage or ETA).
  public let total: Int?
  /// What one unit is called: "step", "epoch", "image".
  public let unit: String
  /// Units completed so far.
  public private(set) var completed = 0
  private let style: ProgressStyle
  private let output: Output
  private let clock: () -> Double
  private let start: Double
  private var lastDrawn: Double
  private var status: String?

  /// A reporter drawing into `output` in `style`; `clock` returns seconds (tests inject one).
  public init(
    label: String, total: Int?, unit: String = "step", style: ProgressStyle, output: Output,
    clock: @escaping () -> Double = Progress.monotonicSeconds
  ) {
    self.label = label
    self.total = total
    self.unit = unit
    self.style = style
    self.output = output
    self.clock = clock
    start = clock()
    lastDrawn = start
  }

  /// Seconds from a monotonic clock.
  public static func monotonicSeconds() -> Double {
    Double(DispatchTime.now().uptimeNanoseconds) / 1e9
  }

  /// Records that `completed` units are done, with an optional status ("loss 0.53").
  public func update(_ completed: Int, status: String? = nil) {
    self.completed = completed
    if let status { self.status = status }
    let now = clock()
    switch style {
    case .terminal(let interval) where now - lastDrawn >= interval:
      output.transient("\r" + line(now: now, bar: true) + "\u{1B}[K", overwritable: true)
      lastDrawn = now
    case .lines(let interval) where now - lastDrawn >= interval:
      output.transient(line(now: now, bar: false) + "\n", overwritable: false)
      lastDrawn = now
    default:
      break
    }
  }

  /// Records `count` more units.
  public func advance(by count: Int = 1, status: String? = nil) {
    update(completed + count, status: status)
  }

  /// Ends the line: erased on a terminal, a final plain line otherwise.
  public func finish(status: String? = nil) {
    if let status { self.status = status }
    switch style {
    case .terminal: output.clearTransient()
    case .lines: output.transient(line(now: clock(), bar: false) + "\n", overwritable: false)
    case .silent: break
    }
  }

  /// The text of one progress line.
  func line(now: Double, bar: Bool) -> String {
    let elapsed = now - start
    var parts: [String] = []
    if let total, total > 0 {
      let fraction = min(1, Double(completed) / Double(total))
      let count = "\(completed)/\(total) \(unit) \(Int(fraction * 100))%"
      parts.append(bar ? Self.bar(fraction) + " " + count : count)
      parts.append(Self.clock(elapsed) + " elapsed")
      if completed > 0, completed < total {
        let remaining = elapsed * Double(total - completed) / Double(completed)
        parts.append("ETA " + Self.clock(remaining))
      }
    } else {
      parts.append("\(completed) \(unit)")
      parts.append(Self.clock(elapsed) + " elapsed")
    }
    if let status { parts.append(status) }
    return label + " " + parts.joined(separator: " · ")
  }

  /// `[=======>      ]`, 20 cells wide.
  static func bar(_ fraction: Double) -> String {
    let width = 20
    let filled = Int(fraction * Double(width))
    let head = filled < width ? ">" : ""
    let body = String(repeating: "=", count: filled) + head
    return "[" + body + String(repeating: " ", count: width - body.count) + "]"
  }

  /// A duration as `m:ss`, or `h:mm:ss` from an hour up.
  public static func clock(_ seconds: Double) -> String {
    let whole = Int(max(0, seconds.isFinite ? seconds : 0).rounded())
    let (hours, minutes, secs) = (whole / 3600, whole / 60 % 60, whole % 60)
    let tail = String(format: "%02d", secs)
    return hours > 0
      ? "\(hours):" + String(format: "%02d", minutes) + ":" + tail
      : "\(minutes):" + tail
  }
}
