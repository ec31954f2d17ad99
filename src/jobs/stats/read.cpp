#include "jobs/stats/read.hpp"

#include "core/comm.hpp"
#include "core/serialize.hpp"
#include "derived/derived.hpp"
#include "jobs/checkpoint.hpp"
#include "jobs/engine/keys.hpp"
#include "jobs/job.hpp"

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

Partials read_partitions(const Job& job, const Plan& plan, const Comm& comm, const Settings& settings,
                         const ParamIndex& params, const Checkpoints& checkpoints) {
  Partials out;
  out.acc.resize(params.size());
  auto add = [&](const PlannedPartition& part, const PartitionPartials& p) {
    for (std::size_t k = 0; k < p.params.size(); ++k) out.acc[params.first(part.mission) + k].add(p.params[k]);
    out.samples += p.samples;
  };
  // Derived parameters ([derived]) are computed from their inputs over each partition's slice.
  std::vector<std::string> mission_names;
  for (const auto& m : plan.missions) mission_names.push_back(m.name);
  const auto derived = derived::for_missions(io::Archive::open(job.common().archive), mission_names, job.derived(),
                                             plan.from, plan.to, job.derived_options());
  const io::Archive archive = io::Archive::open(job.common().archive);
  io::Series series;
  PartitionVisitor visit;
  visit.resume = [&](const PlannedPartition& part) {
    const auto saved = checkpoints.load(part.info);
    if (saved) add(part, get_partials(*saved, plan.missions[static_cast<std::size_t>(part.mission)].params.size()));
    return saved.has_value();
  };
  visit.read = [&](const PlannedPartition& part, const io::PartitionReader& reader) {
    const PlannedMission& mission = plan.missions[static_cast<std::size_t>(part.mission)];
    PartitionPartials p;
    p.params.resize(mission.params.size());
    for (std::size_t k = 0; k < mission.params.size(); ++k) {
      series.time.clear();
      series.value.clear();
      const auto& md = derived[static_cast<std::size_t>(part.mission)];
      if (md.definitions.contains(mission.params[k].name))
        series = md.definitions.read(archive, md.catalog, mission.params[k].name, std::max(plan.from, part.info.start),
                                     std::min(plan.to, part.info.end));
      else
        reader.read(mission.params[k].name, plan.from, plan.to, series);
      kernels::bucket_stats(series.time, series.value, settings.bucket, p.params[k]);
      p.samples += static_cast<std::int64_t>(series.size());
    }
    add(part, p);  // only once the whole partition was read: a corrupt one adds nothing
    checkpoints.save(part.info, encode(p));
  };
  out.scan = for_each_partition(job, plan, partitions_of_rank(plan, comm.rank()), comm, "stats", visit);
  return out;
}

}  // namespace telemine::jobs::stats
