#include "jobs/novelty/features.hpp"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <optional>

#include "core/comm.hpp"
#include "core/serialize.hpp"
#include "derived/derived.hpp"
#include "jobs/engine/scan.hpp"
#include "jobs/job.hpp"
#include "jobs/product.hpp"
#include "kernels/dependency.hpp"

namespace telemine::jobs::novelty {

namespace k = kernels;

std::vector<Param> params_of(const ParamIndex& index) {
  std::vector<Param> params;
  for (std::size_t p = 0; p < index.size(); ++p) {
    const io::ParamInfo& info = index.info(p);
    params.push_back({index.mission(p), info.name, index.label(p), info.subsystem, info.kind});
  }
  return params;
}

namespace {

std::vector<Group> groups_of_lists(const Settings& set, const std::vector<Param>& params, const Job& job) {
  std::vector<Group> groups;
  for (std::size_t g = 0; g < set.lists.size(); ++g) {
    Group grp{"group" + std::to_string(g + 1), {}};
    for (std::int32_t p = 0; p < static_cast<std::int32_t>(params.size()); ++p)
      for (const auto& pat : set.lists[g])
        if (glob_match(pat, params[p].display) || glob_match(pat, params[p].name)) {
          grp.params.push_back(p);
          break;
        }
    if (grp.params.empty()) job.fail("novelty.group", "'" + set.lists[g].front() + "...' matches no parameter");
    groups.push_back(grp);
  }
  return groups;
}

}  // namespace

std::vector<Group> make_groups(const Settings& set, const std::vector<Param>& params, const Plan& plan, const Job& job) {
  const auto n_params = static_cast<std::int32_t>(params.size());
  std::vector<Group> groups;
  switch (set.group_by) {
    case GroupBy::parameter:
      for (std::int32_t p = 0; p < n_params; ++p) groups.push_back({params[p].display, {p}});
      break;
    case GroupBy::all: {
      std::vector<std::int32_t> all(static_cast<std::size_t>(n_params));
      std::iota(all.begin(), all.end(), 0);
      groups.push_back({"all", all});
      break;
    }
    case GroupBy::subsystem: {
      std::map<std::pair<int, std::string>, std::vector<std::int32_t>> by;
      for (std::int32_t p = 0; p < n_params; ++p) by[{params[p].mission, params[p].subsystem}].push_back(p);
      for (const auto& [key, ps] : by) {
        const std::string sub = key.second.empty() ? "none" : key.second;
        groups.push_back({plan.missions.size() > 1 ? plan.missions[static_cast<std::size_t>(key.first)].name + "/" + sub : sub, ps});
      }
      break;
    }
    case GroupBy::lists: groups = groups_of_lists(set, params, job); break;
    case GroupBy::channel: {
      // `A-1` with `A-1.cmd1`, `A-1.cmd2`, ...: the name up to its first dot.
      std::map<std::pair<int, std::string>, std::vector<std::int32_t>> by;
      for (std::int32_t p = 0; p < n_params; ++p) by[{params[p].mission, params[p].name.substr(0, params[p].name.find('.'))}].push_back(p);
      for (const auto& [key, ps] : by)
        groups.push_back({plan.missions.size() > 1 ? plan.missions[static_cast<std::size_t>(key.first)].name + "/" + key.second : key.second, ps});
      break;
    }
  }
  return groups;
}

Labels read_labels(const Job& job, const Plan& plan, const std::vector<Param>& params) {
  Labels labelled;
  const io::Archive archive = io::Archive::open(job.common().archive);
  for (std::size_t m = 0; m < plan.missions.size(); ++m)
    for (const auto& e : archive.catalog(plan.missions[m].name).events) {
      if (e.kind != "anomaly") continue;
      for (const auto& p : params)
        if (p.mission == static_cast<int>(m) && (e.param.empty() || e.param == p.name)) labelled[p.display].push_back({e.start, e.end});
    }
  return labelled;
}

void day_block(const Settings& set, io::ParamKind kind, const io::Series& series, TimeNs day_start, std::vector<double>& block,
               std::vector<k::BucketStats>& buckets) {
  std::fill(block.begin(), block.end(), NAN);
  if (on_grid(set.kind)) {
    if (kind == io::ParamKind::state) k::resample_last(series.time, series.value, day_start, set.grid, block, NAN);
    else k::resample_mean(series.time, series.value, day_start, set.grid, block);
    return;
  }
  buckets.clear();
  k::bucket_stats(series.time, series.value, set.period, buckets);
  for (const auto& bs : buckets) {
    if (bs.count == 0) continue;
    const auto at = static_cast<std::size_t>((bs.start - day_start) / set.period) * kFeatures;
    block[at] = bs.mean;
    block[at + 1] = bs.count > 1 ? std::sqrt(bs.m2 / static_cast<double>(bs.count - 1)) : 0.0;
    block[at + 2] = bs.min;
    block[at + 3] = bs.max;
  }
}

// A window holds a parameter's last value over gaps and needs half its steps
// (kernels::window_inputs); features need all four.
bool append_inputs(ModelKind kind, std::span<const double> values, std::vector<float>& x) {
  if (on_grid(kind)) return k::window_inputs(values, x);
  for (double v : values) {
    if (std::isnan(v)) return false;
    x.push_back(static_cast<float>(v));
  }
  return true;
}

namespace {

// What one rank sends while it reads: per destination rank, (parameter, day, block) records.
struct Outbox {
  std::vector<ByteWriter> out;
  std::vector<std::size_t> mark;  // where the current partition's blocks begin
  explicit Outbox(int ranks) : out(static_cast<std::size_t>(ranks)), mark(static_cast<std::size_t>(ranks)) {}
  void begin() {
    for (std::size_t r = 0; r < out.size(); ++r) mark[r] = out[r].buffer().size();
  }
  void drop() {  // nothing of a skipped partition is sent
    for (std::size_t r = 0; r < out.size(); ++r) out[r].buffer().resize(mark[r]);
  }
};

// Derived parameters ([derived]) per mission of the plan; empty when the job defines none.
std::vector<derived::MissionDefinitions> derived_of(const Context& c) {
  if (c.job.derived().empty()) return {};
  std::vector<std::string> names;
  for (const auto& m : c.plan.missions) names.push_back(m.name);
  return derived::for_missions(io::Archive::open(c.job.common().archive), names, c.job.derived(), c.plan.from, c.plan.to,
                               c.job.derived_options());
}

Received receive(const Comm& comm, const std::vector<std::string>& send) {
  Received in;
  for (const auto& bytes : comm.alltoall_bytes(send)) {
    ByteReader rd(bytes);
    while (!rd.done()) {
      const auto p = rd.get<std::int32_t>();
      const auto day = rd.get<std::int64_t>();
      in.blocks[{p, day}] = rd.get_vector<double>();
      in.days.insert(day);
    }
  }
  return in;
}

}  // namespace

Received read_blocks(const Context& c, Product& product) {
  const int ranks = c.comm.size(), me = c.comm.rank();
  const std::int64_t block_len = on_grid(c.set.kind) ? c.per_day : c.per_day * kFeatures;
  std::vector<std::vector<std::int32_t>> groups_of(c.params.size());
  for (std::int32_t g = 0; g < static_cast<std::int32_t>(c.groups.size()); ++g)
    for (auto p : c.groups[g].params) groups_of[p].push_back(g);
  std::vector<SkippedPartition> skipped;
  std::vector<std::string> send(static_cast<std::size_t>(ranks));
  c.comm.run_phase([&] {
    Outbox box(ranks);
    const auto derived = derived_of(c);
    std::optional<io::Archive> archive;  // derived parameters read their inputs through it
    if (!derived.empty()) archive.emplace(io::Archive::open(c.job.common().archive));
    io::Series series;
    std::vector<k::BucketStats> buckets;
    std::vector<double> block(static_cast<std::size_t>(block_len));
    PartitionVisitor visit;
    visit.read = [&](const PlannedPartition& part, const io::PartitionReader& reader) {
      const PlannedMission& mission = c.plan.missions[static_cast<std::size_t>(part.mission)];
      const std::int64_t day = floor_div(part.info.start, kDay);
      const TimeNs day_start = day * kDay, from = std::max(c.plan.from, day_start), to = std::min(c.plan.to, day_start + kDay);
      const auto first = static_cast<std::int32_t>(c.index.first(part.mission));
      box.begin();
      for (std::size_t j = 0; j < mission.params.size(); ++j) {
        const std::int32_t p = first + static_cast<std::int32_t>(j);
        if (groups_of[p].empty()) continue;
        series.time.clear();
        series.value.clear();
        const std::string& name = mission.params[j].name;
        if (!derived.empty() && derived[static_cast<std::size_t>(part.mission)].definitions.contains(name)) {
          const auto& md = derived[static_cast<std::size_t>(part.mission)];
          series = md.definitions.read(*archive, md.catalog, name, from, to);
        } else {
          reader.read(name, from, to, series);
        }
        day_block(c.set, c.params[p].kind, series, day_start, block, buckets);
        std::set<int> to_ranks;
        for (auto g : groups_of[p]) to_ranks.insert(c.owner(g, day));
        for (int r : to_ranks) {
          box.out[static_cast<std::size_t>(r)].put<std::int32_t>(p);
          box.out[static_cast<std::size_t>(r)].put<std::int64_t>(day);
          box.out[static_cast<std::size_t>(r)].put(std::span<const double>(block));
        }
      }
    };
    visit.dropped = [&](const PlannedPartition&) { box.drop(); };
    skipped = for_each_partition(c.job, c.plan, partitions_of_rank(c.plan, me), c.comm, "read", visit).skipped;
    for (int r = 0; r < ranks; ++r) send[static_cast<std::size_t>(r)] = box.out[static_cast<std::size_t>(r)].take();
  });
  product.add_skipped(gather_skipped(c.comm, skipped));  // every rank's, listed by rank 0
  Received in;
  c.comm.run_phase([&] { in = receive(c.comm, send); });
  return in;
}

Rows make_rows(const Context& c, const std::vector<std::int32_t>& ps, const Blocks& blocks, const std::set<std::int64_t>& days) {
  Rows r;
  const Settings& set = c.set;
  const bool window = on_grid(set.kind);
  const std::int64_t width = window ? set.window : 1, step = window ? set.stride : 1;
  const DurationNs unit = window ? set.grid : set.period;
  const std::int64_t n = window ? width : kFeatures;  // values a parameter gives a row
  std::vector<const std::vector<double>*> bl(ps.size());
  for (auto day : days) {
    bool any = false;
    for (std::size_t i = 0; i < ps.size(); ++i) {
      const auto it = blocks.find({ps[i], day});
      bl[i] = it == blocks.end() ? nullptr : &it->second;
      any |= bl[i] != nullptr;
    }
    if (!any) continue;
    const TimeNs day_start = day * kDay;
    for (std::int64_t at = 0; at + width <= c.per_day; at += step) {
      const TimeNs start = day_start + at * unit, end = start + width * unit;
      if (start < c.plan.from || end > c.plan.to) continue;
      const std::size_t before = r.x.size();
      bool complete = true;
      for (std::size_t i = 0; i < ps.size() && complete; ++i) {
        const std::int64_t first = window ? at : at * kFeatures;
        complete = bl[i] && append_inputs(set.kind, std::span<const double>(*bl[i]).subspan(static_cast<std::size_t>(first), static_cast<std::size_t>(n)), r.x);
      }
      if (!complete) {
        r.x.resize(before);
        continue;
      }
      r.start.push_back(start);
      r.end.push_back(end);
    }
  }
  return r;
}

std::vector<char> reference_mask(const Context& c, const Rows& r, const Group& group) {
  std::vector<char> reference(r.size(), 0);
  for (std::size_t i = 0; i < r.size(); ++i) {
    if (r.start[i] < c.set.train_from || r.end[i] > c.set.train_to) continue;
    bool clean = true;
    for (auto p : group.params) {
      const auto it = c.labelled.find(c.params[p].display);
      if (it == c.labelled.end()) continue;
      for (const auto& l : it->second) clean &= !(l.start < r.end[i] && r.start[i] < l.end);
    }
    reference[i] = clean;
  }
  return reference;
}

}  // namespace telemine::jobs::novelty
