#pragma once
// The dependency job's false discovery rate: Benjamini-Hochberg over every pair and lag tested,
// from the small p-values alone. The results stay on their ranks (2 x 10^8 pairs, 11 GB, at
// 20,000 parameters): rank 0 gathers only the p-values up to alpha.

#include <cstdint>
#include <vector>

#include "jobs/dependency/types.hpp"

namespace telemine {
class Comm;
}

namespace telemine::jobs::dependency {

/// Collective: the largest p-value that is a discovery at false discovery rate `alpha` over
/// `tests` tests, from every rank's p-values up to alpha (-1 when none is), on every rank.
double fdr_threshold(const Comm& comm, const std::vector<double>& small_p, std::int64_t tests, double alpha);

/// Collective: marks this rank's results with p <= threshold significant; returns how many of
/// every rank's are.
std::int64_t mark_significant(const Comm& comm, std::vector<PairResult>& results, double threshold);

}  // namespace telemine::jobs::dependency
