#include "jobs/run.hpp"

#include <cstdio>

#include "core/comm.hpp"
#include "core/error.hpp"
#include "jobs/campaign.hpp"
#include "jobs/dependency.hpp"
#include "jobs/novelty.hpp"
#include "jobs/plan.hpp"
#include "jobs/product.hpp"
#include "jobs/job.hpp"
#include "jobs/forest/forest.hpp"
#include "jobs/stats.hpp"

namespace telemine::jobs {

int run_job(const Job& job, const Comm& comm) {
  const std::string& kind = job.common().kind;
  if (job.skip_complete() && kind != "campaign" && !job.dry_run()) {
    const Plan plan = plan_collectively(job, comm);
    // Rank 0 checks the output folder; every rank learns the answer.
    bool done = false;
    comm.run_phase([&] { done = comm.is_root() && Product::complete(job, plan, comm.size()); });
    if (const bool skip = !comm.all_ok(!done); skip) {
      if (comm.is_root())
        std::printf("%s: %s already holds this job's outputs (checksums verified); nothing to do\n", kind.c_str(),
                    job.common().output.c_str());
      return 0;
    }
  }
  if (kind == "stats") return run_stats(job, comm);
  if (kind == "dependency") return run_dependency(job, comm);
  if (kind == "novelty") return run_novelty(job, comm);
  if (kind == "campaign") return run_campaign(job, comm);
  if (kind == "forest") return run_forest(job, comm);
  throw InternalError("no runner for job kind '" + kind + "'");
}

}  // namespace telemine::jobs
