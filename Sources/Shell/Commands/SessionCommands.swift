import Cluster
import TensorCore

/// Built-in commands about the run itself: the global seed, the session folder and the
/// processes running it.
public enum SessionCommands: CommandProvider {
  /// The session family's registry entries.
  public static var commands: [Command] { [seed, session, world] }

  static var seed: Command {
    Command(
      name: "seed", family: .session, summary: "Sets or shows the global random seed.",
      discussion: """
        Commands without their own seed= draw numbered streams from the global seed, so a \
        script gives the same results on every run. Setting the seed restarts the numbering; \
        streams=k continues it after k streams (session.ddc records this after a statement \
        that drew streams but failed or was interrupted, so a replay draws the same numbers).
        """,
      parameters: [
        .positional("value", .int, optional: true, bounds: .atLeast(0), doc: "the new seed (≥ 0)"),
        .keyword(
          "streams", .int, default: .int(0), bounds: .atLeast(0),
          doc: "streams already drawn from this seed"),
      ],
      example: "seed 42"
    ) { context in
      guard context.arguments.isGiven("value") else {
        context.output.line("seed \(context.settings.seed)")
        return .none
      }
      let value = try context.arguments.int("value")
      let streams = try context.arguments.int("streams")
      context.interpreter.setSeed(UInt64(value), streamsIssued: UInt64(streams))
      return .none
    }
  }

  static var session: Command {
    Command(
      name: "session", family: .session, summary: "Names the session folder, or shows it.",
      discussion:
        "The folder becomes <date>-<time>-<name>; transcript.md and session.ddc move along.",
      parameters: [.positional("name", .string, optional: true, doc: "a short name")],
      example: "session \"fashion-sweep\""
    ) { context in
      let recorder = context.interpreter.sessions
      guard context.arguments.isGiven("name") else {
        let place = try recorder.current()?.directory.path ?? "not recording (--no-session)"
        context.output.line(place)
        return .none
      }
      let name = try context.arguments.string("name")
      guard !name.isEmpty, !name.contains("/") else {
        throw context.arguments.invalid("name", "must be non-empty and contain no '/'")
      }
      try recorder.name(name)
      return .none
    }
  }

  static var world: Command {
    Command(
      name: "world", family: .session,
      summary: "Shows the processes running the script: ranks, hosts, threads per rank.",
      discussion: """
        Under `mpirun -np N ddcal script.ddc` every rank runs the script; rank 0 alone prints, \
        records the session and writes result files. experts, evaluate_set, calibration_table, \
        svd_sweep and distill share their work over the ranks (docs/ARCHITECTURE.md §7). Without \
        mpirun the world is this one process.
        """,
      parameters: [],
      example: "world"
    ) { context in
      let mine = "\(Cluster.hostName)\t\(Parallel.threads)"
      let ranks = Cluster.allgather(Array(mine.utf8)).map {
        String(decoding: $0, as: UTF8.self).split(separator: "\t").map(String.init)
      }
      let launch = Cluster.usesMPI ? "mpirun" : "one process, no mpirun"
      context.output.line(
        "world: \(Cluster.size) rank\(Cluster.size == 1 ? "" : "s") (\(launch))")
      let rows = ranks.enumerated().map { rank, fields in [String(rank)] + fields }
      context.output.write(TextTable([["rank", "host", "threads"]] + rows).render(indent: "  "))
      return .none
    }
  }
}
