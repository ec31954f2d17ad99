#include "jobs/plan.hpp"

#include <algorithm>
#include <cstdio>

#include "core/comm.hpp"
#include "core/error.hpp"
#include "core/log.hpp"
#include "core/serialize.hpp"
#include "derived/derived.hpp"
#include "io/live.hpp"
#include "io/records.hpp"
#include "jobs/engine/balance.hpp"
#include "jobs/engine/registry.hpp"

namespace telemine::jobs {

namespace fs = std::filesystem;

std::int64_t Plan::samples_of_rank(int r) const {
  std::int64_t n = 0;
  for (auto i = rank_begin[r]; i < rank_begin[r + 1]; ++i) n += partitions[i].info.samples;
  return n;
}

std::string Plan::describe() const {
  std::string out;
  char line[512];
  std::int64_t params = 0;
  for (const auto& m : missions) params += static_cast<std::int64_t>(m.params.size());
  std::snprintf(line, sizeof line, "plan: %zu missions, %lld parameters, %zu partitions, %d ranks, range %s .. %s\n",
                missions.size(), static_cast<long long>(params), partitions.size(), ranks(),
                format_time(resolved_from).c_str(), format_time(resolved_to).c_str());
  out += line;
  for (int r = 0; r < ranks(); ++r) {
    const auto b = rank_begin[r], e = rank_begin[r + 1];
    std::snprintf(line, sizeof line, "rank %d: %lld partitions, %lld samples\n", r, static_cast<long long>(e - b),
                  static_cast<long long>(samples_of_rank(r)));
    out += line;
    for (auto i = b; i < e; ++i) {
      const auto& p = partitions[i];
      std::snprintf(line, sizeof line, "  %s/%s  %lld samples\n", missions[p.mission].name.c_str(), p.info.file.c_str(),
                    static_cast<long long>(p.info.samples));
      out += line;
    }
  }
  return out;
}

std::string Plan::announce(const std::string& kind) const {
  std::string names;
  for (const auto& m : missions) names += (names.empty() ? "" : ", ") + m.name;
  // Which ends came from the data rather than the job: a range the user did not mean shows.
  const char* note = from == kTimeMin && to == kTimeMax ? " (the data's span)"
                     : from == kTimeMin                 ? " (from: the data's start)"
                     : to == kTimeMax                   ? " (to: the data's end)"
                                                        : "";
  return kind + ": archive " + archive + ", " + (missions.size() == 1 ? "mission " : "missions ") + names + ", range " +
         format_time(resolved_from) + " .. " + format_time(resolved_to) + note;
}

bool has_samples_in(const io::Catalog& catalog, TimeNs from, TimeNs to) {
  for (const auto& p : catalog.partitions)
    if (p.samples > 0 && p.first_time < to && p.last_time >= from) return true;
  return false;
}

std::string spans_text(const io::Archive& archive, const std::vector<std::string>& missions) {
  std::string out;
  for (const auto& name : missions) {
    const io::Catalog cat = archive.catalog(name);
    TimeNs first = kTimeMax, last = kTimeMin;
    for (const auto& p : cat.partitions)
      if (p.samples > 0) first = std::min(first, p.first_time), last = std::max(last, p.last_time);
    out += (out.empty() ? "" : ", ") + name + " " +
           (first > last ? std::string("(no data)") : format_time(first) + " .. " + format_time(last));
  }
  return out;
}

void require_overlap(const io::Archive& archive, const std::vector<std::string>& missions, TimeNs from, TimeNs to,
                     const std::string& what) {
  for (const auto& name : missions)
    if (has_samples_in(archive.catalog(name), from, to)) return;
  const std::string range = (from == kTimeMin ? std::string("start") : format_time(from)) + " .. " +
                            (to == kTimeMax ? std::string("end") : format_time(to));
  throw Error(what + ": nothing in the archive overlaps the range " + range + "; " + archive.root().string() +
              " holds " + spans_text(archive, missions) + " (telemine info --archive " + archive.root().string() + ")");
}

namespace {

void put(ByteWriter& w, const Plan& p) {
  w.put<std::int64_t>(p.from);
  w.put<std::int64_t>(p.to);
  w.put<std::int64_t>(p.resolved_from);
  w.put<std::int64_t>(p.resolved_to);
  w.put(p.archive);
  w.put<std::uint64_t>(p.missions.size());
  for (const auto& m : p.missions) {
    w.put(m.name);
    w.put<std::uint64_t>(m.params.size());
    for (const auto& q : m.params) io::put_param(w, q);
  }
  w.put<std::uint64_t>(p.partitions.size());
  for (const auto& q : p.partitions) {
    w.put<std::int32_t>(q.mission);
    io::put_partition(w, q.info);
  }
  w.put(p.rank_begin);
}

Plan get(ByteReader& r) {
  Plan p;
  p.from = r.get<std::int64_t>();
  p.to = r.get<std::int64_t>();
  p.resolved_from = r.get<std::int64_t>();
  p.resolved_to = r.get<std::int64_t>();
  p.archive = r.get_string();
  p.missions.resize(r.get<std::uint64_t>());
  for (auto& m : p.missions) {
    m.name = r.get_string();
    m.params.resize(r.get<std::uint64_t>());
    for (auto& q : m.params) q = io::get_param(r);
  }
  p.partitions.resize(r.get<std::uint64_t>());
  for (auto& q : p.partitions) {
    q.mission = r.get<std::int32_t>();
    q.info = io::get_partition(r);
  }
  p.rank_begin = r.get_vector<std::int64_t>();
  return p;
}

// The mission's parameters and the job's [derived] ones, validated against it, sorted by name.
std::vector<io::ParamInfo> with_derived(const Job& job, const io::Catalog& cat) {
  if (job.derived().empty()) return cat.params;
  derived::Definitions::make(job.derived(), cat, job.common().from, job.common().to, job.derived_options());
  std::vector<io::ParamInfo> all = cat.params;
  for (const auto& d : job.derived()) all.push_back(derived::param_info(d));
  std::sort(all.begin(), all.end(), [](const auto& a, const auto& b) { return a.name < b.name; });
  return all;
}

// The range as people read it, and the checks that the job reads something: an error (exit 1)
// when no selected mission holds a sample in the range, a warning for each mission that holds none.
void resolve_range(const Job& job, const io::Archive& archive, const std::vector<std::string>& missions, Plan& plan) {
  const JobCommon& c = job.common();
  std::error_code ec;
  const fs::path absolute = fs::absolute(c.archive, ec);
  plan.archive = (ec ? c.archive : absolute.lexically_normal()).string();
  const std::string where = job.has("from") || job.has("to") ? job.where(job.has("from") ? "from" : "to") : job.where("archive");
  const KindSpec* kind = find_kind(c.kind);
  const bool live = kind && kind->reads_live && std::any_of(missions.begin(), missions.end(), [&](const std::string& m) {
    return !io::list_segments(archive.mission_dir(m)).empty();
  });
  if (!live) require_overlap(archive, missions, c.from, c.to, where);
  TimeNs first = kTimeMax, end = kTimeMin;
  for (const auto& name : missions) {
    const io::Catalog cat = archive.catalog(name);
    for (const auto& p : cat.partitions) first = std::min(first, p.start), end = std::max(end, p.end);
    if (missions.size() > 1 && !has_samples_in(cat, c.from, c.to))
      log::warn("mission " + name + " holds no sample in the job's range (it holds " + spans_text(archive, {name}) + ")");
  }
  plan.resolved_from = c.from == kTimeMin ? first : c.from;
  plan.resolved_to = c.to == kTimeMax ? end : c.to;
}

}  // namespace

Plan make_plan(const Job& job, int ranks) {
  const JobCommon& c = job.common();
  io::Archive archive = [&] {
    try {
      return io::Archive::open(c.archive);
    } catch (const IoError& e) {
      job.fail("archive", e.what());
    }
  }();
  Plan plan;
  plan.from = c.from;
  plan.to = c.to;
  std::vector<std::string> missions = c.missions;
  if (missions.size() == 1 && missions[0] == "*") missions = archive.missions();
  std::vector<bool> pattern_used(c.params.size(), false);
  const KindSpec* kind = find_kind(c.kind);
  for (const auto& name : missions) {
    if (!archive.has_mission(name)) job.fail("mission", "archive " + c.archive.string() + " has no mission '" + name + "'");
    // A kind that reads the live segments also selects what only they hold so far (a new
    // parameter before its first compaction).
    const io::Catalog cat = kind && kind->reads_live ? io::with_live_params(archive, archive.catalog(name))
                                                     : archive.catalog(name);
    PlannedMission m{name, {}};
    for (const auto& p : with_derived(job, cat)) {
      bool selected = c.params.empty();
      for (std::size_t k = 0; k < c.params.size(); ++k)
        if (glob_match(c.params[k], p.name)) selected = pattern_used[k] = true;
      if (selected) m.params.push_back(p);
    }
    const int index = static_cast<int>(plan.missions.size());
    for (const io::PartitionInfo* p : cat.overlapping(c.from, c.to)) plan.partitions.push_back({index, *p});
    plan.missions.push_back(std::move(m));
  }
  for (std::size_t k = 0; k < c.params.size(); ++k)
    if (!pattern_used[k]) job.fail("params", "'" + c.params[k] + "' matches no parameter of the selected missions");
  resolve_range(job, archive, missions, plan);
  std::vector<std::int64_t> samples;
  for (const auto& p : plan.partitions) samples.push_back(p.info.samples);
  plan.rank_begin = balance_by_weight(samples, ranks);
  return plan;
}

Plan plan_collectively(const Job& job, const Comm& comm, bool announce) {
  std::string bytes;
  comm.run_phase([&] {
    if (!comm.is_root()) return;
    ByteWriter w;
    put(w, make_plan(job, comm.size()));
    bytes = w.take();
  });
  comm.broadcast_bytes(bytes);
  ByteReader r(bytes);
  Plan plan = get(r);
  if (announce && job.progress() && comm.is_root()) log::info(plan.announce(job.common().kind));
  return plan;
}

}  // namespace telemine::jobs
