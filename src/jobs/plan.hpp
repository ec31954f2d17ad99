#pragma once
/// \file Planning: which partitions a job reads and which rank reads them. Rank 0 makes the plan
/// from the catalogues and broadcasts it; every rank then reads its own contiguous run of
/// partitions (balanced by sample count) with serial HDF5.

#include <cstdint>
#include <string>
#include <vector>

#include "io/archive.hpp"
#include "jobs/job.hpp"

namespace telemine {
class Comm;
}

namespace telemine::jobs {

struct PlannedMission {
  std::string name;
  std::vector<io::ParamInfo> params;  ///< the selected parameters, sorted by name
};

struct PlannedPartition {
  int mission = 0;  ///< index into Plan::missions
  io::PartitionInfo info;
};

struct Plan {
  std::vector<PlannedMission> missions;
  std::vector<PlannedPartition> partitions;  ///< by mission, then time
  std::vector<std::int64_t> rank_begin;      ///< rank r reads partitions [rank_begin[r], rank_begin[r+1])
  TimeNs from = kTimeMin;
  TimeNs to = kTimeMax;
  /// The range resolved for people: `from` and `to` where the job gives them, otherwise the
  /// selected missions' first partition start and last partition end.
  TimeNs resolved_from = kTimeMin;
  TimeNs resolved_to = kTimeMax;
  std::string archive;  ///< the archive folder, absolute

  int ranks() const noexcept { return static_cast<int>(rank_begin.size()) - 1; }
  std::int64_t samples_of_rank(int r) const;
  /// The per-rank listing printed by --dry-run.
  std::string describe() const;
  /// The line printed at the start of a job: kind, archive (absolute), missions, resolved range.
  std::string announce(const std::string& kind) const;
};

/// The span of each mission's samples, `SYN1 2026-01-01T00:00:00Z .. 2026-01-03T23:59:59Z`,
/// comma-separated (`SYN1 (no data)` for an empty mission), for messages.
std::string spans_text(const io::Archive& archive, const std::vector<std::string>& missions);

/// True when some partition of `catalog` holds samples in [from, to).
bool has_samples_in(const io::Catalog& catalog, TimeNs from, TimeNs to);

/// Throws Error (exit status 1) when no mission of `missions` holds a sample in [from, to):
/// the message says that nothing overlaps, names the range (and `what`: where it was given)
/// and prints the archive's span.
void require_overlap(const io::Archive& archive, const std::vector<std::string>& missions, TimeNs from, TimeNs to,
                     const std::string& what);

/// Resolves missions and parameter patterns against the archive and assigns partitions to
/// `ranks` ranks. Throws JobError naming the job file, line and key for an unknown mission, a
/// pattern that matches nothing, or a missing archive.
Plan make_plan(const Job& job, int ranks);

/// Collective: rank 0 makes the plan (validation errors reach every rank), then broadcasts it.
/// With `announce`, rank 0 prints Plan::announce on stderr unless the job is --quiet.
Plan plan_collectively(const Job& job, const Comm& comm, bool announce = true);

}  // namespace telemine::jobs
