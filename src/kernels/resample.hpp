#pragma once
/// \file Resampling of a parameter's samples onto a regular grid (the dependency finder's and
/// novelty's common grid): bucket mean for numeric parameters, last value held for state ones.

#include <span>
#include <vector>

#include "core/time.hpp"

namespace telemine::kernels {

/// Grid point k covers [start + k*step, start + (k+1)*step). `out` has one entry per point.
/// Bucket mean of the valid samples; NaN where there is none. `time` sorted.
void resample_mean(std::span<const TimeNs> time, std::span<const double> value, TimeNs start, DurationNs step,
                   std::span<double> out);

/// Last valid value at or before the end of each point's interval, held across points without
/// samples (state parameters). `carry` is the value held from before `start` (NaN if none).
/// Returns the value to carry into the next slice of the grid.
double resample_last(std::span<const TimeNs> time, std::span<const double> value, TimeNs start, DurationNs step,
                     std::span<double> out, double carry);

/// Appends one parameter's grid values of a window to `x` as a model reads them: its last value
/// held over gaps (one sampled less often than the grid), from the first present one. False,
/// and nothing appended, when fewer than half its steps are present.
bool window_inputs(std::span<const double> values, std::vector<float>& x);

}  // namespace telemine::kernels
