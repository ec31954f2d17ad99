#pragma once
/// \file ESA-ADB's resampling of one channel onto a regular grid, and min-max scaling: pure
/// functions over spans for `telemine dataset export` (jobs/dataset/export.hpp).
///
/// Grid row k is at t0 + k * grid. Its value is the zero-order hold, the last sample at or
/// before that time (NaN when there is none), and it is flagged when its time lies in one of
/// the channel's closed label intervals.
///
/// Restoration of labelled samples, as ESA-ADB's preprocessing does it
/// (kplabs-pl/ESA-ADB, notebooks/data-prep/Mission1_semisupervised_prep_from_raw.py and
/// Mission2_..., "Restore annotated samples if not present in the resampled series"): the
/// samples are grouped by grid bin [t_k - grid, t_k) (pandas' Grouper on the grid); when a bin
/// holds more than one sample, its last sample is not labelled and some sample in it is, the
/// hold at t_k would lose the anomaly, so row k takes the last labelled sample of the bin
/// instead, value and label (ESA-ADB's `params_dict[param].loc[timestamp + resampling_rule] =
/// org_elements[is_annotated].iloc[-1]`). Communication gaps are not restored there; telemine's
/// channel labels hold only anomalies and rare nominal events, so every label counts.

#include <cstdint>
#include <span>
#include <utility>

#include "core/time.hpp"

namespace telemine::kernels::esa {

/// A closed label interval [start, end] of one channel.
struct Interval {
  TimeNs start = 0, end = 0;
};

/// The rows [0, value.size()) of the grid from `t0`: `value` held, `flag` 1 on labelled rows
/// and on restored rows, `restored[k]` the time of the sample restored at row k (kTimeMin
/// where none). `time` is sorted; it must hold every sample from t0 - grid on (and one before
/// t0, for the hold). `labels` need not be sorted or disjoint. `restore` false: the plain hold.
/// Returns the number of restored rows.
std::int64_t resample_channel(std::span<const TimeNs> time, std::span<const double> values,
                              std::span<const Interval> labels, TimeNs t0, DurationNs grid, bool restore,
                              std::span<double> value, std::span<std::uint8_t> flag, std::span<TimeNs> restored);

/// Min and max of the finite values (NaN, NaN when there is none).
std::pair<double, double> finite_range(std::span<const double> values);

/// (v - lo) / (hi - lo) in place, or v - lo when hi == lo (a constant channel is not divided by
/// zero, as ESA-ADB's algorithms do); NaN stays NaN. Undone by lo + v * (hi - lo).
void minmax_scale(std::span<double> values, double lo, double hi);

}  // namespace telemine::kernels::esa
