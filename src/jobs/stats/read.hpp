#pragma once
// The stats job's read phase: each rank folds its partitions' per-bucket partial states, in
// time order, resuming partitions from their checkpoints.

#include <cstdint>
#include <vector>

#include "jobs/engine/params.hpp"
#include "jobs/engine/scan.hpp"
#include "jobs/stats/compute.hpp"
#include "jobs/stats/settings.hpp"

namespace telemine::jobs {
class Checkpoints;
}

namespace telemine::jobs::stats {

struct Partials {
  std::vector<ParamBuckets> acc;  ///< per parameter of the ParamIndex
  std::int64_t samples = 0;       ///< valid and NaN samples read (or restored)
  ScanReport scan;
};

/// This rank's partitions, read. Local: call it inside Comm::run_phase.
Partials read_partitions(const Job& job, const Plan& plan, const Comm& comm, const Settings& settings,
                         const ParamIndex& params, const Checkpoints& checkpoints);

/// The checkpoint stage of a stats job: everything a partition's partial results depend on.
std::string checkpoint_stage(const Job& job, const Settings& settings, const Plan& plan);

}  // namespace telemine::jobs::stats
