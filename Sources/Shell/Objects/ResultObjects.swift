import Foundation
import Training

/// What `train` returns: one row per epoch.
public final class HistoryObject: FieldTable {
  public let records: [EpochRecord]

  public init(_ records: [EpochRecord]) { self.records = records }

  public static let typeName = "history"

  public var summary: String {
    guard let last = records.last else { return "no epochs" }
    return String(
      format: "%d epochs, final loss %.4f, train accuracy %.4f", records.count, last.loss,
      last.accuracy)
  }

  /// Up to `shownRows` rows print in full; longer histories show their first and last
  /// `shownRows / 2` epochs (`h.table` holds every row, `save h "h.csv"` writes them).
  static let shownRows = 12

  public var display: String {
    let all = rows
    guard all.count > Self.shownRows + 1 else { return render(all) }
    let half = Self.shownRows / 2
    let hidden = all.count - 1 - 2 * half
    var shown = Array(all.prefix(1 + half))
    shown.append(["…"])
    shown += all.suffix(half)
    return render(shown) + "\n(\(hidden) epochs not shown; `.table` holds every row)"
  }

  /// The header and one row per epoch.
  private var rows: [[String]] {
    var rows = [["epoch", "loss", "train acc", "lr", "seconds", "img/s"]]
    for r in records {
      rows.append([
        "\(r.epoch + 1)", String(format: "%.4f", r.loss), String(format: "%.4f", r.accuracy),
        String(format: "%.4g", r.learningRate), String(format: "%.1f", r.seconds),
        String(format: "%.0f", r.imagesPerSecond),
      ])
    }
    return rows
  }

  private func render(_ rows: [[String]]) -> String {
    TextTable(rows).render().trimmingCharacters(in: .newlines)
  }

  public static var fields: [ObjectField<HistoryObject>] {
    [
      ObjectField("loss") { .list($0.records.map { .float($0.loss) }) },
      ObjectField("accuracy") { .list($0.records.map { .float($0.accuracy) }) },
      ObjectField("epochs") { .int($0.records.count) },
      ObjectField("table") { .string($0.render($0.rows)) },
    ]
  }
}
