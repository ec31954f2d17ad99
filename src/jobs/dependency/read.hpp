#pragma once
// The dependency job's read phase: its parameters (and which side of a pair each may take), the
// common grid, and each rank's grid points read and resampled from its own days.

#include <cstdint>
#include <span>
#include <vector>

#include "core/time.hpp"
#include "jobs/dependency/settings.hpp"
#include "jobs/dependency/types.hpp"
#include "jobs/plan.hpp"
#include "jobs/product.hpp"

namespace telemine {
class Comm;
}

namespace telemine::jobs {
class Job;
class ParamIndex;
}

namespace telemine::jobs::dependency {

/// The job's parameters in plan order (the ParamIndex's numbering).
std::vector<Param> job_params(const ParamIndex& index);

/// Which parameters may take each side of a pair (mode one: the target on side a; mode sets:
/// set-a and set-b). Throws JobError naming the key when a side matches no parameter.
Sides select_sides(const Job& job, const Settings& settings, const std::vector<Param>& params);

/// The common grid: aligned to the Unix epoch, over [from, to) or the partitions' span.
struct Grid {
  TimeNs from = 0, to = 0;  ///< the range read
  TimeNs start = 0;         ///< time of grid point 0
  DurationNs step = 0;
  std::int64_t points = 0;  ///< 0 when the plan has no partition
};
Grid make_grid(const Plan& plan, DurationNs step);

/// Refuses (JobError naming the key) a grid of more than kMaxGridPoints points or a max-lag
/// not shorter than the grid. The same plan on every rank: every rank refuses alike.
void check_grid(const Job& job, const Settings& settings, const Grid& grid);

/// One rank's grid points [lo, hi) of every parameter, resampled (NaN without data).
struct Resampled {
  std::vector<std::vector<double>> values;  ///< per parameter, hi - lo points
  std::int64_t samples = 0;                 ///< samples read by this rank
  std::vector<SkippedPartition> skipped;    ///< by this rank (on-error = skip)
};
/// Collective: reads this rank's days, then holds every state parameter's last value across
/// days and ranks (hold_state).
Resampled read_and_resample(const Job& job, const Plan& plan, const ParamIndex& index, const Comm& comm,
                            const Grid& grid, const std::vector<Param>& params, std::int64_t lo, std::int64_t hi);

/// A state parameter's value holds until its next sample: fills the NaN points of `values`
/// after a value with it, and returns the last value (NaN if none), which the next rank's
/// slice carries in.
double hold_last(std::span<double> values);
/// Fills the NaN points of `values` before its first value with `carry`.
void carry_in(std::span<double> values, double carry);
/// Collective: hold_last on every state parameter of each rank's slice, then carry_in of the
/// last value of the nearest rank before it that has one.
void hold_state(const Comm& comm, const std::vector<Param>& params, std::vector<std::vector<double>>& values);

}  // namespace telemine::jobs::dependency
