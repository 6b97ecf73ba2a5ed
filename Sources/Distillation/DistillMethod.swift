/// The distillation backbones (docs/ALGORITHMS.md §5–§7, §15, §16).
public enum DistillMethod: String, Sendable, CaseIterable {
  /// Dataset Condensation: layer-wise gradient matching (Zhao et al., 2021; docs/ALGORITHMS.md §5).
  case dc
  /// DC with siamese differentiable augmentation (Zhao & Bilen, 2021; docs/ALGORITHMS.md §5).
  case dsa
  /// Distribution matching of class-mean embeddings (Zhao & Bilen, 2023; docs/ALGORITHMS.md §6).
  case dm
  /// Matching training trajectories through unrolled student steps (Cazenavette et al., 2022;
  /// docs/ALGORITHMS.md §7).
  case mtt
  /// Gradient matching on perturbed early-stage models (Zhang et al., 2023;
  /// docs/ALGORITHMS.md §15).
  case edd
  /// Remember the Past: bases and addresses learned by back-propagation through an unrolled
  /// inner training run with momentum (Deng & Russakovsky, 2022; docs/ALGORITHMS.md §16).
  case rtp

  /// One line for help text.
  public var summary: String {
    switch self {
    case .dc: return "gradient matching, per-class, second order"
    case .dsa: return "gradient matching with siamese DSA augmentation, second order"
    case .dm: return "class-mean embedding matching in random networks, first order"
    case .mtt: return "trajectory matching against expert snapshots, unrolled student steps"
    case .edd: return "gradient matching on perturbed early-stage models, second order"
    case .rtp: return "addressable memories through unrolled momentum SGD (BPTT), second order"
    }
  }
}

/// How the learnable images start.
public enum SyntheticInitialization: String, Sendable, CaseIterable {
  /// A per-class random sample of real images (the DSA/DM/MTT readmes).
  case real
  /// Standard normal noise (DC's default); for RTP, Xavier-uniform bases and addresses.
  case noise
  /// RTP only: bases from the top principal components of real images at the bases'
  /// resolution, addresses from the projections of ipc′ real images per class
  /// (`AddressableMemory.principalComponents`; not the reference's initialisation).
  case pca
}
