#include "kernels/stats.hpp"

#include <algorithm>
#include <cstring>

#include "core/dispatch.hpp"

namespace telemine::kernels {

namespace {

// Explicit SIMD through GCC/Clang vector extensions: four independent accumulators of four
// doubles each, kept in registers. The additions happen in a fixed order, so results are
// reproducible without -ffast-math, and NaN is masked rather than branched on.
using v4d = double __attribute__((vector_size(32)));
using v4l = long long __attribute__((vector_size(32)));
constexpr std::size_t kWidth = 4;
constexpr std::size_t kUnroll = 4;
constexpr std::size_t kBlock = kWidth * kUnroll;

inline v4d load(const double* p) noexcept {
  v4d x;
  std::memcpy(&x, p, sizeof x);
  return x;
}
inline v4d masked(v4d x, v4l keep) noexcept { return reinterpret_cast<v4d>(reinterpret_cast<v4l>(x) & keep); }
inline v4d splat(double d) noexcept { return v4d{d, d, d, d}; }

}  // namespace

// As the pair kernel: an AVX2 clone chosen at load time, the x86-64-v2 code elsewhere.
TELEMINE_AVX2_CLONE
BucketStats segment_stats(std::span<const double> v) {
  BucketStats b;
  const std::size_t n = v.size();
  const double* x = v.data();
  const double inf = std::numeric_limits<double>::infinity();

  // Pass 1: count, sum, min, max of the valid samples. x == x is false only for NaN, and NaN
  // fails every comparison, so it never becomes a min or a max.
  v4d sum[kUnroll], mn[kUnroll], mx[kUnroll];
  v4l cnt[kUnroll];
  for (std::size_t u = 0; u < kUnroll; ++u) {
    sum[u] = splat(0), mn[u] = splat(inf), mx[u] = splat(-inf), cnt[u] = v4l{0, 0, 0, 0};
  }
  std::size_t k = 0;
  for (; k + kBlock <= n; k += kBlock)
    for (std::size_t u = 0; u < kUnroll; ++u) {
      const v4d xi = load(x + k + u * kWidth);
      const v4l ok = xi == xi;
      sum[u] += masked(xi, ok);
      cnt[u] -= ok;  // true is -1
      mn[u] = xi < mn[u] ? xi : mn[u];
      mx[u] = xi > mx[u] ? xi : mx[u];
    }
  double total = 0;
  for (std::size_t u = 0; u < kUnroll; ++u)
    for (std::size_t l = 0; l < kWidth; ++l) {
      total += sum[u][l];
      b.count += cnt[u][l];
      b.min = std::min(b.min, mn[u][l]);
      b.max = std::max(b.max, mx[u][l]);
    }
  for (; k < n; ++k) {
    const double xi = x[k];
    if (xi != xi) continue;
    total += xi;
    ++b.count;
    b.min = std::min(b.min, xi);
    b.max = std::max(b.max, xi);
  }
  b.nan_count = static_cast<std::int64_t>(n) - b.count;
  if (b.count == 0) return b;
  b.mean = total / static_cast<double>(b.count);

  // Pass 2 over the (cache-hot) run: squared deviations from the mean. Two passes are exact
  // enough for values near 1e6 with a small spread, where a one-pass sum of squares is not.
  v4d m2[kUnroll];
  for (auto& a : m2) a = splat(0);
  const v4d mean = splat(b.mean);
  k = 0;
  for (; k + kBlock <= n; k += kBlock)
    for (std::size_t u = 0; u < kUnroll; ++u) {
      const v4d xi = load(x + k + u * kWidth);
      const v4d d = masked(xi - mean, xi == xi);
      m2[u] += d * d;
    }
  for (std::size_t u = 0; u < kUnroll; ++u)
    for (std::size_t l = 0; l < kWidth; ++l) b.m2 += m2[u][l];
  for (; k < n; ++k) {
    const double xi = x[k];
    if (xi == xi) b.m2 += (xi - b.mean) * (xi - b.mean);
  }

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
