import NN
import TensorCore

/// A network in a variable, with the temperature post-hoc calibration attached to it
/// (1 for a plain model).
public final class ModelObject: FieldTable {
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

  public static var fields: [ObjectField<ModelObject>] {
    [
      ObjectField("parameters") { .int($0.model.parameters.scalarCount) },
      ObjectField("depth") { .int($0.model.config.depth) },
      ObjectField("width") { .int($0.model.config.netWidth) },
      ObjectField("norm") { .string($0.model.config.norm.rawValue) },
      ObjectField("pooling") { .string($0.model.config.pooling.rawValue) },
      ObjectField("classes") { .int($0.model.config.classes) },
      ObjectField("temperature") { .float($0.temperature) },
      ObjectField("names") { .list($0.model.parameters.names.map { .string($0) }) },
    ]
  }

  public var methods: [Command] { [TemperatureMethod.command] }
}
