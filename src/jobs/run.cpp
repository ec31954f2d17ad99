#include "jobs/run.hpp"

#include "core/error.hpp"
#include "jobs/campaign.hpp"
#include "jobs/dependency.hpp"
#include "jobs/novelty.hpp"
#include "jobs/job.hpp"
#include "jobs/stats.hpp"

namespace telemine::jobs {

int run_job(const Job& job, const Comm& comm) {
  const std::string& kind = job.common().kind;
  if (kind == "stats") return run_stats(job, comm);
  if (kind == "dependency") return run_dependency(job, comm);
  if (kind == "novelty") return run_novelty(job, comm);
  if (kind == "campaign") return run_campaign(job, comm);
  throw InternalError("no runner for job kind '" + kind + "'");
}

}  // namespace telemine::jobs
