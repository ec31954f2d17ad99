#pragma once
/// \file Random forests with XGBoost (Debian's libxgboost) in its random-forest mode: one boosting
/// round of `trees` parallel trees, each on a row subsample with columns subsampled per split,
/// learning rate 1. Regression (squared error) or binary classification (logistic).
/// Deterministic for a seed; a saved model predicts bit-identically after load().

#include <cstdint>
#include <filesystem>
#include <span>
#include <vector>

namespace telemine::ml {

struct ForestOptions {
  int trees = 100;
  int depth = 8;
  double subsample = 0.632;      ///< rows per tree (a bootstrap's share of distinct rows)
  double colsample = 0.333;      ///< columns considered at each split (colsample_bynode)
  bool classification = false;   ///< binary:logistic on 0/1 labels, else reg:squarederror
  std::uint64_t seed = 1;
  int threads = 1;
};

class Forest {
 public:
  /// Trains on `rows` x `cols` row-major features (NaN = missing) and one label per row.
  /// Throws UsageError for no rows or a constant target (nothing to explain).
  static Forest train(std::span<const float> features, std::size_t cols, std::span<const float> labels,
                      const ForestOptions& options);
  /// Throws IoError naming the file.
  static Forest load(const std::filesystem::path& file, int threads = 1);
  Forest(Forest&&) noexcept;
  Forest& operator=(Forest&&) noexcept;
  ~Forest();

  std::size_t features() const noexcept { return cols_; }
  /// One prediction per row (classification: the probability of 1).
  std::vector<float> predict(std::span<const float> features) const;
  /// Total gain of the splits on each feature, normalised to sum 1 (0 for unused features).
  std::vector<double> importance() const;
  /// Writes the model (XGBoost's JSON format) to a temporary name, then renames it to `file`.
  void save(const std::filesystem::path& file) const;

 private:
  Forest(void* booster, std::size_t cols) : booster_(booster), cols_(cols) {}
  void* booster_ = nullptr;
  std::size_t cols_ = 0;
};

}  // namespace telemine::ml
