#include "jobs/campaign.hpp"

#include "jobs/engine/registry.hpp"

#include <fstream>

#include "core/comm.hpp"
#include "core/error.hpp"
#include "core/log.hpp"
#include "io/archive.hpp"
#include "io/json.hpp"
#include "jobs/job.hpp"
#include "jobs/product.hpp"
#include "jobs/run.hpp"

namespace telemine::jobs {

namespace fs = std::filesystem;

std::vector<CampaignTask> campaign_tasks(const Job& campaign) {
  const JobCommon& c = campaign.common();
  const fs::path base = campaign.file().empty() ? fs::current_path() : fs::absolute(campaign.file()).parent_path();
  std::vector<std::string> missions = c.missions;
  if (missions.size() == 1 && missions[0] == "*") {
    if (c.archive.empty()) campaign.fail("missions", "'*' needs the campaign's 'archive'");
    try {
      missions = io::Archive::open(c.archive).missions();
    } catch (const IoError& e) {
      campaign.fail("archive", e.what());
    }
  }
  std::vector<CampaignTask> tasks;
  for (const auto& job : c.jobs) {
    const fs::path file = (base / job).lexically_normal();
    if (!fs::exists(file)) campaign.fail("jobs", "no job file " + file.string());
    const std::string stem = file.stem().string();
    auto add = [&](const std::string& mission) {
      CampaignTask t;
      t.index = static_cast<int>(tasks.size());
      t.job_file = file;
      t.mission = mission;
      t.output = c.output / (mission.empty() ? stem : stem + "-" + mission);
      if (!c.archive.empty()) t.overrides.push_back("--archive=" + c.archive.string());
      if (!mission.empty()) t.overrides.push_back("--mission=" + mission);
      t.overrides.push_back("--output=" + t.output.string());
      tasks.push_back(std::move(t));
    };
    if (missions.empty()) add("");
    for (const auto& m : missions) add(m);
  }
  return tasks;
}

namespace {

fs::path status_file(const Job& campaign, int task) {
  return campaign.common().output / ".status" / std::to_string(task);
}

void record_status(const Job& campaign, int task, int status) {
  std::error_code ec;
  fs::create_directories(status_file(campaign, task).parent_path(), ec);
  io::write_file_atomically(status_file(campaign, task), std::to_string(status) + "\n");
}

// A task's state from its status file: completed, failed, or not run (cancelled, never started).
std::pair<std::string, int> task_state(const Job& campaign, const CampaignTask& t) {
  std::ifstream in(status_file(campaign, t.index));
  int status = -1;
  if (!(in >> status)) return {"not run", -1};
  return {status == 0 ? "completed" : "failed", status};
}

void write_summary(const Job& campaign, const std::vector<CampaignTask>& tasks) {
  const fs::path out = campaign.common().output;
  std::error_code ec;
  fs::create_directories(out, ec);
  std::string csv = "task,job,mission,output,state,exit_status\n";
  io::JsonWriter w;
  w.begin_object();
  w.field("product", "telemine campaign");
  w.field("telemine_version", version());
  w.field("campaign_file", campaign.file().string());
  w.field("campaign_text", campaign.text());
  w.key("tasks").begin_array();
  int failed = 0, not_run = 0;
  for (const auto& t : tasks) {
    const auto [state, status] = task_state(campaign, t);
    failed += state == "failed";
    not_run += state == "not run";
    csv += std::to_string(t.index) + "," + t.job_file.string() + "," + t.mission + "," + t.output.string() + "," + state +
           "," + (status < 0 ? std::string() : std::to_string(status)) + "\n";
    w.begin_object().field("task", t.index).field("job", t.job_file.string()).field("mission", t.mission);
    w.field("output", t.output.string()).field("state", state);
    if (status >= 0) w.field("exit_status", status);
    w.key("outputs").begin_array();
    if (fs::is_directory(t.output))
      for (const auto& e : fs::directory_iterator(t.output))
        if (e.is_regular_file() && e.path().filename().string()[0] != '.') w.value(e.path().filename().string());
    w.end_array().end_object();
  }
  w.end_array();
  w.field("tasks_completed", static_cast<std::int64_t>(tasks.size()) - failed - not_run);
  w.field("tasks_failed", failed);
  w.field("tasks_not_run", not_run);
  w.end_object();
  io::write_file_atomically(out / "campaign.csv", csv);
  io::write_file_atomically(out / "product.json", w.str());
}

}  // namespace

int run_campaign(const Job& campaign, const Comm& comm) {
  std::vector<CampaignTask> tasks;
  comm.run_phase([&] { tasks = campaign_tasks(campaign); });
  if (campaign.dry_run()) {
    // Each task's own plan, and nothing written: a bad task fails the dry run as it would the run.
    for (const auto& t : tasks) {
      if (comm.is_root())
        std::printf("task %d: %s%s -> %s\n", t.index, t.job_file.c_str(),
                    t.mission.empty() ? "" : (" (" + t.mission + ")").c_str(), t.output.c_str());
      std::vector<std::string> args = t.overrides;
      args.push_back("--dry-run");
      run_job(Job::parse(t.job_file, args), comm);
    }
    return 0;
  }
  int failures = 0;
  if (!campaign.summary_only()) {
    for (const auto& t : tasks) {
      int status = 0;
      try {
        std::vector<std::string> args = t.overrides;
        if (!campaign.progress()) args.push_back("--quiet");
        args.push_back("--skip-complete");  // run again, a campaign redoes only what did not finish
        status = run_job(Job::parse(t.job_file, args), comm);
      } catch (const Error& e) {
        // Errors inside a job are agreed on by every rank (run_phase), so all ranks go on together.
        log::warn("campaign task " + std::to_string(t.index) + " (" + t.job_file.filename().string() +
                  (t.mission.empty() ? "" : ", " + t.mission) + ") failed: " + e.what());
        status = e.exit_code();
      }
      failures += status != 0;
      comm.run_phase([&] {
        if (comm.is_root()) record_status(campaign, t.index, status);
      });
    }
  }
  comm.run_phase([&] {
    if (!comm.is_root()) return;
    write_summary(campaign, tasks);
    if (campaign.summary_only())
      for (const auto& t : tasks) failures += task_state(campaign, t).first != "completed";
    std::printf("campaign: %zu tasks, %d not completed\n  %s\n  %s\n", tasks.size(), failures,
                (campaign.common().output / "campaign.csv").c_str(), (campaign.common().output / "product.json").c_str());
  });
  return comm.allreduce_value<std::int64_t>(failures, ReduceOp::max) > 0 ? 1 : 0;
}

const KindSpec& campaign_kind() {
  static const KindSpec kind = {"campaign", "several job files, each once per mission (keys jobs, missions)", {}, run_campaign};
  return kind;
}

}  // namespace telemine::jobs
