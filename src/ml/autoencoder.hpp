#pragma once
/// \file A dense autoencoder (LibTorch), trained on nominal rows and used to score rows by their
/// reconstruction error. This header does not include Torch: only autoencoder.cpp does, so the
/// jobs that use it compile in seconds.

#include <cstdint>
#include <filesystem>
#include <map>
#include <memory>
#include <span>
#include <string>
#include <vector>

namespace telemine {
class Comm;
}

namespace telemine::ml {

struct TrainOptions {
  int epochs = 30;
  int batch = 256;  ///< the global batch: split over the ranks in data-parallel training
  double learning_rate = 1e-3;
  std::uint64_t seed = 1;
};

struct TrainReport {
  std::int64_t rows = 0;     ///< over every rank
  std::int64_t steps = 0;
  double final_loss = 0;     ///< mean squared error of the last epoch
  double seconds = 0;
};

/// inputs -> hidden[0] -> ... -> hidden[last] (the code) -> ... -> hidden[0] -> inputs, tanh
/// between layers, linear output. Deterministic for a seed (and, data-parallel, a rank count).
class Autoencoder {
 public:
  Autoencoder(int inputs, std::vector<int> hidden, std::uint64_t seed);
  ~Autoencoder();
  Autoencoder(Autoencoder&&) noexcept;
  Autoencoder& operator=(Autoencoder&&) noexcept;

  int inputs() const noexcept;
  const std::vector<int>& hidden() const noexcept;

  /// Adam on the mean squared reconstruction error of `rows` (row-major, n x inputs). With
  /// `data_parallel`, every rank passes its own rows and takes its share of each global batch;
  /// the gradients are averaged with one MPI_Allreduce per step, so the weights stay identical
  /// on every rank. Collective over `data_parallel` when given.
  TrainReport train(std::span<const float> rows, const TrainOptions& options, const Comm* data_parallel = nullptr);

  /// Squared reconstruction error of every input of every row (n x inputs, row-major).
  void errors(std::span<const float> rows, std::span<float> out) const;

  /// Every weight, flattened (for checks that ranks agree).
  std::vector<float> flat_weights() const;

  /// One file: the weights, the layer sizes, and `numbers` / `texts` the caller keeps with the
  /// model (normalisation, threshold, parameter names). Written atomically.
  void save(const std::filesystem::path& file, const std::map<std::string, std::vector<double>>& numbers,
            const std::map<std::string, std::string>& texts) const;
  static Autoencoder load(const std::filesystem::path& file, std::map<std::string, std::vector<double>>& numbers,
                          std::map<std::string, std::string>& texts);

 private:
  struct Impl;
  explicit Autoencoder(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

/// Torch threads of this process (intra-op). One per rank by default.
void set_threads(int threads);

}  // namespace telemine::ml
