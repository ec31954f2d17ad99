// The dependency job's flow: settings, plan, the grid and each rank's slice of it (read.hpp),
// read and resample, transpose and bin (bin.hpp), the pairs cut into one run a rank
// (pairs.hpp), measured at every lag (compute.hpp), the false discovery rate
// (significance.hpp), the outputs (outputs.hpp), publish. Where the math lives: src/README.md.
#include "jobs/dependency/run.hpp"

#include <algorithm>
#include <cstdio>

#include "core/comm.hpp"
#include "io/json.hpp"
#include "jobs/checkpoint.hpp"
#include "jobs/dependency/bin.hpp"
#include "jobs/dependency/compute.hpp"
#include "jobs/dependency/outputs.hpp"
#include "jobs/dependency/pairs.hpp"
#include "jobs/dependency/read.hpp"
#include "jobs/dependency/settings.hpp"
#include "jobs/dependency/significance.hpp"
#include "jobs/engine/keys.hpp"
#include "jobs/engine/params.hpp"
#include "jobs/job.hpp"
#include "jobs/plan.hpp"
#include "jobs/product.hpp"
#include "kernels/significance.hpp"

namespace telemine::jobs {

namespace {

using namespace dependency;

void print_dry_run(const Settings& set, const Grid& grid, std::size_t n_params, const std::vector<std::int64_t>& slice) {
  std::printf("dependency: %zu parameters on a %s grid of %lld points from %s, %zu lags, bins %d\n", n_params,
              format_duration(set.grid).c_str(), static_cast<long long>(grid.points),
              grid.points ? format_time(grid.start).c_str() : "-", lags_of(set).size(), set.bins);
  for (std::size_t r = 0; r + 1 < slice.size(); ++r)
    std::printf("rank %zu: grid points %lld .. %lld\n", r, static_cast<long long>(slice[r]),
                static_cast<long long>(slice[r + 1]));
}

// The read and bin phases, or their checkpoints when every rank has its own.
BinStage read_and_bin(const Job& job, const Plan& plan, const ParamIndex& index, const Comm& comm, const Settings& set,
                      const Grid& grid, const std::vector<Param>& params, const std::vector<std::int64_t>& slice,
                      const Checkpoints& checkpoints, Product& product) {
  const auto owned = owned_params(static_cast<std::int32_t>(params.size()), comm.rank(), comm.size());
  std::optional<BinStage> saved = load_bin_stage(checkpoints, comm.rank(), params.size(), owned);
  if (comm.all_ok(saved.has_value())) {
    product.add_skipped(gather_skipped(comm, saved->skipped));
    product.phase("read and bin (resumed)");
    saved->resumed = true;
    return std::move(*saved);
  }
  BinStage stage;
  Resampled read = read_and_resample(job, plan, index, comm, grid, params, slice[comm.rank()], slice[comm.rank() + 1]);
  stage.skipped = std::move(read.skipped);
  product.add_skipped(gather_skipped(comm, stage.skipped));  // every rank's, listed by rank 0
  stage.total_samples = comm.allreduce_value<std::int64_t>(read.samples, ReduceOp::sum);
  product.phase("read");
  stage.binned = transpose_and_bin(comm, params, set.bins, slice, read.values, kernels::autocorrelation_lags(grid.points));
  product.phase("bin");
  save_bin_stage(checkpoints, comm.rank(), owned, stage);
  return stage;
}

struct Counts {
  std::int64_t pairs = 0, tests = 0, resumed = 0, significant = 0, lags = 0;
  Caveats caveats;
};

void set_summary(Product& product, const Settings& set, const Grid& grid, const BinStage& stage, const Counts& n,
                 const std::vector<Param>& params) {
  product.set_summary([&](io::JsonWriter& j) {
    j.field("grid", format_duration(set.grid));
    j.field("grid_points", grid.points);
    j.field("bins", static_cast<std::int64_t>(set.bins));
    j.field("lags_tested", n.lags);
    j.field("samples_read", stage.total_samples);
    j.field("pairs_tested", n.pairs);
    j.field("pairs_resumed", n.resumed);  // read back from checkpoints of an earlier, unfinished run
    j.field("tests", n.tests);
    j.field("alpha", set.alpha);
    j.field("significant_pairs", n.significant);
    // The caveats also warned of on stderr (significance.hpp).
    j.field("min_effective_samples", set.min_effective);
    j.field("pairs_below_min_effective_samples", n.caveats.few_effective);
    j.field("pairs_with_too_few_points", n.caveats.few_points);
    j.field("significant_pairs_at_max_lag", n.caveats.at_max_lag);
    for (const auto& [status, key] : {std::pair{Status::constant, "constant_parameters"}, std::pair{Status::no_data, "parameters_without_data"}}) {
      j.key(key).begin_array();
      for (std::size_t p = 0; p < params.size(); ++p)
        if (stage.binned.summary[p].status == status) j.value(params[p].display);
      j.end_array();
    }
  });
}

void print_result(const Settings& set, const BinStage& stage, const Counts& n, std::size_t n_params,
                  const std::vector<std::filesystem::path>& published, const std::string& skipped_note) {
  std::int64_t constant = 0, empty = 0;
  for (const auto& s : stage.binned.summary) {
    constant += s.status == Status::constant;
    empty += s.status == Status::no_data;
  }
  std::printf("dependency: %zu parameters (%lld constant, %lld without data skipped), %lld pairs x %lld lags, %lld significant at FDR %g%s\n",
              n_params, static_cast<long long>(constant), static_cast<long long>(empty), static_cast<long long>(n.pairs),
              static_cast<long long>(n.lags), static_cast<long long>(n.significant), set.alpha, skipped_note.c_str());
  // What a run after a kill took back from the checkpoints of the one before.
  if (stage.resumed || n.resumed > 0)
    std::printf("resumed from checkpoints: %s%lld of %lld pairs\n", stage.resumed ? "the read and bin phases, " : "",
                static_cast<long long>(n.resumed), static_cast<long long>(n.pairs));
  for (const auto& p : published) std::printf("  %s\n", p.c_str());
}

}  // namespace

int run_dependency(const Job& job, const Comm& comm) {
  const Settings set = read_settings(job);
  const Plan plan = plan_collectively(job, comm);
  const ParamIndex index(plan);
  const std::vector<Param> params = job_params(index);
  // Which parameters each side of a pair may take, checked before any rank reads anything.
  Sides sides;
  comm.run_phase([&] { sides = select_sides(job, set, params); });
  const Grid grid = make_grid(plan, set.grid);
  check_grid(job, set, grid);
  const std::vector<std::int64_t> slice = slice_grid(plan, grid.start, set.grid, grid.points, comm.size());
  if (job.dry_run()) {
    if (comm.is_root()) print_dry_run(set, grid, params.size(), slice);
    return 0;
  }
  Product product(job, plan, comm);
  product.phase("plan");

  // Checkpoints, keyed by everything the codes and tests depend on (job settings, input
  // partitions, telemine version) and by the rank count, which sets which rank owns which
  // parameter and the order of the pairs.
  const Checkpoints checkpoints(job.common().output, job_key(job, plan, comm.size()).stage("pairs"));
  BinStage stage = read_and_bin(job, plan, index, comm, set, grid, params, slice, checkpoints, product);

  const auto passes = triple_passes(set);
  const PairRun run = job_pair_run(set.mode, sides, stage.binned.summary, !passes.empty(), comm.rank(), comm.size());
  comm.run_phase([&] { distribute_codes(comm, run.pairs, grid.points, stage.binned.codes); });
  product.phase("distribute");

  PairsMeasured measured;
  PairMeter meter(set, stage.binned.summary, stage.binned.codes, passes, grid.points);
  comm.run_phase([&] { measured = measure_pairs(job, comm, run, meter, checkpoints, set.checkpoint_every); });
  Counts n;
  n.pairs = run.total;
  n.lags = static_cast<std::int64_t>(lags_of(set).size());
  n.tests = n.pairs * n.lags;
  n.resumed = comm.allreduce_value<std::int64_t>(measured.resumed, ReduceOp::sum);
  product.phase("pairs");

  const double threshold = fdr_threshold(comm, measured.small_p, n.tests, set.alpha);
  n.significant = mark_significant(comm, measured.results, threshold, set.min_effective);
  n.caveats = warn_caveats(comm, set, params, stage.binned.summary, measured.results);
  std::sort(measured.results.begin(), measured.results.end(), OutputOrder{params});
  write_tables(comm, product, set, params, measured.results);
  if (set.mode == Mode::all) write_matrices(comm, product, set, params, measured.results);
  product.phase("write");

  set_summary(product, set, grid, stage, n, params);
  std::vector<std::string> outputs = {"pairs.csv", "top.csv", "graph.dot"};
  if (set.mode == Mode::all) outputs.push_back("pairs.h5");
  const auto published = product.publish(outputs);
  if (comm.is_root()) checkpoints.clear();
  if (comm.is_root()) print_result(set, stage, n, params.size(), published, product.skipped_note());
  return 0;
}

}  // namespace telemine::jobs
