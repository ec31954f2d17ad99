#include "jobs/stats/settings.hpp"

#include "core/error.hpp"
#include "jobs/engine/registry.hpp"
#include "jobs/job.hpp"
#include "jobs/stats/run.hpp"

namespace telemine::jobs {

const KindSpec& stats_kind() {
  static const KindSpec kind = {
      "stats",
      "per-bucket statistics of parameters",
      {{"bucket", KeyType::duration, "", {}, {}, {}, "bucket width, aligned to the Unix epoch (1min ... 1d)"}},
      run_stats,
      true,
  };
  return kind;
}

namespace stats {

Settings read_settings(const Job& job) {
  const auto bucket = job.get_duration("stats.bucket");
  if (!bucket) throw JobError(job.where("stats.bucket") + ": missing key 'stats.bucket' ([stats] bucket = 1h)");
  return {*bucket};
}

}  // namespace stats
}  // namespace telemine::jobs
