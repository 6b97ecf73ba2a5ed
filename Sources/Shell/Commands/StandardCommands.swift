/// The registry the ddcal executable uses.
///
/// To add a command family, write `Commands/<Family>Commands.swift` with an
/// `enum <Family>Commands: CommandProvider` whose `commands` returns its registry entries,
/// and list the type in `providers` below. Nothing else needs to change: `help`, tab
/// completion, argument checking and "did you mean" all read the registry.
extension CommandRegistry {
  /// Every command family, in `help` order within each family.
  public static let providers: [CommandProvider.Type] = [
    CoreCommands.self,
    SessionCommands.self,
    TensorCommands.self,
    DataCommands.self,
    ModelCommands.self,
    TrainCommands.self,
    DistillCommands.self,
    CalibrateCommands.self,
    PredictionCommands.self,
    AnalysisCommands.self,
    PlotCommands.self,
  ]

  /// Methods of engine values, for `help <method>` (they are called as `value.method …`).
  public static var methods: [Command] { DatasetMethods.commands + [TemperatureMethod.command] }

  /// A registry holding every family in `providers`.
  public static var standard: CommandRegistry {
    var registry = CommandRegistry()
    for provider in providers { registry.register(provider) }
    return registry
  }
}
