import Foundation
import TensorCore

/// Runs one target over mutated inputs and counts the outcomes.
///
/// A crash ends the process, so the input about to run is always on disk first (in the
/// scratch directory, reported as the reproducer); a watchdog thread reports any input that
/// runs longer than `hangSeconds` and stops the process.
public struct FuzzRun {
  /// What a run saw.
  public struct Report: Sendable, CustomStringConvertible {
    public var target: FuzzTarget
    public var inputs = 0
    /// Inputs read without error.
    public var accepted = 0
    /// Inputs rejected with an error (the expected outcome for most mutations).
    public var rejected = 0
    /// Always 0 in a report: a crash or hang stops the process before a report exists.
    public var crashes = 0
    public var hangs = 0
    public var seconds = 0.0

    public var description: String {
      String(
        format: "%@: %d inputs, %d crashes, %d hangs (%d rejected with an error, %d accepted)"
          + " in %.1f s", target.rawValue, inputs, crashes, hangs, rejected, accepted, seconds)
    }
  }

  public var target: FuzzTarget
  public var count: Int
  public var seed: UInt64
  /// The longest one input may take before it counts as a hang.
  public var hangSeconds = 10.0

  public init(target: FuzzTarget, count: Int, seed: UInt64 = 0) {
    self.target = target
    self.count = count
    self.seed = seed
  }

  /// Runs the inputs in `scratch` (a directory the run may fill and leaves holding only the
  /// last input).
  /// - Throws: when the seeds cannot be made.
  public func run(scratch: String) throws -> Report {
    let seeds = try target.seeds(scratch: scratch)
    var mutator = Mutator(
      seed: seed, dictionary: target == .script ? FuzzTarget.scriptTokens : [])
    var report = Report(target: target)
    let path = scratch + "/input-\(target.rawValue)"
    let watchdog = Watchdog(limit: hangSeconds, reproducer: path)
    let start = Date()
    for index in 0..<count {
      let seedInput = seeds[index % seeds.count]
      let input = index < seeds.count ? seedInput : mutator.mutate(seedInput)
      if target == .script { try FuzzTarget.write(input, to: path) }
      watchdog.begin()
      do {
        try target.run(input, path: path)
        report.accepted += 1
      } catch {
        report.rejected += 1
      }
      watchdog.end()
      report.inputs += 1
    }
    report.seconds = Date().timeIntervalSince(start)
    watchdog.stop()
    return report
  }
}

/// Stops the process when one input runs longer than `limit` seconds, naming the input.
final class Watchdog: @unchecked Sendable {
  private let lock = NSLock()
  private var started: Date?
  private var stopped = false
  private let limit: Double
  private let reproducer: String

  init(limit: Double, reproducer: String) {
    self.limit = limit
    self.reproducer = reproducer
    Thread { [weak self] in self?.watch() }.start()
  }

  func begin() { set(Date()) }
  func end() { set(nil) }

  func stop() {
    lock.lock()
    stopped = true
    lock.unlock()
  }

  private func set(_ date: Date?) {
    lock.lock()
    started = date
    lock.unlock()
  }

  private func watch() {
    while true {
      Thread.sleep(forTimeInterval: 0.5)
      lock.lock()
      let (since, done) = (started, stopped)
      lock.unlock()
      if done { return }
      if let since, Date().timeIntervalSince(since) > limit {
        let message = "fuzz: hang: an input ran over \(limit) s; reproducer: \(reproducer)\n"
        FileHandle.standardError.write(Data(message.utf8))
        exit(3)
      }
    }
  }
}
