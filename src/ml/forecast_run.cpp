#include "ml/forecast_run.hpp"

#include <algorithm>

namespace telemine::ml {

ForecastRun::ForecastRun(const Forecaster& forecaster, std::int64_t step)
    : f_(forecaster),
      step_(step),
      inputs_(static_cast<std::size_t>(forecaster.shape().inputs)),
      history_(static_cast<std::size_t>(forecaster.shape().history)),
      chunk_(static_cast<std::size_t>(std::max(1, forecaster.shape().chunk))) {}

void ForecastRun::add(std::int64_t t, std::span<const float> x) {
  if (length_ > 0 && t != times_.back() + step_) {
    score_pending();  // the rows of the run that ends here
    times_.clear(), x_.clear();
    first_ = length_ = scored_ = 0;
  }
  times_.push_back(t);
  x_.insert(x_.end(), x.begin(), x.end());
  ++length_;
}

ForecastRun::Scored ForecastRun::take() {
  score_pending();
  Scored s = std::move(out_);
  out_ = Scored{};
  return s;
}

// Chunk by chunk, as Forecaster::errors plans them: chunk k forecasts rows history + k * chunk
// onwards, each from the rows since k * chunk. A chunk not yet full gives its first rows the
// errors the full one will: the pass over it is causal.
void ForecastRun::score_pending() {
  const std::size_t nt = f_.shape().targets.size();
  for (std::size_t i = std::max(scored_, history_); i < length_;) {
    const std::size_t k = (i - history_) / chunk_, from = k * chunk_;
    const std::size_t last = std::min(length_, history_ + (k + 1) * chunk_);  // past this chunk's last row
    const std::size_t n = last - from;
    const auto rows = std::span<const float>(x_).subspan((from - first_) * inputs_, n * inputs_);
    std::vector<float> err(n * nt);
    const std::vector<std::int64_t> runs{static_cast<std::int64_t>(n)};
    f_.errors(rows, runs, err);
    for (; i < last; ++i) {
      out_.time.push_back(times_[i - first_]);
      const auto row = std::span<const float>(x_).subspan((i - first_) * inputs_, inputs_);
      out_.x.insert(out_.x.end(), row.begin(), row.end());
      out_.error.insert(out_.error.end(), err.begin() + static_cast<std::ptrdiff_t>((i - from) * nt),
                        err.begin() + static_cast<std::ptrdiff_t>((i - from + 1) * nt));
    }
  }
  scored_ = length_;
  // Only the rows the next forecasts read stay: those since the next row's chunk starts.
  const std::size_t keep = length_ < history_ ? 0 : (length_ - history_) / chunk_ * chunk_;
  if (keep > first_) {
    times_.erase(times_.begin(), times_.begin() + static_cast<std::ptrdiff_t>(keep - first_));
    x_.erase(x_.begin(), x_.begin() + static_cast<std::ptrdiff_t>((keep - first_) * inputs_));
    first_ = keep;
  }
}

}  // namespace telemine::ml
