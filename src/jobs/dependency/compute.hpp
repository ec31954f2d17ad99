#pragma once
// The dependency job's pairs phase: every pair of a rank's run measured at every lag, the
// strongest lag kept, and the p-values that Benjamini-Hochberg may keep collected. The run is
// saved in pieces sized by time (checkpoint-every), so that a job killed part-way resumes its pairs.

#include <array>
#include <cstdint>
#include <optional>
#include <span>
#include <utility>
#include <vector>

#include "jobs/dependency/pairs.hpp"
#include "jobs/dependency/settings.hpp"
#include "jobs/dependency/types.hpp"

namespace telemine {
class Comm;
}

namespace telemine::jobs {
class Checkpoints;
class Job;
}

namespace telemine::jobs::dependency {

/// One pair's measures over its lags: keeps the strongest (ties to the shortest lag, then to
/// the earlier: the same whatever order the lags come in) and the p-values up to alpha.
struct PairBest {
  PairResult result;
  int bins_a, bins_b;
  double inflation;
  double min_effective;  ///< a lag with fewer effective samples offers no p-value to BH
  bool any = false;
  PairBest(std::int32_t a, std::int32_t b, int bins_a_, int bins_b_, double inflation_, double min_effective_ = 0)
      : result{a, b}, bins_a(bins_a_), bins_b(bins_b_), inflation(inflation_), min_effective(min_effective_) {}
  void add(std::int64_t lag, std::span<const std::int64_t> counts, std::span<const double> xlogx, double alpha,
           std::vector<double>& small_p);
};

/// Measures pairs, one group at a time: a Steiner triple's three pairs in a row are counted in
/// one pass (joint_counts_three), and so are two pairs in a row that share their first
/// parameter (joint_counts_two): the same counts as one pair at a time.
class PairMeter {
 public:
  /// `codes` and `summary` by parameter; `passes` the triple passes (empty: no triples).
  PairMeter(const Settings& settings, const std::vector<ParamSummary>& summary,
            const std::vector<std::vector<std::uint8_t>>& codes, std::vector<std::pair<std::int64_t, std::int64_t>> passes,
            std::int64_t points);
  /// Measures the first group of `pairs` (1, 2 or 3 pairs), appends its results; returns its size.
  int measure_group(std::span<const std::pair<std::int32_t, std::int32_t>> pairs, std::vector<PairResult>& results,
                    std::vector<double>& small_p);

 private:
  const Settings& set_;
  const std::vector<ParamSummary>& summary_;
  const std::vector<std::vector<std::uint8_t>>& codes_;
  std::vector<std::pair<std::int64_t, std::int64_t>> passes_;
  std::vector<std::int64_t> lags_, acf_lags_;
  std::vector<double> xlogx_;
  std::array<std::vector<std::int64_t>, 3> tables_;  // joint counts of the group's pairs
};

/// The lags tested: -max-lag .. max-lag by lag-step, in grid steps.
std::vector<std::int64_t> lags_of(const Settings& settings);
/// The passes that count a triple's pairs at every lag (mode all); empty when there are none.
std::vector<std::pair<std::int64_t, std::int64_t>> triple_passes(const Settings& settings);

struct PairsMeasured {
  std::vector<PairResult> results;  ///< this rank's run, in run order
  std::vector<double> small_p;      ///< the p-values up to alpha: the only ones BH can keep
  std::int64_t resumed = 0;         ///< pairs read back from checkpoints (this rank)
};
/// Collective (progress): measures this rank's run in pieces of about `checkpoint_every` of
/// work, each saved as it ends; first reads back the pieces an earlier run of the job finished
/// (a chain from the run's first pair: each piece names its end), so that a killed job run
/// again loses at most one piece a rank.
PairsMeasured measure_pairs(const Job& job, const Comm& comm, const PairRun& run, PairMeter& meter,
                            const Checkpoints& checkpoints, DurationNs checkpoint_every);

}  // namespace telemine::jobs::dependency
