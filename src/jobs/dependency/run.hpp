#pragma once
/// \file `kind = dependency`: which parameters move together, and with what delay.
///
/// Phases, each collective:
///  1. read and resample: each rank reads the partitions of its own days (all missions) onto
///     the common grid: bucket mean for numeric parameters, last value held for state ones;
///  2. transpose: every parameter's whole series goes to the rank that owns it, which bins it
///     on its exact global distribution and measures its autocorrelation;
///  3. pairs: the pairs are ordered in tiles and split into contiguous runs, one per rank; each
///     rank receives the codes of the parameters its pairs touch, and measures every pair at
///     every lag;
///  4. rank 0 controls the false discovery rate over all tests (from the small p-values alone)
///     and writes the outputs as the ranks hand it their sorted results in bounded rounds.
/// bench/README.md has the cost model behind this strategy.

namespace telemine {
class Comm;
}

namespace telemine::jobs {

class Job;

/// Collective. Returns the exit status (0); errors are thrown on every rank.
int run_dependency(const Job& job, const Comm& comm);

}  // namespace telemine::jobs
