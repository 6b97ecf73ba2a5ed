import Foundation

// MARK: - File names inside strings

extension Completer {
  /// Where the end of a line prefix lies.
  enum LexicalContext {
    case code
    /// Inside a comment: nothing to complete.
    case comment
    /// Inside a string opened at `index` with `character`.
    case string(String.Index, Character)
  }

  /// Whether `prefix` ends in code, a comment or an unterminated string (escapes respected).
  func lexicalContext(of prefix: String) -> LexicalContext {
    var open: (index: String.Index, character: Character)?
    var escaped = false
    var index = prefix.startIndex
    while index < prefix.endIndex {
      let c = prefix[index]
      if let current = open {
        if escaped {
          escaped = false
        } else if c == "\\" {
          escaped = true
        } else if c == current.character {
          open = nil
        }
      } else if c == "#" {
        guard let newline = prefix[index...].firstIndex(of: "\n") else { return .comment }
        index = newline
      } else if c == "\"" || c == "'" {
        open = (index, c)
      }
      index = prefix.index(after: index)
    }
    return open.map { .string($0.index, $0.character) } ?? .code
  }

  /// File names completing `partial`; directories end in "/", files in the closing quote.
  func paths(_ partial: String, closing quote: Character) -> [String] {
    let slash = partial.lastIndex(of: "/")
    let directory = slash.map { String(partial[...$0]) } ?? ""
    let base = slash.map { String(partial[partial.index(after: $0)...]) } ?? partial
    let listed = directory.isEmpty ? "." : (directory as NSString).expandingTildeInPath
    return listDirectory(listed)
      .filter { $0.name.hasPrefix(base) && (base.hasPrefix(".") || !$0.name.hasPrefix(".")) }
      .map { directory + $0.name + ($0.isDirectory ? "/" : String(quote)) }
  }

  /// The entries of `path` on disk, or none when it cannot be read.
  public static func fileSystemListing(_ path: String) -> [(name: String, isDirectory: Bool)] {
    let fileManager = FileManager.default
    guard let names = try? fileManager.contentsOfDirectory(atPath: path) else { return [] }
    return names.map { name in
      var isDirectory: ObjCBool = false
      let full = (path as NSString).appendingPathComponent(name)
      _ = fileManager.fileExists(atPath: full, isDirectory: &isDirectory)
      return (name, isDirectory.boolValue)
    }
  }
}
