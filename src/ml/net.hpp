#pragma once
/// \file The boundary between telemine and LibTorch. LibTorch and the ~290 shared libraries it
/// pulls in take a second to load, so the Torch code lives in a module (libtelemine_torch.so)
/// that `Autoencoder` opens on first use: `telemine get` and every job without a model start
/// without it. Only standard types cross this boundary.

#include <cstdint>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "ml/autoencoder.hpp"
#include "ml/forecaster.hpp"

namespace telemine::ml::detail {

/// Data-parallel training: every rank's share, and the sum over ranks of a float buffer.
struct Reduce {
  int ranks = 1, rank = 0;
  std::int64_t global_rows = 0;
  std::function<void(std::span<float>)> sum;  ///< empty: one process
};

/// One autoencoder (see Autoencoder for what each call does).
class Net {
 public:
  virtual ~Net() = default;
  virtual int inputs() const noexcept = 0;
  virtual const std::vector<int>& hidden() const noexcept = 0;
  virtual TrainReport train(std::span<const float> rows, const TrainOptions& options, const Reduce& reduce) = 0;
  virtual void errors(std::span<const float> rows, std::span<float> out) const = 0;
  virtual std::vector<float> flat_weights() const = 0;
  virtual void save(const std::filesystem::path& file, const std::map<std::string, std::vector<double>>& numbers,
                    const std::map<std::string, std::string>& texts) const = 0;
};

/// One forecaster (see Forecaster for what each call does).
class ForecastNet {
 public:
  virtual ~ForecastNet() = default;
  virtual const ForecastShape& shape() const noexcept = 0;
  virtual TrainReport train(std::span<const float> series, std::span<const std::int64_t> runs, const ForecastOptions& options) = 0;
  virtual void errors(std::span<const float> series, std::span<const std::int64_t> runs, std::span<float> out) const = 0;
  virtual std::vector<float> flat_weights() const = 0;
  virtual void save(const std::filesystem::path& file, const std::map<std::string, std::vector<double>>& numbers,
                    const std::map<std::string, std::string>& texts) const = 0;
};

class Backend {
 public:
  virtual ~Backend() = default;
  virtual std::unique_ptr<Net> create(int inputs, const std::vector<int>& hidden, std::uint64_t seed) = 0;
  virtual std::unique_ptr<Net> load(const std::filesystem::path& file, std::map<std::string, std::vector<double>>& numbers,
                                    std::map<std::string, std::string>& texts) = 0;
  virtual void set_threads(int threads) = 0;
  virtual std::unique_ptr<ForecastNet> create_forecaster(const ForecastShape& shape, std::uint64_t seed) = 0;
  virtual std::unique_ptr<ForecastNet> load_forecaster(const std::filesystem::path& file,
                                                       std::map<std::string, std::vector<double>>& numbers,
                                                       std::map<std::string, std::string>& texts) = 0;
  virtual std::map<std::string, std::string> saved_texts(const std::filesystem::path& file) = 0;
};

/// The module, opened on first use (autoencoder.cpp).
Backend& backend();

}  // namespace telemine::ml::detail

/// The module's one entry point.
extern "C" telemine::ml::detail::Backend* telemine_ml_backend();
