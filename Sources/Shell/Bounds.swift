import NN

/// The values a numeric parameter accepts, declared with the parameter in its registry entry
/// (`.keyword("lr", .float, default: .float(0.01), bounds: .positive, doc: …)`).
///
/// Binding checks every int and float argument against its parameter's bounds, and every
/// float for finiteness, in one place (`Interpreter.bind`), so the error underlines and names
/// the argument the user typed. Lists are checked element by element. Ints compare as Doubles,
/// which is exact for every bound a command declares (all well inside ±2^53).
public struct Bounds: Sendable, Equatable {
  /// The smallest accepted value, or nil for no lower bound.
  public var lower: Double?
  /// True when `lower` itself is refused (x > lower).
  public var lowerIsStrict: Bool
  /// The largest accepted value, or nil for no upper bound.
  public var upper: Double?
  /// True when `upper` itself is refused (x < upper).
  public var upperIsStrict: Bool

  /// Bounds from their parts; prefer the named constructors.
  public init(
    lower: Double? = nil, lowerIsStrict: Bool = false, upper: Double? = nil,
    upperIsStrict: Bool = false
  ) {
    self.lower = lower
    self.lowerIsStrict = lowerIsStrict
    self.upper = upper
    self.upperIsStrict = upperIsStrict
  }

  /// Any finite value (seeds, signed offsets): declared so that every numeric parameter
  /// states its range.
  public static let any = Bounds()
  /// x > 0.
  public static let positive = Bounds(lower: 0, lowerIsStrict: true)
  /// x ≥ 0.
  public static let nonNegative = Bounds(lower: 0)
  /// 0 ≤ x ≤ 1.
  public static let unitInterval = Bounds(lower: 0, upper: 1)
  /// 0 ≤ x < 1 (a momentum, a smoothing ε, a drop ratio that must keep something).
  public static let fraction = Bounds(lower: 0, upper: 1, upperIsStrict: true)

  /// x ≥ `value`.
  public static func atLeast(_ value: Double) -> Bounds { Bounds(lower: value) }

  /// `lower` ≤ x ≤ `upper`.
  public static func closed(_ lower: Double, _ upper: Double) -> Bounds {
    Bounds(lower: lower, upper: upper)
  }

  /// `lower` < x ≤ `upper`.
  public static func above(_ lower: Double, through upper: Double) -> Bounds {
    Bounds(lower: lower, lowerIsStrict: true, upper: upper)
  }

  /// True when `x` lies within the bounds; NaN never does.
  public func contains(_ x: Double) -> Bool {
    if x.isNaN { return false }
    if let lower, lowerIsStrict ? !(x > lower) : !(x >= lower) { return false }
    if let upper, upperIsStrict ? !(x < upper) : !(x <= upper) { return false }
    return true
  }

  /// "must be > 0", "must be in [0, 1)", or for ints "must be 1…8", "must be at least 1".
  public func requirement(integral: Bool) -> String {
    let low = lower.map { Self.format($0, integral: integral) }
    let high = upper.map { Self.format($0, integral: integral) }
    switch (low, high) {
    case (nil, nil):
      return "must be finite"
    case (let low?, nil):
      return lowerIsStrict
        ? "must be > \(low)" : integral ? "must be at least \(low)" : "must be ≥ \(low)"
    case (nil, let high?):
      return upperIsStrict
        ? "must be < \(high)" : integral ? "must be at most \(high)" : "must be ≤ \(high)"
    case (let low?, let high?):
      if integral && !lowerIsStrict && !upperIsStrict { return "must be \(low)…\(high)" }
      return "must be in \(lowerIsStrict ? "(" : "[")\(low), \(high)\(upperIsStrict ? ")" : "]")"
    }
  }

  /// The short form for help tables: "> 0", "[0, 1)", "1…8", "≥ 1".
  public func summary(integral: Bool) -> String {
    let low = lower.map { Self.format($0, integral: integral) }
    let high = upper.map { Self.format($0, integral: integral) }
    switch (low, high) {
    case (nil, nil): return "finite"
    case (let low?, nil): return (lowerIsStrict ? "> " : "≥ ") + low
    case (nil, let high?): return (upperIsStrict ? "< " : "≤ ") + high
    case (let low?, let high?):
      if integral && !lowerIsStrict && !upperIsStrict { return "\(low)…\(high)" }
      return "\(lowerIsStrict ? "(" : "[")\(low), \(high)\(upperIsStrict ? ")" : "]")"
    }
  }

