#include "jobs/dependency/read.hpp"

#include <algorithm>
#include <cmath>
#include <tuple>

#include "core/comm.hpp"
#include "core/serialize.hpp"
#include "derived/derived.hpp"
#include "jobs/engine/params.hpp"
#include "jobs/engine/scan.hpp"
#include "jobs/job.hpp"
#include "kernels/resample.hpp"

namespace telemine::jobs::dependency {

namespace k = kernels;

std::vector<Param> job_params(const ParamIndex& index) {
  std::vector<Param> params;
  for (std::size_t p = 0; p < index.size(); ++p)
    params.push_back({index.mission(p), index.info(p).name, index.label(p), index.info(p).kind});
  return params;
}

namespace {

bool matches(const std::vector<std::string>& patterns, const Param& p) {
  for (const auto& pat : patterns)
    if (glob_match(pat, p.display) || glob_match(pat, p.name)) return true;
  return false;
}

}  // namespace

Sides select_sides(const Job& job, const Settings& set, const std::vector<Param>& params) {
  Sides sides{std::vector<bool>(params.size(), true), std::vector<bool>(params.size(), true)};
  auto select = [&](const std::vector<std::string>& patterns, const char* key, std::vector<bool>& side) {
    bool any = false;
    for (std::size_t i = 0; i < params.size(); ++i) any |= (side[i] = matches(patterns, params[i]));
    if (!any) job.fail(key, "matches no parameter of the job");
  };
  if (set.mode == Mode::one) select({set.target}, "dependency.target", sides.a);
  if (set.mode == Mode::sets) {
    select(set.set_a, "dependency.set-a", sides.a);
    select(set.set_b, "dependency.set-b", sides.b);
  }
  return sides;
}

Grid make_grid(const Plan& plan, DurationNs step) {
  Grid g;
  g.step = step;
  g.from = plan.from;
  g.to = plan.to;
  if (plan.partitions.empty()) return g;
  if (g.from == kTimeMin) g.from = plan.partitions.front().info.start;
  if (g.to == kTimeMax) g.to = plan.partitions.front().info.end;
  for (const auto& p : plan.partitions) {
    if (plan.from == kTimeMin) g.from = std::min(g.from, p.info.start);
    if (plan.to == kTimeMax) g.to = std::max(g.to, p.info.end);
  }
  g.start = bucket_start(g.from, step);
  g.points = floor_div(g.to - g.start + step - 1, step);
  return g;
}

void check_grid(const Job& job, const Settings& set, const Grid& grid) {
  // Checked here too for a range taken from the partitions (from and to not given).
  if (grid.points > kMaxGridPoints)
    job.fail("dependency.grid", "gives " + std::to_string(grid.points) + " grid points over the archive's range, more than " +
                                    std::to_string(kMaxGridPoints) + ": choose a coarser grid or set from and to");
  if (grid.points > 0 && set.max_lag >= grid.points) job.fail("dependency.max-lag", "is not shorter than the range of the data");
}

double hold_last(std::span<double> values) {
  double held = NAN;
  for (auto& x : values) {
    if (std::isnan(x)) x = held;
    else held = x;
  }
  return held;
}

void carry_in(std::span<double> values, double carry) {
  for (auto& x : values) {
    if (!std::isnan(x)) break;
    x = carry;
  }
}

void hold_state(const Comm& comm, const std::vector<Param>& params, std::vector<std::vector<double>>& values) {
  ByteWriter w;
  for (std::size_t p = 0; p < params.size(); ++p)
    if (params[p].kind == io::ParamKind::state) w.put<double>(hold_last(values[p]));
  const auto all = comm.allgather_bytes(w.take());
  std::vector<ByteReader> readers;
  for (int r = 0; r < comm.rank(); ++r) readers.emplace_back(all[static_cast<std::size_t>(r)]);
  for (std::size_t p = 0; p < params.size(); ++p) {
    if (params[p].kind != io::ParamKind::state) continue;
    double carry = NAN;
    for (auto& rd : readers)
      if (const double x = rd.get<double>(); !std::isnan(x)) carry = x;
    carry_in(values[p], carry);
  }
}

namespace {

// One rank's reading of its days onto its grid points [lo, hi).
struct SliceReader {
  const Plan& plan;
  const Grid& grid;
  const std::vector<Param>& params;
  const ParamIndex& index;
  std::int64_t lo, hi;
  Resampled& out;
  const io::Archive& archive;
  const std::vector<derived::MissionDefinitions>& derived;  ///< per mission of the plan

