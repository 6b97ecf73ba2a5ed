/// ConvNetConfig as 8 integers, the `ddcal.config` member of saved models and expert
/// trajectories: [channels, height, width, classes, depth, width, norm, pooling], the last two
/// as indices into `NormKind.allCases` and `PoolKind.allCases`.
extension ConvNetConfig {
  public var code: [Int] {
    [
      channels, height, width, classes, depth, netWidth,
      NormKind.allCases.firstIndex(of: norm) ?? 0, PoolKind.allCases.firstIndex(of: pooling) ?? 0,
    ]
  }

  /// The configuration of a code, or nil when it is malformed or does not validate.
  public init?(code c: [Int]) {
    guard c.count == 8, NormKind.allCases.indices.contains(c[6]),
      PoolKind.allCases.indices.contains(c[7])
    else { return nil }
    self.init(
      channels: c[0], height: c[1], width: c[2], classes: c[3], depth: c[4], netWidth: c[5],
      norm: NormKind.allCases[c[6]], pooling: PoolKind.allCases[c[7]])
    if (try? validate()) == nil { return nil }
  }
}
