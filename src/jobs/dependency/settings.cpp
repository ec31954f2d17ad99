#include "jobs/dependency/settings.hpp"

#include "core/error.hpp"
#include "jobs/dependency/run.hpp"
#include "jobs/engine/registry.hpp"
#include "jobs/job.hpp"
#include "kernels/binning.hpp"

namespace telemine::jobs {

const KindSpec& dependency_kind() {
  static const KindSpec kind = {
      "dependency",
      "which parameters move together, and with what delay",
      {
          {"grid", KeyType::duration, "", 1e6, static_cast<double>(kDay), {}, "resampling grid (a duration that divides 1d, e.g. 1min)"},
          {"bins", KeyType::integer, "16", 2, kernels::kMaxBins, {}, "equal-frequency bins per parameter"},
          {"max-lag", KeyType::duration, "0s", 0, {}, {}, "largest lag tested, shorter than the job's range"},
          {"lag-step", KeyType::duration, "", {}, {}, {}, "step between lags tested (default: the grid)"},
          {"mode", KeyType::choice, "all", {}, {}, {"all", "one", "sets"},
           "all (every pair), one (target against the others) or sets (set-a against set-b)"},
          {"target", KeyType::text, "", {}, {}, {}, "mode one: the parameter"},
          {"set-a", KeyType::list, "", {}, {}, {}, "mode sets: names and glob patterns"},
          {"set-b", KeyType::list, "", {}, {}, {}, "mode sets: names and glob patterns"},
          {"alpha", KeyType::real, "0.01", 1e-300, 0.999999, {}, "false discovery rate over all pairs and lags tested"},
          {"top", KeyType::integer, "10", 1, 1000000, {}, "partners per parameter in top.csv"},
          {"min-effective-samples", KeyType::real, "16", 0, 1e12, {},
           "a pair with fewer effective samples (autocorrelation counted) is not tested, never significant"},
          {"checkpoint-every", KeyType::duration, "30s", 1e8, static_cast<double>(kDay), {},
           "work between two checkpoints of the pairs phase: a killed job run again loses at most this much"},
      },
      run_dependency,
  };
  return kind;
}

namespace dependency {

namespace {

void read_lags(const Job& job, Settings& s) {
  if (const auto v = job.get("dependency.lag-step")) {
    const DurationNs step = *job.get_duration("dependency.lag-step");
    if (step % s.grid != 0) job.fail("dependency.lag-step", "'" + *v + "' is not a multiple of the grid");
    s.lag_step = step / s.grid;
  }
  const DurationNs lag = *job.get_duration("dependency.max-lag");
  if (lag % (s.grid * s.lag_step) != 0)
    job.fail("dependency.max-lag", "'" + job.get("dependency.max-lag").value_or("") + "' is not a multiple of the lag step");
  s.max_lag = lag / s.grid;
}

void read_mode(const Job& job, Settings& s) {
  const std::string mode = job.get_enum("dependency.mode");
  s.mode = mode == "one" ? Mode::one : mode == "sets" ? Mode::sets : Mode::all;
  s.target = job.get("dependency.target").value_or("");
  s.set_a = split_comma_list(job.get("dependency.set-a").value_or(""));
  s.set_b = split_comma_list(job.get("dependency.set-b").value_or(""));
  if (s.mode == Mode::one && s.target.empty()) job.fail("dependency.target", "mode one needs a target parameter");
  if (s.mode != Mode::one && !s.target.empty()) job.fail("dependency.target", "only mode one has a target");
  if (s.mode == Mode::sets && (s.set_a.empty() || s.set_b.empty()))
    job.fail(s.set_a.empty() ? "dependency.set-a" : "dependency.set-b", "mode sets needs set-a and set-b");
  if (s.mode != Mode::sets && (!s.set_a.empty() || !s.set_b.empty()))
    job.fail(s.set_a.empty() ? "dependency.set-b" : "dependency.set-a", "only mode sets has set-a and set-b");
}

}  // namespace

Settings read_settings(const Job& job) {
  Settings s;
  const auto grid = job.get_duration("dependency.grid");
  if (!grid) throw JobError(job.where("dependency.grid") + ": missing key 'dependency.grid' ([dependency] grid = 1min)");
  // Grid points never straddle two day partitions, so each rank resamples its own days alone.
  if (kDay % *grid != 0) job.fail("dependency.grid", "the grid must divide one day (1s, 10s, 1min, 5min, 1h ...)");
  s.grid = *grid;
  s.bins = static_cast<int>(job.get_int("dependency.bins"));
  read_lags(job, s);
  read_mode(job, s);
  s.alpha = job.get_double("dependency.alpha");
  s.top = static_cast<int>(job.get_int("dependency.top"));
  s.min_effective = job.get_double("dependency.min-effective-samples");
  s.checkpoint_every = *job.get_duration("dependency.checkpoint-every");
  check_against_range(job, s);
  return s;
}

void check_against_range(const Job& job, const Settings& s) {
  const TimeNs from = job.common().from, to = job.common().to;
  if (from == kTimeMin || to == kTimeMax) return;
  const long double points = static_cast<long double>(to - from) / static_cast<long double>(s.grid);
  if (points > kMaxGridPoints)
    job.fail("dependency.grid", "gives " + std::to_string(static_cast<long long>(points)) + " grid points over the job's range, more than " +
                                    std::to_string(kMaxGridPoints) + ": choose a coarser grid or a shorter range");
  if (s.max_lag > 0 && static_cast<long double>(s.max_lag) >= points)
    job.fail("dependency.max-lag", "is not shorter than the job's range [from, to)");
}

}  // namespace dependency
}  // namespace telemine::jobs
