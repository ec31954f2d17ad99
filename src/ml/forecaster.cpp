#include "ml/forecaster.hpp"

#include "core/error.hpp"
#include "ml/net.hpp"

namespace telemine::ml {

std::vector<std::int64_t> runs_of(std::span<const std::int64_t> times, std::int64_t step) {
  std::vector<std::int64_t> runs;
  for (std::size_t i = 0; i < times.size(); ++i) {
    if (i == 0 || times[i] - times[i - 1] != step)
      runs.push_back(1);
    else
      ++runs.back();
  }
  return runs;
}

struct Forecaster::Impl {
  std::unique_ptr<detail::ForecastNet> net;
};

Forecaster::Forecaster(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

Forecaster::Forecaster(ForecastShape shape, std::uint64_t seed) : impl_(std::make_unique<Impl>()) {
  if (shape.inputs < 1 || shape.hidden.empty() || shape.targets.empty() || shape.history < 1 || shape.horizon < 1)
    throw InternalError("forecaster: no inputs, layer, target, history or horizon");
  for (int t : shape.targets)
    if (t < 0 || t >= shape.inputs) throw InternalError("forecaster: a target column outside the inputs");
  impl_->net = detail::backend().create_forecaster(shape, seed);
}

Forecaster::~Forecaster() = default;
Forecaster::Forecaster(Forecaster&&) noexcept = default;
Forecaster& Forecaster::operator=(Forecaster&&) noexcept = default;

const ForecastShape& Forecaster::shape() const noexcept { return impl_->net->shape(); }

TrainReport Forecaster::train(std::span<const float> series, std::span<const std::int64_t> runs,
                              const ForecastOptions& options) {
  return impl_->net->train(series, runs, options);
}

void Forecaster::errors(std::span<const float> series, std::span<const std::int64_t> runs, std::span<float> out) const {
  impl_->net->errors(series, runs, out);
}

std::vector<float> Forecaster::flat_weights() const { return impl_->net->flat_weights(); }

void Forecaster::save(const std::filesystem::path& file, const std::map<std::string, std::vector<double>>& numbers,
                      const std::map<std::string, std::string>& texts) const {
  impl_->net->save(file, numbers, texts);
}

Forecaster Forecaster::load(const std::filesystem::path& file, std::map<std::string, std::vector<double>>& numbers,
                            std::map<std::string, std::string>& texts) {
  auto impl = std::make_unique<Impl>();
  impl->net = detail::backend().load_forecaster(file, numbers, texts);
  return Forecaster(std::move(impl));
}

std::map<std::string, std::string> saved_texts(const std::filesystem::path& file) {
  return detail::backend().saved_texts(file);
}

}  // namespace telemine::ml
