// The stats job's flow: settings, plan, read (per-partition partial states, folded in time
// order), settle the buckets that straddle ranks, write stats.h5 and stats.csv, publish.
#include "jobs/stats/run.hpp"

#include <cstdio>

#include "core/comm.hpp"
#include "io/json.hpp"
#include "jobs/checkpoint.hpp"
#include "jobs/job.hpp"
#include "jobs/product.hpp"
#include "jobs/stats/outputs.hpp"
#include "jobs/stats/read.hpp"

namespace telemine::jobs {

int run_stats(const Job& job, const Comm& comm) {
  const stats::Settings settings = stats::read_settings(job);
  const Plan plan = plan_collectively(job, comm);
  if (job.dry_run()) {
    if (comm.is_root()) std::fputs(plan.describe().c_str(), stdout);
    return 0;
  }
  Product product(job, plan, comm);
  product.phase("plan");
  const ParamIndex params(plan);
  const Checkpoints checkpoints(job.common().output, stats::checkpoint_stage(job, settings, plan));

  stats::Partials partials;
  comm.run_phase([&] { partials = stats::read_partitions(job, plan, comm, settings, params, checkpoints); });
  product.phase("compute");
  const stats::Rows rows = stats::settle_boundaries(partials.acc, comm);
  partials.acc.clear();
  product.phase("reduce");

  const auto [io_report, total_rows] = stats::write_h5(rows, plan, params, settings, comm, product);
  stats::write_csv(rows, plan, params, comm, product);
  product.phase("write");

  const std::int64_t total_samples = comm.allreduce_value(partials.samples, ReduceOp::sum);
  const std::int64_t total_resumed = comm.allreduce_value(partials.scan.resumed, ReduceOp::sum);
  product.add_skipped(gather_skipped(comm, partials.scan.skipped));
  product.set_summary([&](io::JsonWriter& j) {
    j.field("bucket", format_duration(settings.bucket));
    j.field("samples", total_samples);
    j.field("rows", total_rows);
    j.field("parameters", static_cast<std::int64_t>(params.size()));
    j.field("hdf5_parallel", io_report.parallel);
    j.field("hdf5_collective", io_report.collective);
    j.field("partitions_resumed_from_checkpoints", total_resumed);
  });
  const auto outputs = product.publish({"stats.h5", "stats.csv"});
  if (comm.is_root()) checkpoints.clear();
  if (comm.is_root()) {
    std::printf("stats: %lld samples of %zu parameters into %lld buckets of %s%s\n", static_cast<long long>(total_samples),
                params.size(), static_cast<long long>(total_rows), format_duration(settings.bucket).c_str(),
                product.skipped_note().c_str());
    if (total_resumed > 0)
      std::printf("resumed %lld of %zu partitions from checkpoints\n", static_cast<long long>(total_resumed),
                  plan.partitions.size());
    for (const auto& o : outputs) std::printf("  %s\n", o.c_str());
  }
  return 0;
}

}  // namespace telemine::jobs
