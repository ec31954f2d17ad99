#pragma once
/// \file `kind = campaign`: the same job over several missions, or several jobs, as one unit.
/// `telemine run CAMPAIGN.ini` runs the tasks one after another on the ranks it has;
/// `telemine submit CAMPAIGN.ini` makes them one Slurm job array plus a summary job that runs
/// after it. Either way each task has its own output folder, records its exit status in
/// OUTPUT/.status/TASK, and the summary (campaign.csv, product.json) lists every task.

#include <filesystem>
#include <string>
#include <vector>

namespace telemine {
class Comm;
}

namespace telemine::jobs {

class Job;

struct CampaignTask {
  int index = 0;
  std::filesystem::path job_file;  ///< absolute
  std::string mission;             ///< empty when the job runs once, not per mission
  std::filesystem::path output;    ///< the task's own output folder
  std::vector<std::string> overrides;  ///< for `telemine run JOB_FILE ...`
};

/// The campaign's tasks: every job file, times every mission when `missions` is given.
std::vector<CampaignTask> campaign_tasks(const Job& campaign);

/// Collective. Runs every task (a failed task is recorded and the next one runs), then writes
/// the summary; with `--summary` only writes the summary. Exit status 1 when a task failed.
int run_campaign(const Job& campaign, const Comm& comm);

}  // namespace telemine::jobs
