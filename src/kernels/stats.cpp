#include "kernels/stats.hpp"

#include <algorithm>

namespace telemine::kernels {

namespace {

// Independent accumulator lanes: the compiler maps them onto SIMD registers (the additions stay
// in a fixed order, so no -ffast-math is needed and results are reproducible).
constexpr std::size_t kLanes = 8;

}  // namespace

BucketStats segment_stats(std::span<const double> v) {
  BucketStats b;
  const std::size_t n = v.size();
  const double* x = v.data();

  // Pass 1: count, sum, min, max of the valid samples. NaN fails every comparison, so it never
  // becomes a min or max, and x == x is false only for NaN.
  double sum[kLanes] = {}, mn[kLanes], mx[kLanes];
  std::int64_t cnt[kLanes] = {};
  for (std::size_t l = 0; l < kLanes; ++l) {
    mn[l] = std::numeric_limits<double>::infinity();
    mx[l] = -std::numeric_limits<double>::infinity();
  }
  std::size_t k = 0;
  for (; k + kLanes <= n; k += kLanes)
    for (std::size_t l = 0; l < kLanes; ++l) {
      const double xi = x[k + l];
      const bool ok = xi == xi;
      sum[l] += ok ? xi : 0.0;
      cnt[l] += ok;
      mn[l] = xi < mn[l] ? xi : mn[l];
      mx[l] = xi > mx[l] ? xi : mx[l];
    }
  for (std::size_t l = 0; k + l < n; ++l) {
    const double xi = x[k + l];
    const bool ok = xi == xi;
    sum[l] += ok ? xi : 0.0;
    cnt[l] += ok;
    mn[l] = xi < mn[l] ? xi : mn[l];
    mx[l] = xi > mx[l] ? xi : mx[l];
  }
  double total = 0;
  for (std::size_t l = 0; l < kLanes; ++l) {
    total += sum[l];
    b.count += cnt[l];
    b.min = std::min(b.min, mn[l]);
    b.max = std::max(b.max, mx[l]);
  }
  b.nan_count = static_cast<std::int64_t>(n) - b.count;
  if (b.count == 0) return b;
  b.mean = total / static_cast<double>(b.count);

  // Pass 2 over the (cache-hot) run: squared deviations from the mean. Two passes are exact
  // enough for values near 1e6 with a small spread, where a one-pass sum of squares is not.
  double m2[kLanes] = {};
  k = 0;
  for (; k + kLanes <= n; k += kLanes)
    for (std::size_t l = 0; l < kLanes; ++l) {
      const double xi = x[k + l];
      const double d = xi == xi ? xi - b.mean : 0.0;
      m2[l] += d * d;
    }
  for (std::size_t l = 0; k + l < n; ++l) {
    const double xi = x[k + l];
    const double d = xi == xi ? xi - b.mean : 0.0;
    m2[l] += d * d;
  }
  for (std::size_t l = 0; l < kLanes; ++l) b.m2 += m2[l];

  const auto valid = [](double xi) { return xi == xi; };
  b.first = *std::find_if(v.begin(), v.end(), valid);
  b.last = *std::find_if(v.rbegin(), v.rend(), valid);
  return b;
}

void bucket_stats(std::span<const TimeNs> time, std::span<const double> value, DurationNs width,
                  std::vector<BucketStats>& out) {
  const std::size_t n = std::min(time.size(), value.size());
  std::size_t i = 0;
  while (i < n) {
    const TimeNs start = bucket_start(time[i], width);
    const TimeNs end = start > kTimeMax - width ? kTimeMax : start + width;
    // Galloping search for the first sample of the next bucket: a short run is found in a few
    // steps, a long one in O(log n).
    std::size_t step = 1, lo = i, hi = i + 1;
    while (hi < n && time[hi] < end) {
      lo = hi;
      step *= 2;
      hi = std::min(n, hi + step);
    }
    const std::size_t j = static_cast<std::size_t>(
        std::lower_bound(time.begin() + static_cast<std::ptrdiff_t>(lo), time.begin() + static_cast<std::ptrdiff_t>(hi), end) -
        time.begin());
    BucketStats b = segment_stats(value.subspan(i, j - i));
    b.start = start;
    out.push_back(b);
    i = j;
  }
}

void merge(BucketStats& acc, const BucketStats& later) noexcept {
  acc.nan_count += later.nan_count;
  if (later.count == 0) return;
  if (acc.count == 0) {
    const auto nan_count = acc.nan_count;
    const auto start = acc.start;
    acc = later;
    acc.nan_count = nan_count;
    acc.start = start;
    return;
  }
  const double na = static_cast<double>(acc.count), nb = static_cast<double>(later.count);
  const double n = na + nb;
  const double delta = later.mean - acc.mean;
  acc.mean += delta * (nb / n);
  acc.m2 += later.m2 + delta * delta * (na * nb / n);
  acc.count += later.count;
  acc.min = std::min(acc.min, later.min);
  acc.max = std::max(acc.max, later.max);
  acc.last = later.last;
}

}  // namespace telemine::kernels