  private static func format(_ value: Double, integral: Bool) -> String {
    // Large round float bounds read as powers of ten: (0, 1e6].
    if !integral, value >= 1e4, let power = (4...15).first(where: { pow10($0) == value }) {
      return "1e\(power)"
    }
    if value.rounded() == value, Swift.abs(value) < 1e15 {
      let whole = Int(value)
      return Swift.abs(whole) >= 100_000 && integral ? grouped(whole) : String(whole)
    }
    return "\(value)"
  }

  private static func pow10(_ power: Int) -> Double {
    (0..<power).reduce(1.0) { value, _ in value * 10 }
  }

  /// 1000000 as "1000000" reads badly in messages; "1,000,000" does not.
  private static func grouped(_ value: Int) -> String {
    let digits = String(Swift.abs(value))
    var out = ""
    for (index, character) in digits.enumerated() {
      if index > 0, (digits.count - index) % 3 == 0 { out += "," }
      out.append(character)
    }
    return (value < 0 ? "-" : "") + out
  }
}

// MARK: - Checking arguments

extension Bounds {
  /// The reason `value` (an int, float or list of them, as bound to a parameter of `type`)
  /// breaks `bounds`, or nil when every number in it is acceptable. Floats must also be
  /// finite, bounded or not.
  static func violation(of bounds: Bounds?, in value: Value) -> String? {
    switch value {
    case .int(let number):
      guard let bounds, !bounds.contains(Double(number)) else { return nil }
      return "\(bounds.requirement(integral: true)), not \(number)"
    case .float(let number):
      guard number.isFinite else { return "must be finite, not \(ValueFormatter.float(number))" }
      guard let bounds, !bounds.contains(number) else { return nil }
      return "\(bounds.requirement(integral: false)), not \(ValueFormatter.float(number))"
    case .list(let items):
      for item in items {
        if let reason = violation(of: bounds, in: item) { return reason }
      }
      return nil
    default:
      return nil
    }
  }
}

// MARK: - Bounds shared by several commands

extension Bounds {
  /// Seeds: any int (negative ones are reinterpreted as unsigned).
  public static let seed = Bounds.any
  /// Training epochs.
  public static let epochs = Bounds.closed(1, 1_000_000)
  /// Minibatch sizes (memory is checked separately against the budget).
  public static let batch = Bounds.closed(1, 1_048_576)
  /// How many networks, experts or images a command makes in one go.
  public static let count = Bounds.closed(1, 1_000_000)
  /// Networks trained in one command (evaluation protocols, experts).
  public static let networks = Bounds.closed(1, 1000)
  /// A class label.
  public static let classIndex = Bounds.closed(0, Double(ConvNetConfig.maximumClasses - 1))
  /// A number of classes.
  public static let classCount = Bounds.closed(1, Double(ConvNetConfig.maximumClasses))
  /// A softmax temperature.
  public static let temperature = Bounds.above(0, through: 1e6)
  /// Learning rates.
  public static let learningRate = Bounds.above(0, through: 1e6)
  /// mixup's Beta(α, α) parameter; 0 turns mixup off.
  public static let mixupAlpha = Bounds.closed(0, 1000)
  /// ConvNet conv blocks, as `ConvNetConfig.validate` accepts them.
  public static let depth = Bounds.closed(1, Double(ConvNetConfig.maximumDepth))
  /// ConvNet channels per conv, as `ConvNetConfig.validate` accepts them.
  public static let netWidth = Bounds.closed(1, Double(ConvNetConfig.maximumNetWidth))
  /// Images per class in a sample or a distilled set.
  public static let perClass = Bounds.closed(1, 100_000)
  /// Resolution of raster figures.
  public static let dpi = Bounds.closed(10, 1200)
}
