import Foundation
import Synchronization

/// The one resource guard: how much memory a single value or command may ask for.
///
/// Commands estimate what they are about to allocate from their arguments (a tensor's shape,
/// a network's parameters and activations at the batch size, a list's length) and call
/// `check` first, so a mistyped size gets an error naming the command, the size and what to
/// lower instead of an allocation failure that kills the process. The budget defaults to
/// half of physical memory; `ddcal --memory 4G` sets it. Sizes are computed with
/// overflow-checked arithmetic (`product`), an overflow counting as over budget.
public enum MemoryBudget {
  /// The budget in bytes, process-wide like the memory it guards.
  private static let limit = Atomic<Int>(defaultBytes)

  /// Half of physical memory (at least 256 MiB).
  public static let defaultBytes: Int = {
    let physical = ProcessInfo.processInfo.physicalMemory
    let share = physical / 2
    return Int(clamping: max(share, 256 << 20))
  }()

  /// The current budget in bytes.
  public static var bytes: Int { limit.load(ordering: .relaxed) }

  /// Sets the budget (`--memory`).
  public static func set(_ bytes: Int) {
    limit.store(max(bytes, 1), ordering: .relaxed)
  }

  /// Throws `ShellError.overMemoryBudget` when `bytes` (nil: overflowed) exceeds the budget.
  /// - Parameters:
  ///   - what: the command or operation, as the message names it ("'train'").
  ///   - lower: the argument that sets the size, suggested in the message.
  public static func check(_ bytes: Int?, for what: String, lower: String? = nil) throws {
    let budget = self.bytes
    guard let bytes, bytes <= budget else {
      throw ShellError.overMemoryBudget(what: what, bytes: bytes, budget: budget, lower: lower)
    }
  }

  /// The product of `factors`, or nil when one is negative or the product overflows.
  public static func product(_ factors: Int...) -> Int? {
    product(factors)
  }

  /// The product of `factors`, or nil when one is negative or the product overflows.
  public static func product(_ factors: [Int]) -> Int? {
    var total = 1
    for factor in factors {
      guard factor >= 0 else { return nil }
      let (next, overflow) = total.multipliedReportingOverflow(by: factor)
      if overflow { return nil }
      total = next
    }
    return total
  }

  /// The sum of `terms` (nil when any is nil or the sum overflows).
  public static func sum(_ terms: Int?...) -> Int? {
    var total = 0
    for term in terms {
      guard let term else { return nil }
      let (next, overflow) = total.addingReportingOverflow(term)
      if overflow { return nil }
      total = next
    }
    return total
  }

  /// "512 MiB", "11.7 GiB": bytes for messages.
  public static func format(_ bytes: Int) -> String {
    let units = ["bytes", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB"]
    var value = Double(bytes)
    var unit = 0
    while value >= 1024, unit < units.count - 1 {
      value /= 1024
      unit += 1
    }
    return unit == 0 ? "\(bytes) bytes" : String(format: "%.1f", value) + " " + units[unit]
  }

  /// Reads a size as `--memory` takes it: bytes, or a number with K, M, G or T (powers of
  /// 1024), e.g. "8G", "512M", "1.5G"; nil when malformed or not positive.
  public static func parse(_ text: String) -> Int? {
    let scales: [Character: Double] = ["K": 0x1p10, "M": 0x1p20, "G": 0x1p30, "T": 0x1p40]
    var digits = text.uppercased()
    if digits.hasSuffix("B") { digits.removeLast() }
    var scale = 1.0
    if let last = digits.last, let factor = scales[last] {
      scale = factor
      digits.removeLast()
    }
    guard let number = Double(digits), number.isFinite, number > 0 else { return nil }
    let bytes = number * scale
    guard bytes >= 1, bytes < 0x1p62 else { return nil }
    return Int(bytes)
  }
}
