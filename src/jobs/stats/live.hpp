#pragma once
// The stats job's view of the samples `telemine stream` has made durable and not yet compacted
// (io/live.hpp): merged into the slices of the partitions they fall in, and the slices only
// they hold so far (today's, during a pass) read by the rank whose partitions come just before
// them, so that every rank still folds its buckets in time order.

#include <memory>
#include <set>
#include <string>
#include <vector>

#include "io/archive.hpp"
#include "io/live.hpp"
#include "jobs/plan.hpp"

namespace telemine::jobs::stats {

class LiveInput {
 public:
  struct Slice {
    int mission = 0;
    TimeNs start = 0, end = 0;
  };
  /// Reads the live segments of the plan's missions, then their catalogues: Error when a
  /// compaction has changed the planned partitions meanwhile (its samples would be in neither).
  static LiveInput read(const io::Archive& archive, const Plan& plan, int rank);
  /// True when the segments hold samples of the mission's selected parameters in [start, end).
  bool touches(int mission, TimeNs start) const;
  /// Adds the live samples of `param` in [from, to) to `s`, merged as ingest merges (sorted, one
  /// sample per time, the later wins).
  void merge_into(int mission, const std::string& param, TimeNs from, TimeNs to, io::Series& s) const;
  /// This rank's slices that only the segments hold, in plan order (by mission, then time).
  const std::vector<Slice>& own_slices() const noexcept { return own_; }

 private:
  std::vector<std::shared_ptr<const io::LiveView>> views_;  // per plan mission
  std::vector<std::set<TimeNs>> live_slices_;               // per plan mission: slice starts
  std::vector<Slice> own_;
};

}  // namespace telemine::jobs::stats
