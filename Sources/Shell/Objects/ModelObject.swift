import NN
import TensorCore

/// A network in a variable, with the temperature post-hoc calibration attached to it
/// (1 for a plain model).
public final class ModelObject: TypedShellObject {
  public let model: ConvNet
  /// Logits are divided by this before softmax (temperature scaling); T > 0.
  public var temperature: Double
  /// How the model was made, for `vars` and the transcript.
  public var origin: String

  public init(_ model: ConvNet, temperature: Double = 1, origin: String) {
    self.model = model
    self.temperature = temperature
    self.origin = origin
  }

  public static let typeName = "model"

  public var summary: String {
    let c = model.config
    let t = temperature == 1 ? "" : ", T = " + ValueFormatter.float(temperature)
    let norm = c.norm == .none ? "no norm" : "\(c.norm.rawValue) norm"
    let pool = c.pooling == .none ? "no pool" : "\(c.pooling.rawValue) pool"
    return "ConvNet-\(c.depth) width \(c.netWidth), \(norm), \(pool),"
      + " \(model.parameters.scalarCount) parameters, input \([c.channels, c.height, c.width]),"
      + " \(c.classes) classes\(t)"
  }

  public var fieldNames: [String] {
    ["parameters", "depth", "width", "norm", "pooling", "classes", "temperature", "names"]
  }

  public func field(_ name: String) throws -> Value? {
    let c = model.config
    switch name {
    case "parameters": return .int(model.parameters.scalarCount)
    case "depth": return .int(c.depth)
    case "width": return .int(c.netWidth)
    case "norm": return .string(c.norm.rawValue)
    case "pooling": return .string(c.pooling.rawValue)
    case "classes": return .int(c.classes)
    case "temperature": return .float(temperature)
    case "names": return .list(model.parameters.names.map { .string($0) })
    default: return nil
    }
  }

  public var methods: [Command] { [TemperatureMethod.command] }
}
