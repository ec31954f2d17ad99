#include "jobs/run.hpp"

#include <cstdio>

#include "core/comm.hpp"
#include "core/error.hpp"
#include "io/report.hpp"
#include "jobs/campaign.hpp"
#include "jobs/dependency.hpp"
#include "jobs/novelty.hpp"
#include "jobs/plan.hpp"
#include "jobs/product.hpp"
#include "jobs/job.hpp"
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
  if (kind == "campaign") return run_campaign(job, comm);
  int status = 0;
  if (kind == "stats") status = run_stats(job, comm);
  else if (kind == "dependency") status = run_dependency(job, comm);
  else if (kind == "novelty") status = run_novelty(job, comm);
  else throw InternalError("no runner for job kind '" + kind + "'");
  // Every analysis writes report.html beside its published outputs, for a person to look at.
  if (status == 0 && !job.dry_run())
    comm.run_phase([&] {
      if (comm.is_root()) io::write_report(job.common().output, job.common().archive);
    });
  return status;
}

}  // namespace telemine::jobs
