#pragma once
/// \file M4 decimation for plots (Jugel et al., "M4: a visualization-oriented time series data
/// aggregation", VLDB 2014): per pixel column the first, last, minimum and maximum sample. A line
/// drawn through these points, rasterised at that width, is the same as the line through every
/// sample. Pure functions over spans: no MPI, HDF5 or Torch.

#include <cstdint>
#include <span>
#include <vector>

#include "core/time.hpp"

namespace telemine::kernels {

struct PlotPoint {
  TimeNs time = 0;
  double value = 0;
  friend bool operator==(const PlotPoint&, const PlotPoint&) = default;
};

/// The pixel column of time t in a plot of `width` columns over [from, to): floor((t - from) *
/// width / (to - from)), exact for any int64 times. Callers ensure from <= t < to.
int pixel_column(TimeNs from, TimeNs to, int width, TimeNs t) noexcept;

/// Mergeable M4 state of one plot: samples are added in chunks (one partition after another),
/// in time order. Samples outside [from, to) and invalid (NaN) samples are ignored. Ties keep the
/// earliest sample, so the result does not depend on how the samples were chunked.
class M4 {
 public:
  /// Throws UsageError unless from < to and 1 <= width <= 1,000,000.
  M4(TimeNs from, TimeNs to, int width);

  /// Adds a chunk sorted by time, later than every chunk added before.
  void add(std::span<const TimeNs> time, std::span<const double> value);

  /// Adds the state of `later`, an M4 of the same plot whose samples all come after this one's
  /// (so several threads can each decimate their own run of partitions). The result is the one
  /// adding every chunk to one M4 would give. Throws UsageError for another plot.
  void merge(const M4& later);

  /// The selected samples in time order, each at most once (up to 4 per column).
  std::vector<PlotPoint> points() const;
  /// Valid samples inside [from, to) added so far.
  std::int64_t samples() const noexcept { return samples_; }
  int width() const noexcept { return static_cast<int>(columns_.size()); }

 private:
  struct Column {
    std::int64_t count = 0;
    PlotPoint first, last, min, max;
  };
  TimeNs column_start(int c) const noexcept;
  void add_column(int c, std::span<const TimeNs> time, std::span<const double> value);

  TimeNs from_, to_;
  std::vector<Column> columns_;
  std::int64_t samples_ = 0;
};

}  // namespace telemine::kernels
