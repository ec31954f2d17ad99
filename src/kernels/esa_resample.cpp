#include "kernels/esa_resample.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <vector>

namespace telemine::kernels::esa {

namespace {

// Sorted, disjoint closed intervals: a sample is labelled when one holds its time.
std::vector<Interval> merged(std::span<const Interval> labels) {
  std::vector<Interval> v(labels.begin(), labels.end());
  std::sort(v.begin(), v.end(), [](const Interval& a, const Interval& b) { return a.start < b.start; });
  std::vector<Interval> out;
  for (const auto& i : v) {
    if (!out.empty() && i.start <= out.back().end) out.back().end = std::max(out.back().end, i.end);
    else out.push_back(i);
  }
  return out;
}

bool labelled(const std::vector<Interval>& iv, TimeNs t) {
  auto it = std::upper_bound(iv.begin(), iv.end(), t, [](TimeNs x, const Interval& i) { return x < i.start; });
  return it != iv.begin() && t <= std::prev(it)->end;
}

// The bin's sample to restore (ESA-ADB: more than one sample, the last one not labelled, some
// labelled): its index, or -1.
std::ptrdiff_t to_restore(std::span<const TimeNs> time, std::size_t a, std::size_t e, const std::vector<Interval>& iv) {
  if (e - a < 2 || labelled(iv, time[e - 1])) return -1;
  for (std::size_t i = e - 1; i-- > a;)
    if (labelled(iv, time[i])) return static_cast<std::ptrdiff_t>(i);
  return -1;
}

}  // namespace

std::int64_t resample_channel(std::span<const TimeNs> time, std::span<const double> values,
                              std::span<const Interval> labels, TimeNs t0, DurationNs grid, bool restore,
                              std::span<double> value, std::span<std::uint8_t> flag, std::span<TimeNs> restored) {
  const std::vector<Interval> iv = merged(labels);
  const std::size_t n = value.size(), m = time.size();
  // a: the first sample of row k's bin [t_k - grid, t_k); q: the first interval ending at or
  // after the bin's start (no interval left: nothing to flag or restore).
  std::size_t a = static_cast<std::size_t>(std::lower_bound(time.begin(), time.end(), t0 - grid) - time.begin());
  std::size_t q = 0, f = 0;
  std::int64_t count = 0;
  for (std::size_t k = 0; k < n; ++k) {
    const TimeNs t = t0 + static_cast<TimeNs>(k) * grid;
    std::size_t e = a;
    while (e < m && time[e] < t) ++e;
    std::size_t h = e;
    while (h < m && time[h] <= t) ++h;
    value[k] = h > 0 ? values[h - 1] : std::numeric_limits<double>::quiet_NaN();
    while (f < iv.size() && iv[f].end < t) ++f;
    flag[k] = f < iv.size() && iv[f].start <= t;
    restored[k] = kTimeMin;
    while (q < iv.size() && iv[q].end < t - grid) ++q;
    if (restore && q < iv.size() && iv[q].start < t) {  // a label meets the bin
      const std::ptrdiff_t r = to_restore(time, a, e, iv);
      if (r >= 0) value[k] = values[r], flag[k] = 1, restored[k] = time[r], ++count;
    }
    a = e;
  }
  return count;
}

std::pair<double, double> finite_range(std::span<const double> values) {
  double lo = std::numeric_limits<double>::infinity(), hi = -lo;
  for (double v : values)
    if (std::isfinite(v)) lo = std::min(lo, v), hi = std::max(hi, v);
  if (lo > hi) return {std::numeric_limits<double>::quiet_NaN(), std::numeric_limits<double>::quiet_NaN()};
  return {lo, hi};
}

void minmax_scale(std::span<double> values, double lo, double hi) {
  if (!std::isfinite(lo) || !std::isfinite(hi)) return;  // no train value: left as it is
  const double span = hi > lo ? hi - lo : 1.0;
  for (double& v : values) v = (v - lo) / span;
}

}  // namespace telemine::kernels::esa
