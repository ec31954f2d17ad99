#pragma once
/// \file A forecasting model as Hundman et al. (2018) run it: stacked LSTMs (LibTorch) read the
/// last `history` rows of a series, every column an input (telemetry and command flags), and
/// predict the next `horizon` values of the target columns. A row is scored by the squared error
/// of its one-step forecast. Like the autoencoder, this header does not include Torch.
///
/// A series is row-major (rows x inputs) and cut into runs: consecutive rows with no gap
/// between them. A forecast never reads across a run's start, and a row is forecast only with
/// `history` rows of its run before it (as telemanom, which scores a channel from its 250th row).
///
/// Training is on chunks rather than on one window per forecast: a chunk reads `history + chunk
/// - 1` rows once and yields the forecasts of its last `chunk` rows, each from exactly `history`
/// rows or more of the chunk. The network and the forecasts are Hundman's; the LSTM steps
/// shared by overlapping windows are computed once instead of `history` times.

#include <cstdint>
#include <filesystem>
#include <map>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "ml/autoencoder.hpp"

namespace telemine::ml {

struct ForecastShape {
  int inputs = 1;                 ///< columns of the series
  std::vector<int> targets = {0}; ///< the columns forecast (and scored), each < inputs
  std::vector<int> hidden = {80, 80};  ///< LSTM layers
  int history = 250;              ///< rows a forecast reads
  int horizon = 10;               ///< rows ahead each forecast predicts (the first is scored)
  int chunk = 50;                 ///< forecasts a chunk: a row's forecast reads from its chunk's start
  double dropout = 0.3;           ///< after each LSTM layer, in training
};

struct ForecastOptions {
  int epochs = 35;
  int batch = 8;          ///< chunks a step
  double learning_rate = 1e-3;
  double validation = 0.2;  ///< the last chunks in time, for early stopping (0: none)
  int patience = 10;        ///< epochs without a better validation loss before stopping
  double min_delta = 3e-4;  ///< what counts as better
  std::uint64_t seed = 1;
};

/// Runs of `rows` consecutive rows given their times: a new run where the step is not `step`.
std::vector<std::int64_t> runs_of(std::span<const std::int64_t> times, std::int64_t step);

class Forecaster {
 public:
  Forecaster(ForecastShape shape, std::uint64_t seed);
  ~Forecaster();
  Forecaster(Forecaster&&) noexcept;
  Forecaster& operator=(Forecaster&&) noexcept;

  const ForecastShape& shape() const noexcept;

  /// Adam on the mean squared error of every forecast (each of `horizon` steps, each target)
  /// whose rows all lie in one run. Keeps the weights of the best validation epoch.
  /// Deterministic for a seed and thread count. The report's rows are the forecasts trained on.
  TrainReport train(std::span<const float> series, std::span<const std::int64_t> runs, const ForecastOptions& options);

  /// Per row and target (rows x targets): the squared error of the row's one-step forecast,
  /// NaN for a row with fewer than `history` rows of its run before it.
  void errors(std::span<const float> series, std::span<const std::int64_t> runs, std::span<float> out) const;

  std::vector<float> flat_weights() const;

  /// As Autoencoder::save: the weights, the shape, and the caller's numbers and texts.
  void save(const std::filesystem::path& file, const std::map<std::string, std::vector<double>>& numbers,
            const std::map<std::string, std::string>& texts) const;
  static Forecaster load(const std::filesystem::path& file, std::map<std::string, std::vector<double>>& numbers,
                         std::map<std::string, std::string>& texts);

 private:
  struct Impl;
  explicit Forecaster(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

/// The texts a model file (autoencoder or forecaster) keeps, without building its network.
std::map<std::string, std::string> saved_texts(const std::filesystem::path& file);

}  // namespace telemine::ml
