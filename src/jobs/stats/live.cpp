#include "jobs/stats/live.hpp"

#include <algorithm>
#include <filesystem>

#include "core/error.hpp"

namespace telemine::jobs::stats {

namespace {

// The rank that reads plan partition i.
int owner_of(const Plan& plan, std::int64_t i) {
  int r = 0;
  while (r + 1 < plan.ranks() && plan.rank_begin[r + 1] <= i) ++r;
  return r;
}

// A live-only slice of `mission` starting at `start` goes to the rank of the mission's last
// planned partition before it, else of its first (it precedes them all), else rank 0.
int owner_of_slice(const Plan& plan, int mission, TimeNs start) {
  std::int64_t before = -1, first = -1;
  for (std::int64_t i = 0; i < static_cast<std::int64_t>(plan.partitions.size()); ++i) {
    const auto& p = plan.partitions[static_cast<std::size_t>(i)];
    if (p.mission != mission) continue;
    if (first < 0) first = i;
    if (p.info.start < start) before = i;
  }
  return before >= 0 ? owner_of(plan, before) : first >= 0 ? owner_of(plan, first) : 0;
}

// The planned partitions of one mission must be those its catalogue, read now, lists.
void check_unchanged(const io::Catalog& catalog, const Plan& plan, int mission) {
  const PlannedMission& m = plan.missions[static_cast<std::size_t>(mission)];
  std::vector<io::PartitionInfo> planned, now;
  for (const auto& p : plan.partitions)
    if (p.mission == mission) planned.push_back(p.info);
  for (const io::PartitionInfo* p : catalog.overlapping(plan.from, plan.to)) now.push_back(*p);
  if (planned != now)
    throw Error("mission " + m.name + ": telemine stream compacted live samples into the archive while this job was planned; "
                "run it again");
}

}  // namespace

LiveInput LiveInput::read(const io::Archive& archive, const Plan& plan, int rank) {
  LiveInput in;
  const std::size_t n = plan.missions.size();
  in.views_.assign(n, std::make_shared<const io::LiveView>());
  in.live_slices_.resize(n);
  for (std::size_t m = 0; m < n; ++m) {
    const PlannedMission& pm = plan.missions[m];
    const auto dir = archive.mission_dir(pm.name);
    std::error_code ec;
    if (!std::filesystem::is_directory(io::live_dir(dir), ec)) continue;
    io::LiveTail tail(dir);
    tail.refresh();  // the segments first, then the catalogue (io/live.hpp)
    in.views_[m] = tail.view();
    const io::Catalog catalog = archive.catalog(pm.name);
    check_unchanged(catalog, plan, static_cast<int>(m));
    const DurationNs slice = catalog.slice;
    io::Series s;
    for (const auto& p : pm.params) {
      s.time.clear(), s.value.clear();
      in.views_[m]->append(p.name, plan.from, plan.to, s);
      for (const TimeNs t : s.time) in.live_slices_[m].insert(bucket_start(t, slice));
    }
    std::set<TimeNs> stored;
    for (const auto& p : plan.partitions)
      if (p.mission == static_cast<int>(m)) stored.insert(p.info.start);
    for (const TimeNs start : in.live_slices_[m])
      if (!stored.count(start) && owner_of_slice(plan, static_cast<int>(m), start) == rank)
        in.own_.push_back({static_cast<int>(m), start, start + slice});
  }
  return in;
}

bool LiveInput::touches(int mission, TimeNs start) const {
  return live_slices_[static_cast<std::size_t>(mission)].count(start) > 0;
}

void LiveInput::merge_into(int mission, const std::string& param, TimeNs from, TimeNs to, io::Series& s) const {
  const std::size_t before = s.size();
  views_[static_cast<std::size_t>(mission)]->append(param, from, to, s);
  if (s.size() > before) io::sort_and_dedupe(s.time, s.value);
}

}  // namespace telemine::jobs::stats
