import Analysis
import Calibration
import Distillation
import NN

/// A closed set of words a parameter takes, as a Swift enum whose raw values are the words:
/// `.keyword("loss", .choice(of: LossChoice.self), …)` declares it, help and Tab completion
/// list its cases, and `args.choice("loss", as: LossChoice.self)` returns a case, so the
/// command's `switch` is exhaustive.
public protocol ShellChoice: CaseIterable, RawRepresentable, Sendable where RawValue == String {}

extension ValueType {
  /// One of `C`'s raw values.
  public static func choice<C: ShellChoice>(of type: C.Type) -> ValueType {
    .choice(C.allCases.map(\.rawValue))
  }
}

extension Value {
  /// A choice as the string value it is bound as (for parameter defaults).
  public static func choice<C: ShellChoice>(_ value: C) -> Value { .string(value.rawValue) }
}

extension Arguments {
  /// The argument as a case of `C` (binding already checked it is one of `C`'s words).
  /// - Throws: `ShellError` when the argument is absent or not one of the words.
  public func choice<C: ShellChoice>(_ name: String, as type: C.Type) throws -> C {
    let word = try string(name)
    guard let value = C(rawValue: word) else {
      throw invalid(name, "expected \(ValueType.choice(of: C.self)), got '\(word)'")
    }
    return value
  }

  /// The argument as a case of `C`, or nil when it was omitted and has no default.
  public func optionalChoice<C: ShellChoice>(_ name: String, as type: C.Type) throws -> C? {
    self[name] == nil ? nil : try choice(name, as: type)
  }
}

// MARK: - The shell's closed sets

/// `train schedule=`: lr ×0.1 after half the epochs, or constant.
enum ScheduleChoice: String, ShellChoice { case step, constant }

/// `train loss=`: cross-entropy, label smoothing or focal loss.
enum LossChoice: String, ShellChoice { case ce, ls, focal }

/// `distill mdt=`: no mask, a fixed ratio, or ratios drawn per step (MDTds).
enum MaskChoice: String, ShellChoice { case none, fixed, ds }

/// `plot KIND`.
enum PlotKind: String, ShellChoice { case reliability, hist, lines, curves, scatter, tsne }

/// `show display=`: undo the dataset's normalisation, or stretch each image.
enum PixelDisplay: String, ShellChoice { case dataset, minmax }

/// `calibrate method=`: plain or masked temperature scaling.
enum ScalingMethod: String, ShellChoice { case ts, mts }

/// `sweep select=`: what the val= images are.
enum RatioSelectionChoice: String, ShellChoice { case validation, test }

/// `metrics rule=`: which side of each bin is closed.
enum EdgeRuleChoice: String, ShellChoice {
  case right, left

  /// The engine's rule.
  var rule: BinEdgeRule { self == .right ? .rightClosed : .leftClosed }
}

/// `tsne init=`: principal components (deterministic) or seeded random coordinates.
enum TSNEStart: String, ShellChoice { case pca, random }

/// `tsne method=`: exact O(N²), Barnes–Hut, or FFT-interpolated repulsion.
enum TSNEMethodChoice: String, ShellChoice { case exact, bh, fft }

/// `noise kind=`.
enum NoiseKind: String, ShellChoice { case gaussian, uniform }

/// `echo on|off`.
enum EchoMode: String, ShellChoice { case on, off }

/// `load NAME` for the built-in datasets.
enum BuiltinDataset: String, ShellChoice {
  case fashionMNIST = "fashion-mnist"
  case cifar10, cifar100
}

extension TemperatureFitMethod: ShellChoice {}
extension DistillMethod: ShellChoice {}
extension SyntheticInitialization: ShellChoice {}
extension NormKind: ShellChoice {}
extension PoolKind: ShellChoice {}
extension SpectrumMode: ShellChoice {}
extension RatioMeasure: ShellChoice {}
