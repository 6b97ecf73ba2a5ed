/// An engine object the shell can hold in a variable: a dataset, model, result or figure.
///
/// The shell knows objects only through this protocol. Fields are read with `value.name`;
/// methods are registry-style `Command`s called as `value.name args…`, with the object
/// available as `context.receiver`. Most requirements have defaults, so the smallest
/// conformance is `typeName` plus `summary`.
///
/// ```swift
/// final class EvalResult: ShellObject {
///   var typeName: String { "result" }
///   var summary: String { "accuracy 0.873, nll 0.412, ece 0.031" }
///   var fieldNames: [String] { ["accuracy", "nll", "ece"] }
///   func field(_ name: String) throws -> Value? {
///     switch name {
///     case "accuracy": return .float(accuracy)
///     …
///     default: return nil
///     }
///   }
/// }
/// ```
public protocol ShellObject: AnyObject {
  /// Lower-case type name used by `vars`, parameter types and messages: "dataset", "model".
  var typeName: String { get }
  /// One line for `vars` and lists: "fashion-mnist train: 60000 × [1, 28, 28], 10 classes".
  var summary: String { get }
  /// What a bare expression prints; may span lines (a table). Defaults to `summary`.
  var display: String { get }
  /// Names accepted by `field(_:)`, for completion and "did you mean".
  var fieldNames: [String] { get }
  /// The field `name`, or nil when there is no such field.
  /// - Throws: when computing the field fails (it is then reported at the field access).
  func field(_ name: String) throws -> Value?
  /// Commands callable as `value.name args…`; the receiver is `context.receiver`.
  var methods: [Command] { get }
}

extension ShellObject {
  /// Defaults to `summary`.
  public var display: String { summary }
  /// No fields by default.
  public var fieldNames: [String] { [] }
  /// No fields by default.
  public func field(_ name: String) throws -> Value? { nil }
  /// No methods by default.
  public var methods: [Command] { [] }
}

/// A shell object type with one fixed type name, so parameters can name it by type:
/// `.object(of: ModelObject.self)` rather than the string "model".
public protocol TypedShellObject: ShellObject {
  /// The name `vars`, messages and parameter types use: "dataset", "model".
  static var typeName: String { get }
}

extension TypedShellObject {
  /// The type's `typeName`.
  public var typeName: String { Self.typeName }
}

extension ValueType {
  /// An object of type `T`.
  public static func object<T: TypedShellObject>(of type: T.Type) -> ValueType {
    .object(T.typeName)
  }

  /// Labelled images: a dataset, or a train/test pair (commands say which split they use).
  public static let images = ValueType.oneOf([
    .object(of: DatasetObject.self), .object(of: DataSplitsObject.self),
  ])
}

/// One field of a shell object type: its name, when it exists, and how it is read.
public struct ObjectField<Object> {
  /// The name after the dot: `r.ece`.
  public let name: String
  /// False for objects that lack the field (a plain dataset has no `lr`).
  let isAvailable: (Object) -> Bool
  /// The field's value.
  let read: (Object) throws -> Value

  /// A field read by `read`, present on objects for which `when` holds (all by default).
  public init(
    _ name: String, when isAvailable: @escaping (Object) -> Bool = { _ in true },
    _ read: @escaping (Object) throws -> Value
  ) {
    self.name = name
    self.isAvailable = isAvailable
    self.read = read
  }
}

/// A shell object whose fields are one table, so the names completion and "did you mean"
/// offer and the values `value.name` reads come from the same list.
public protocol FieldTable: TypedShellObject {
  /// Every field of the type, in the order `vars` and completion list them.
  static var fields: [ObjectField<Self>] { get }
}

extension FieldTable {
  /// The names of the fields this object has.
  public var fieldNames: [String] { Self.fields.filter { $0.isAvailable(self) }.map(\.name) }

  /// The field `name`, or nil when this object has no such field.
  public func field(_ name: String) throws -> Value? {
    guard let field = Self.fields.first(where: { $0.name == name }), field.isAvailable(self) else {
      return nil
    }
    return try field.read(self)
  }
}
