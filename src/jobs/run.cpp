#include "jobs/run.hpp"

#include <cstdio>

#include "core/comm.hpp"
#include "core/error.hpp"
#include "io/report.hpp"
#include "jobs/engine/registry.hpp"
#include "jobs/plan.hpp"
#include "jobs/product.hpp"
#include "jobs/job.hpp"

namespace telemine::jobs {

int run_job(const Job& job, const Comm& comm) {
  const std::string& kind = job.common().kind;
  if (job.skip_complete() && kind != "campaign" && !job.dry_run()) {
    const Plan plan = plan_collectively(job, comm, /*announce=*/false);  // the kind announces it
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
  const KindSpec* k = find_kind(kind);
  if (!k || !k->run) throw InternalError("no runner for job kind '" + kind + "'");
  const int status = k->run(job, comm);
  // Every analysis writes report.html beside its published outputs, for a person to look at.
  if (status == 0 && !job.dry_run() && kind != "campaign")
    comm.run_phase([&] {
      if (comm.is_root()) io::write_report(job.common().output, job.common().archive);
    });
  return status;
}

}  // namespace telemine::jobs
