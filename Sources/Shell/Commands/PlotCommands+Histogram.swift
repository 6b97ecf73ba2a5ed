import Calibration
import Datasets
import Foundation
import Plot

extension MaxStatistic: ShellChoice {}

extension PlotCommands {
  /// Max-logit (or max-probability) distributions, one curve per value and mask ratio (Fig. 2,
  /// 7): each model on data= (or its own entry of a data= list), predictions as given.
  static func histogram(_ values: [Value], _ names: [String], _ args: Arguments, _ title: String?)
    throws -> Figure
  {
    let ratios = try args.floats("r")
    guard !ratios.isEmpty, ratios.allSatisfy({ $0 >= 0 && $0 < 1 }) else {
      throw args.invalid("r", "mask ratios must lie in [0, 1)")
    }
    let statistic = try args.choice("of", as: MaxStatistic.self)
    let data = try histogramData(count: values.count, args)
    var samples: [HistogramSample] = []
    var dataNames: Set<String> = []
    for (index, (value, name)) in zip(values, names).enumerated() {
      let own = args["data"]?.elements != nil && !args.isGiven("names")
      let base = own ? "\(name) on \(data?[index].name ?? "")" : name
      for ratio in ratios {
        let label = ratios.count > 1 ? "\(base), r = \(ValueFormatter.float(ratio))" : base
        if let predictions = value.object(as: PredictionsObject.self) {
          guard ratio == 0 else {
            throw args.invalid("r", "masking needs models and data=; got predictions")
          }
          samples.append(HistogramSample(label, values: predictions.logits.maxValues(statistic)))
          dataNames.insert(predictions.dataName)
          continue
        }
        guard let model = value.object(as: ModelObject.self) else {
          throw args.invalid("values", "expected models or predictions, got \(value.typeName)")
        }
        guard let images = data?[index] else {
          throw args.invalid("data", "give data=… (the images to evaluate the models on)")
        }
        try TrainCommands.checkFits(model, images, args)
        let maxima: [Double]
        if ratio == 0 {
          maxima = try Scored.of(model, on: images, args).logits.maxValues(statistic)
        } else {
          maxima = try MaxLogitStatistics.maxLogits(
            model.model, images: images.images,
            options: MaxLogitOptions(maskRatio: ratio, statistic: statistic))
        }
        samples.append(HistogramSample(label, values: maxima))
        dataNames.insert(images.name)
      }
    }
    let on = dataNames.count == 1 ? " on \(dataNames.first ?? "")" : ""
    let what = statistic == .logit ? "max logit" : "max softmax probability"
    return try Figure.histogram(
      [HistogramPanel(samples: samples)], xLabel: what,
      title: title ?? "Distribution of the \(what)\(on)")
  }

  /// data= as one dataset per value: a single dataset repeated, or a list as long as the
  /// values (pairs give their test split); nil when data= is absent.
  static func histogramData(count: Int, _ args: Arguments) throws -> [Dataset]? {
    guard let value = args["data"] else { return nil }
    guard let items = value.elements else {
      return Array(repeating: try dataset(args), count: count)
    }
    guard items.count == count else {
      throw args.invalid("data", "give one image set per value (\(count)), got \(items.count)")
    }
    return try items.map { item in
      if let object = item.object(as: DatasetObject.self) { return object.dataset }
      if let pair = item.object(as: DataSplitsObject.self) { return pair.test }
      throw args.invalid("data", "expected datasets, got \(item.typeName)")
    }
  }
}
