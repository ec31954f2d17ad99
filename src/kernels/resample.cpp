#include "kernels/resample.hpp"

#include <cmath>
#include <vector>

namespace telemine::kernels {

void resample_mean(std::span<const TimeNs> time, std::span<const double> value, TimeNs start, DurationNs step,
                   std::span<double> out) {
  const auto n = static_cast<std::int64_t>(out.size());
  std::vector<double> sum(out.size(), 0.0);
  std::vector<std::int64_t> count(out.size(), 0);
  for (std::size_t i = 0; i < time.size(); ++i) {
    if (time[i] < start) continue;
    const std::int64_t k = (time[i] - start) / step;
    if (k >= n) break;
    if (std::isnan(value[i])) continue;
    sum[k] += value[i];
    ++count[k];
  }
  for (std::int64_t k = 0; k < n; ++k) out[k] = count[k] ? sum[k] / static_cast<double>(count[k]) : NAN;
}

double resample_last(std::span<const TimeNs> time, std::span<const double> value, TimeNs start, DurationNs step,
                     std::span<double> out, double carry) {
  std::size_t i = 0;
  for (std::size_t k = 0; k < out.size(); ++k) {
    const TimeNs end = start + static_cast<TimeNs>(k + 1) * step;
    for (; i < time.size() && time[i] < end; ++i)
      if (!std::isnan(value[i])) carry = value[i];
    out[k] = carry;
  }
  return carry;
}

bool window_inputs(std::span<const double> values, std::vector<float>& x) {
  std::size_t present = 0;
  double held = NAN;
  for (double v : values) {
    present += !std::isnan(v);
    if (std::isnan(held) && !std::isnan(v)) held = v;
  }
  if (2 * present < values.size()) return false;
  for (double v : values) {
    if (!std::isnan(v)) held = v;
    x.push_back(static_cast<float>(held));
  }
  return true;
}

}  // namespace telemine::kernels
