#pragma once
// The dependency job's settings, from its [dependency] section (the table is in settings.cpp).

#include <cstdint>
#include <string>
#include <vector>

#include "core/time.hpp"

namespace telemine::jobs {
class Job;
}

namespace telemine::jobs::dependency {

enum class Mode { all, one, sets };

struct Settings {
  DurationNs grid = 0;
  int bins = 16;
  std::int64_t lag_step = 1;  ///< in grid steps
  std::int64_t max_lag = 0;   ///< in grid steps, a multiple of lag_step
  Mode mode = Mode::all;
  std::string target;
  std::vector<std::string> set_a, set_b;
  double alpha = 0.01;
  int top = 10;
  double min_effective = 16;  ///< a pair with fewer effective samples is not tested
  DurationNs checkpoint_every = 30 * kSecond;  ///< work between two checkpoints of the pairs phase
};

/// At most this many grid points over the job's range: a finer grid is refused before it is
/// allocated (8 bytes a point and parameter on the reading rank).
constexpr std::int64_t kMaxGridPoints = 100'000'000;

/// Throws JobError naming the file, line and key.
Settings read_settings(const Job& job);

/// The number of grid points over the job's range [from, to) when both are given (0 when not):
/// refuses a grid with more than kMaxGridPoints, and a max-lag not shorter than the range.
void check_against_range(const Job& job, const Settings& settings);

}  // namespace telemine::jobs::dependency
