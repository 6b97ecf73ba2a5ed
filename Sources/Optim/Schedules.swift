/// Learning-rate schedules.
public enum Schedule: Sendable, Equatable {
  /// A constant rate.
  case constant
  /// The reference evaluation schedule (docs/ALGORITHMS.md §2.1): epochs 0…E/2+1 (0-based) run at
  /// the base rate, later ones at base·`factor`, and momentum is reset at the switch. (The
  /// reference loop runs E+1 epochs, 0…E; ours runs exactly the E requested.)
  case stepAtHalf(factor: Float)

  /// The rate for `epoch` (0-based) of `epochs`, from `base`.
  public func rate(base: Float, epoch: Int, epochs: Int) -> Float {
    switch self {
    case .constant: return base
    case .stepAtHalf(let factor): return epoch >= decayEpoch(epochs: epochs) ? base * factor : base
    }
  }

  /// True when `epoch` starts a new rate (momentum is reset there).
  public func isDecayEpoch(_ epoch: Int, epochs: Int) -> Bool {
    switch self {
    case .constant: return false
    case .stepAtHalf: return epoch == decayEpoch(epochs: epochs)
    }
  }

  private func decayEpoch(epochs: Int) -> Int { epochs / 2 + 2 }
}
