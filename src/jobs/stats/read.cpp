#include "jobs/stats/read.hpp"

#include "core/comm.hpp"
#include "core/serialize.hpp"
#include "derived/derived.hpp"
#include "jobs/checkpoint.hpp"
#include "jobs/engine/keys.hpp"
#include "jobs/job.hpp"
#include "jobs/stats/live.hpp"

namespace telemine::jobs::stats {

using kernels::BucketStats;

std::string checkpoint_stage(const Job& job, const Settings& settings, const Plan& plan) {
  // Not the rank count, nor the partitions (a checkpoint is named by its partition's checksum):
  // a stats job resumes on any number of ranks.
  ResultKey key("stats-partials");
  key.add("bucket", format_duration(settings.bucket)).add("from", plan.from).add("to", plan.to);
  for (const auto& m : plan.missions) {
    key.add("mission", m.name);
    for (const auto& p : m.params) key.add("param", p.name);
  }
  for (const auto& d : job.derived()) key.add("derived", d.name).add("expression", d.expression);
  return key.stage("stats");
}

namespace {

// A partition's partial states, as its checkpoint holds them.
struct PartitionPartials {
  std::int64_t samples = 0;
  std::vector<std::vector<BucketStats>> params;  ///< per parameter of the partition's mission
};

void put(ByteWriter& w, const PartitionPartials& p) {
  w.put(p.samples);
  for (const auto& v : p.params) w.put(v);
}

// The partition's parameters count is known from the plan, not stored.
PartitionPartials get_partials(const std::string& bytes, std::size_t n_params) {
  ByteReader rd(bytes);
  PartitionPartials p;
  p.samples = rd.get<std::int64_t>();
  p.params.resize(n_params);
  for (auto& v : p.params) v = rd.get_vector<BucketStats>();
  return p;
}

}  // namespace

namespace {

// One rank's read: its partitions in plan order, the slices only the live segments hold folded
// in between at their place in time.
class Reader {
 public:
  Reader(const Job& job, const Plan& plan, const Comm& comm, const Settings& settings, const ParamIndex& params)
      : job_(job), plan_(plan), settings_(settings), params_(params), archive_(io::Archive::open(job.common().archive)),
        live_(LiveInput::read(archive_, plan, comm.rank())) {
    out_.acc.resize(params.size());
    std::vector<std::string> names;
    for (const auto& m : plan.missions) names.push_back(m.name);
    // Derived parameters ([derived]) are computed from their inputs over each slice.
    derived_ = derived::for_missions(archive_, names, job.derived(), plan.from, plan.to, job.derived_options());
  }

  Partials run(const Comm& comm, const Checkpoints& checkpoints) {
    PartitionVisitor visit;
    // A slice with live samples is read again every time: a checkpoint holds the partition's alone.
    visit.resume = [&](const PlannedPartition& part) {
      live_before(part.mission, part.info.start);
      if (live_.touches(part.mission, part.info.start)) return false;
      const auto saved = checkpoints.load(part.info);
      if (saved) add(part.mission, get_partials(*saved, plan_.missions[static_cast<std::size_t>(part.mission)].params.size()));
      return saved.has_value();
    };
    visit.read = [&](const PlannedPartition& part, const io::PartitionReader& reader) {
      live_before(part.mission, part.info.start);
      const PartitionPartials p = read_slice(part.mission, part.info.start, part.info.end, &reader);
      add(part.mission, p);  // only once the whole partition was read: a corrupt one adds nothing
      if (!live_.touches(part.mission, part.info.start)) checkpoints.save(part.info, encode(p));
    };
    out_.scan = for_each_partition(job_, plan_, partitions_of_rank(plan_, comm.rank()), comm, "stats", visit);
    live_before(static_cast<int>(plan_.missions.size()), kTimeMin);
    return std::move(out_);
  }

 private:
  void add(int mission, const PartitionPartials& p) {
    for (std::size_t k = 0; k < p.params.size(); ++k) out_.acc[params_.first(mission) + k].add(p.params[k]);
    out_.samples += p.samples;
  }

  // The live-only slices of this rank that come before (mission, start) in plan order.
  void live_before(int mission, TimeNs start) {
    const auto& own = live_.own_slices();
    for (; next_live_ < own.size(); ++next_live_) {
      const auto& s = own[next_live_];
      if (s.mission > mission || (s.mission == mission && s.start >= start)) break;
      add(s.mission, read_slice(s.mission, s.start, s.end, nullptr));
    }
  }

  // Every selected parameter's buckets over one slice: the partition's samples (if any) with
  // the live ones merged in.
  PartitionPartials read_slice(int mission, TimeNs start, TimeNs end, const io::PartitionReader* reader) {
    const PlannedMission& m = plan_.missions[static_cast<std::size_t>(mission)];
    const auto& md = derived_[static_cast<std::size_t>(mission)];
    const TimeNs from = std::max(plan_.from, start), to = std::min(plan_.to, end);
    PartitionPartials p;
    p.params.resize(m.params.size());
    for (std::size_t k = 0; k < m.params.size(); ++k) {
      const std::string& name = m.params[k].name;
      series_.time.clear();
      series_.value.clear();
      if (md.definitions.contains(name)) {
        series_ = md.definitions.read(archive_, md.catalog, name, from, to);  // reads the live segments itself
      } else {
        if (reader) reader->read(name, plan_.from, plan_.to, series_);
        live_.merge_into(mission, name, from, to, series_);
      }
      kernels::bucket_stats(series_.time, series_.value, settings_.bucket, p.params[k]);
      p.samples += static_cast<std::int64_t>(series_.size());
    }
    return p;
  }

  const Job& job_;
  const Plan& plan_;
  const Settings& settings_;
  const ParamIndex& params_;
  io::Archive archive_;
  LiveInput live_;
  std::vector<derived::MissionDefinitions> derived_;
  std::size_t next_live_ = 0;
  io::Series series_;
  Partials out_;
};

}  // namespace

Partials read_partitions(const Job& job, const Plan& plan, const Comm& comm, const Settings& settings,
                         const ParamIndex& params, const Checkpoints& checkpoints) {
  return Reader(job, plan, comm, settings, params).run(comm, checkpoints);
}

}  // namespace telemine::jobs::stats
