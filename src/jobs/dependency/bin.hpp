#pragma once
// The dependency job's bin phase: every parameter's whole series goes to the rank that owns it
// (parameter p to rank p % ranks), which bins it on its exact distribution and measures its
// autocorrelation; the summaries go to every rank. The phase's result is checkpointed, so that
// a job run again skips the read and the bin phases.

#include <cstdint>
#include <optional>
#include <span>
#include <vector>

#include "jobs/dependency/types.hpp"
#include "jobs/product.hpp"

namespace telemine {
class Comm;
}

namespace telemine::jobs {
class Checkpoints;
}

namespace telemine::jobs::dependency {

inline int owner(std::int32_t p, int ranks) { return static_cast<int>(p % ranks); }
/// The parameters rank `me` owns: me, me + ranks, ...
std::vector<std::int32_t> owned_params(std::int32_t n_params, int me, int ranks);

/// One parameter's whole series binned: `codes` gets one code a grid point when it has two or
/// more distinct values. A state parameter with at most `bins` distinct values gets one bin a
/// value; any other, equal-frequency bins.
ParamSummary bin_series(std::span<const double> full, bool state, int bins, std::span<const std::int64_t> acf_lags,
                        std::vector<std::uint8_t>& codes);

struct Binned {
  std::vector<std::vector<std::uint8_t>> codes;  ///< of the parameters this rank owns (others empty)
  std::vector<ParamSummary> summary;             ///< of every parameter
};
/// Collective: sends each rank's slices (slice[r] .. slice[r+1] of `points`) to the owners and
/// bins there. `values` is consumed.
Binned transpose_and_bin(const Comm& comm, const std::vector<Param>& params, int bins, const std::vector<std::int64_t>& slice,
                         std::vector<std::vector<double>>& values, std::span<const std::int64_t> acf_lags);

/// What the read and bin phases leave, as this rank checkpoints it.
struct BinStage {
  Binned binned;
  std::int64_t total_samples = 0;
  std::vector<SkippedPartition> skipped;  ///< by this rank
  bool resumed = false;                   ///< read back from checkpoints (not saved)
};
void save_bin_stage(const Checkpoints& checkpoints, int me, const std::vector<std::int32_t>& owned, const BinStage& stage);
/// This rank's checkpoint, if it has a valid one for `n_params` parameters. Local.
std::optional<BinStage> load_bin_stage(const Checkpoints& checkpoints, int me, std::size_t n_params,
                                       const std::vector<std::int32_t>& owned);

}  // namespace telemine::jobs::dependency
