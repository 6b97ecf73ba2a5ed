import Analysis
import Datasets
import Foundation
import TensorCore

/// A t-SNE map in a variable (`emb = tsne f`): the points, the KL divergence, optional labels.
public final class EmbeddingObject: FieldTable {
  public let result: TSNEResult
  /// The points that were embedded, for the trustworthiness score.
  public let input: NDArray
  public let labels: [Int]?
  public let classNames: [String]?

  init(_ result: TSNEResult, points: NDArray, labels: [Int]?, classNames: [String]?) throws {
    if let labels, labels.count != points.shape[0] {
      throw ShellError.failed("\(labels.count) labels for \(points.shape[0]) points")
    }
    self.result = result
    input = points
    self.labels = labels
    self.classNames = classNames
  }

  public static let typeName = "embedding"

  public var summary: String {
    let kl = String(format: "%.4f%@", result.kl, result.klIsExact ? "" : " (estimated Z)")
    let stop = result.stoppedEarly ? ", stopped early" : ""
    return "t-SNE of \(input.shape[0]) points in \(input.shape[1]) dimensions: KL \(kl) after "
      + "\(result.iterations) iterations\(stop)"
  }

  /// Venna & Kaski's trustworthiness of the map with k = 5 neighbours.
  func trustworthiness() throws -> Double {
    try Trustworthiness.score(input: input, embedding: result.embedding, neighbors: 5)
  }

  public static var fields: [ObjectField<EmbeddingObject>] {
    [
      ObjectField("points") { .tensor($0.result.embedding) },
      ObjectField("kl") { .float($0.result.kl) },
      ObjectField("iterations") { .int($0.result.iterations) },
      ObjectField("labels", when: { $0.labels != nil }) {
        .tensor(NDArray(shape: [$0.labels?.count ?? 0], data: ($0.labels ?? []).map(Float.init)))
      },
      ObjectField("trustworthiness") { .float(try $0.trustworthiness()) },
    ]
  }
}

extension EmbeddingObject: SavableObject {
  /// `points` float32 [N, 2], `kl` float64 [1], and `labels` int64 [N] when known.
  func save(to path: String) throws {
    var members: [(String, NPYArray)] = [
      ("points", NPYArray(result.embedding)),
      ("kl", try NPYArray(float64: [result.kl], shape: [1])),
    ]
    if let labels { members.append(("labels", try NPYArray(int64: labels, shape: [labels.count]))) }
    try NPZ.write(members, to: path)
  }
}
