/// "Did you mean" by edit distance (argument-parser's StringExtensions).
enum Suggestions {
  /// The closest candidate to `name`, if close enough to be a likely typo: at most one edit
  /// for names up to five characters, two beyond, and never a complete rewrite (`x` is not
  /// offered for `y`). Ties go to the alphabetically first.
  static func closest(to name: String, in candidates: [String]) -> String? {
    let limit = name.count <= 5 ? 1 : 2
    var best: (distance: Int, word: String)?
    for candidate in Set(candidates) where candidate != name {
      let distance = editDistance(name, candidate)
      guard distance <= limit, distance < max(name.count, candidate.count) else { continue }
      if let current = best, (current.distance, current.word) <= (distance, candidate) {
        continue
      }
      best = (distance, candidate)
    }
    return best?.word
  }

  /// Optimal string alignment distance: Levenshtein plus adjacent transpositions, so `trian`
  /// is one edit from `train`.
  static func editDistance(_ a: String, _ b: String) -> Int {
    let a = Array(a)
    let b = Array(b)
    if a.isEmpty { return b.count }
    if b.isEmpty { return a.count }
    var previous2 = [Int](repeating: 0, count: b.count + 1)
    var previous = Array(0...b.count)
    var row = [Int](repeating: 0, count: b.count + 1)
    for i in 1...a.count {
      row[0] = i
      for j in 1...b.count {
        let cost = a[i - 1] == b[j - 1] ? 0 : 1
        row[j] = min(previous[j] + 1, row[j - 1] + 1, previous[j - 1] + cost)
        if i > 1, j > 1, a[i - 1] == b[j - 2], a[i - 2] == b[j - 1] {
          row[j] = min(row[j], previous2[j - 2] + 1)
        }
      }
      (previous2, previous, row) = (previous, row, previous2)
    }
    return previous[b.count]
  }
}
