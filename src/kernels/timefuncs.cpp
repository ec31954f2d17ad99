#include "kernels/timefuncs.hpp"

#include <cmath>
#include <limits>
#include <vector>

namespace telemine::kernels {

namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

// t - d without wrapping below the smallest time.
constexpr TimeNs minus(TimeNs t, DurationNs d) noexcept { return t < kTimeMin + d ? kTimeMin : t - d; }

}  // namespace

void align_held(std::span<const TimeNs> src_time, std::span<const double> src_value, std::span<const TimeNs> at,
                DurationNs hold, std::span<double> out) {
  // One forward pass: `j` is the number of source samples at or before at[i].
  std::size_t j = 0;
  for (std::size_t i = 0; i < at.size(); ++i) {
    while (j < src_time.size() && src_time[j] <= at[i]) ++j;
    out[i] = j > 0 && at[i] - src_time[j - 1] <= hold ? src_value[j - 1] : kNaN;
  }
}

void lag(std::span<const TimeNs> time, std::span<const double> value, DurationNs lag, DurationNs hold,
         std::span<double> out) {
  std::size_t j = 0;
  for (std::size_t i = 0; i < time.size(); ++i) {
    const TimeNs at = minus(time[i], lag);
    while (j < time.size() && time[j] <= at) ++j;
    out[i] = j > 0 && at - time[j - 1] <= hold ? value[j - 1] : kNaN;
  }
}

void diff(std::span<const TimeNs> time, std::span<const double> value, DurationNs hold, std::span<double> out) {
  if (time.empty()) return;
  out[0] = kNaN;
  for (std::size_t i = 1; i < time.size(); ++i)
    out[i] = time[i] - time[i - 1] <= hold ? value[i] - value[i - 1] : kNaN;
}

void rate(std::span<const TimeNs> time, std::span<const double> value, DurationNs hold, std::span<double> out) {
  if (time.empty()) return;
  out[0] = kNaN;
  for (std::size_t i = 1; i < time.size(); ++i) {
    const DurationNs dt = time[i] - time[i - 1];
    out[i] = dt <= hold ? (value[i] - value[i - 1]) / (static_cast<double>(dt) * 1e-9) : kNaN;
  }
}

void trailing_mean(std::span<const TimeNs> time, std::span<const double> value, DurationNs window,
                   std::span<double> out) {
  const std::size_t n = time.size();
  // Within each epoch-aligned block: sums of the valid samples from the block's start up to i
  // (prefix) and from i to the block's end (suffix), each summed in one fixed order.
  std::vector<double> pre(n), suf(n);
  std::vector<std::int64_t> pre_n(n), suf_n(n);
  std::vector<std::size_t> block_begin(n);
  for (std::size_t i = 0, b = 0; i < n; ++i) {
    if (i > 0 && bucket_start(time[i], window) != bucket_start(time[i - 1], window)) b = i;
    block_begin[i] = b;
    const bool valid = !std::isnan(value[i]);
    pre[i] = (i > b ? pre[i - 1] : 0.0) + (valid ? value[i] : 0.0);
    pre_n[i] = (i > b ? pre_n[i - 1] : 0) + valid;
  }
  for (std::size_t k = n; k-- > 0;) {
    const bool last = k + 1 == n || block_begin[k + 1] != block_begin[k];
    const bool valid = !std::isnan(value[k]);
    suf[k] = (last ? 0.0 : suf[k + 1]) + (valid ? value[k] : 0.0);
    suf_n[k] = (last ? 0 : suf_n[k + 1]) + valid;
  }
  // The window (t - w, t] = the tail of the previous block from j, then this block up to i.
  std::size_t j = 0;
  for (std::size_t i = 0; i < n; ++i) {
    const TimeNs after = minus(time[i], window);
    while (j < i && time[j] <= after) ++j;
    double sum = pre[i];
    std::int64_t count = pre_n[i];
    if (j < block_begin[i]) {
      sum = suf[j] + sum;
      count += suf_n[j];
    }
    out[i] = count > 0 ? sum / static_cast<double>(count) : kNaN;
  }
}

void held(std::span<const TimeNs> time, std::span<const double> value, DurationNs hold, std::span<double> out) {
  bool have = false;
  TimeNs at = 0;
  double last = kNaN;
  for (std::size_t i = 0; i < time.size(); ++i) {
    if (!std::isnan(value[i])) {
      have = true;
      at = time[i];
      last = value[i];
      out[i] = value[i];
    } else {
      out[i] = have && time[i] - at <= hold ? last : kNaN;
    }
  }
}

}  // namespace telemine::kernels
