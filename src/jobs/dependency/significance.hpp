#pragma once
// The dependency job's false discovery rate: Benjamini-Hochberg over every pair and lag tested,
// from the small p-values alone. The results stay on their ranks (2 x 10^8 pairs, 11 GB, at
// 20,000 parameters): rank 0 gathers only the p-values up to alpha.

#include <cstdint>
#include <vector>

#include "jobs/dependency/settings.hpp"
#include "jobs/dependency/types.hpp"

namespace telemine {
class Comm;
}

namespace telemine::jobs::dependency {

/// Collective: the largest p-value that is a discovery at false discovery rate `alpha` over
/// `tests` tests, from every rank's p-values up to alpha (-1 when none is), on every rank.
double fdr_threshold(const Comm& comm, const std::vector<double>& small_p, std::int64_t tests, double alpha);

/// Collective: marks this rank's results with p <= threshold and at least `min_effective`
/// effective samples significant; returns how many of every rank's are.
std::int64_t mark_significant(const Comm& comm, std::vector<PairResult>& results, double threshold,
                              double min_effective);

/// What a reader of the results should know, over every rank's pairs.
struct Caveats {
  std::int64_t at_max_lag = 0;      ///< significant pairs whose strongest lag is +-max-lag (> 0)
  std::int64_t few_points = 0;      ///< pairs that counted fewer than kPointsPerCell x bins_a x bins_b points
  std::int64_t few_effective = 0;   ///< pairs below min-effective-samples: not tested
};
/// Points a cell of a pair's joint table below which mi and nmi are biased upwards (plug-in
/// bias (bins_a - 1)(bins_b - 1) / 2n nats; nmi tends to 1 with one point a cell).
inline constexpr std::int64_t kPointsPerCell = 4;

/// Which caveats one pair has (0 or 1 each).
Caveats caveats_of(const PairResult& r, const Settings& settings, const std::vector<ParamSummary>& summary);

/// Collective: every rank's caveats counted; rank 0 warns on stderr for each kind, with a few
/// of the pairs as examples. Returns the totals on every rank.
Caveats warn_caveats(const Comm& comm, const Settings& settings, const std::vector<Param>& params,
                     const std::vector<ParamSummary>& summary, const std::vector<PairResult>& results);

}  // namespace telemine::jobs::dependency