  // The grid points [k0, k1) of a partition, and its part of the range [a, b).
  std::tuple<TimeNs, TimeNs, std::int64_t, std::int64_t> span_of(const PlannedPartition& part) const {
    const TimeNs t_lo = grid.start + lo * grid.step, t_hi = grid.start + hi * grid.step;
    const TimeNs a = std::max({part.info.start, t_lo, grid.from}), b = std::min({part.info.end, t_hi, grid.to});
    const std::int64_t k0 = floor_div(a - grid.start, grid.step);
    const std::int64_t k1 = std::min(hi, floor_div(b - grid.start + grid.step - 1, grid.step));
    return {a, b, k0, k1};
  }

  void read(const PlannedPartition& part, const io::PartitionReader& reader, io::Series& series) {
    const PlannedMission& mission = plan.missions[static_cast<std::size_t>(part.mission)];
    const auto [a, b, k0, k1] = span_of(part);
    for (std::size_t j = 0; j < mission.params.size(); ++j) {
      const std::size_t p = index.first(part.mission) + j;
      series.time.clear();
      series.value.clear();
      const auto& md = derived[static_cast<std::size_t>(part.mission)];
      // A derived parameter reads its inputs itself, from before `a` as far as its lags and
      // windows reach: its values do not depend on how days are cut between ranks.
      if (md.definitions.contains(mission.params[j].name))
        series = md.definitions.read(archive, md.catalog, mission.params[j].name, a, b);
      else
        reader.read(mission.params[j].name, a, b, series);
      out.samples += static_cast<std::int64_t>(series.size());
      const std::span<double> dst(out.values[p].data() + (k0 - lo), static_cast<std::size_t>(k1 - k0));
      const TimeNs start = grid.start + k0 * grid.step;
      if (params[p].kind == io::ParamKind::state) k::resample_last(series.time, series.value, start, grid.step, dst, NAN);
      else k::resample_mean(series.time, series.value, start, grid.step, dst);
    }
  }

  void dropped(const PlannedPartition& part) {  // nothing of it is kept
    const PlannedMission& mission = plan.missions[static_cast<std::size_t>(part.mission)];
    const auto [a, b, k0, k1] = span_of(part);
    for (std::size_t j = 0; j < mission.params.size(); ++j) {
      auto& v = out.values[index.first(part.mission) + j];
      std::fill(v.begin() + (k0 - lo), v.begin() + (k1 - lo), NAN);
    }
  }
};

}  // namespace

Resampled read_and_resample(const Job& job, const Plan& plan, const ParamIndex& index, const Comm& comm,
                            const Grid& grid, const std::vector<Param>& params, std::int64_t lo, std::int64_t hi) {
  Resampled out;
  comm.run_phase([&] {
    // Derived parameters ([derived]): validated against each mission's catalogue.
    const io::Archive archive = io::Archive::open(job.common().archive);
    std::vector<std::string> missions;
    for (const auto& m : plan.missions) missions.push_back(m.name);
    const auto derived = derived::for_missions(archive, missions, job.derived(), plan.from, plan.to, job.derived_options());
    out.values.assign(params.size(), std::vector<double>(static_cast<std::size_t>(hi - lo), NAN));
    const TimeNs t_lo = grid.start + lo * grid.step, t_hi = grid.start + hi * grid.step;
    std::vector<const PlannedPartition*> mine;
    for (const auto& part : plan.partitions)
      if (part.info.start < t_hi && part.info.end > t_lo) mine.push_back(&part);
    SliceReader slice{plan, grid, params, index, lo, hi, out, archive, derived};
    io::Series series;
    PartitionVisitor visit;
    visit.read = [&](const PlannedPartition& part, const io::PartitionReader& reader) { slice.read(part, reader, series); };
    visit.dropped = [&](const PlannedPartition& part) { slice.dropped(part); };
    out.skipped = for_each_partition(job, plan, mine, comm, "read", visit).skipped;
  });
  // A state parameter holds its last value until the next sample, across days and ranks.
  hold_state(comm, params, out.values);
  return out;
}

}  // namespace telemine::jobs::dependency
