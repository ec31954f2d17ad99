#pragma once
/// \file Per-bucket statistics of one parameter: the kernel of the `stats` analysis.
/// Pure functions over spans: no MPI, HDF5 or Torch.

#include <cmath>
#include <cstdint>
#include <limits>
#include <span>
#include <vector>

#include "core/time.hpp"

namespace telemine::kernels {

/// Mergeable state of one bucket. Plain data (trivially copyable), so that partial states can be
/// sent between ranks as bytes.
struct BucketStats {
  TimeNs start = 0;             ///< bucket start (aligned to the epoch)
  std::int64_t count = 0;       ///< valid samples
  std::int64_t nan_count = 0;   ///< invalid (NaN) samples
  double min = std::numeric_limits<double>::infinity();
  double max = -std::numeric_limits<double>::infinity();
  double mean = 0;              ///< of the valid samples (0 while count == 0)
  double m2 = 0;                ///< sum of squared deviations from the mean
  double first = std::numeric_limits<double>::quiet_NaN();  ///< first valid value
  double last = std::numeric_limits<double>::quiet_NaN();   ///< last valid value
};

/// Appends one BucketStats per bucket of width `width` (aligned to the Unix epoch) holding at
/// least one sample, valid or not, in time order. `time` is sorted ascending.
void bucket_stats(std::span<const TimeNs> time, std::span<const double> value, DurationNs width,
                  std::vector<BucketStats>& out);

/// Statistics of one run of samples (all in one bucket): the vectorised core of bucket_stats.
BucketStats segment_stats(std::span<const double> value);

/// Merges `later` (the same bucket, from samples after acc's) into `acc` with the parallel
/// variance formula (Chan et al.). Not commutative in floating point: callers merge in time order.
void merge(BucketStats& acc, const BucketStats& later) noexcept;

/// Outputs: NaN where undefined (no valid sample; fewer than two for the standard deviation).
inline double min_of(const BucketStats& b) noexcept { return b.count ? b.min : std::numeric_limits<double>::quiet_NaN(); }
inline double max_of(const BucketStats& b) noexcept { return b.count ? b.max : std::numeric_limits<double>::quiet_NaN(); }
inline double mean_of(const BucketStats& b) noexcept { return b.count ? b.mean : std::numeric_limits<double>::quiet_NaN(); }
/// Sample standard deviation (n - 1).
inline double sample_std(const BucketStats& b) noexcept {
  return b.count >= 2 ? std::sqrt(b.m2 / static_cast<double>(b.count - 1)) : std::numeric_limits<double>::quiet_NaN();
}

}  // namespace telemine::kernels
