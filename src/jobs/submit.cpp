#include "jobs/submit.hpp"

#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <sstream>

#include "core/error.hpp"
#include "core/log.hpp"
#include "io/json.hpp"
#include "jobs/campaign.hpp"
#include "jobs/job.hpp"
#include "jobs/plan.hpp"
#include "jobs/templates.hpp"

namespace telemine::jobs {

namespace fs = std::filesystem;

namespace {

// Single-quoted for bash: the only character needing care inside is the quote itself.
std::string quote(const std::string& s) {
  std::string out = "'";
  for (char c : s) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

fs::path self_binary() {
  std::error_code ec;
  const fs::path p = fs::read_symlink("/proc/self/exe", ec);
  return ec ? fs::path("telemine") : p;
}

std::string fill(std::string text, const std::vector<std::pair<std::string, std::string>>& values) {
  for (const auto& [name, value] : values) {
    const std::string mark = "{{" + name + "}}";
    for (auto at = text.find(mark); at != std::string::npos; at = text.find(mark, at + value.size()))
      text.replace(at, mark.size(), value);
  }
  return text;
}

// The job file's [slurm] settings as #SBATCH lines; `only_placement` keeps just where and how
// long a job may run (for the campaign's one-process summary job).
std::string sbatch_options(const Job& job, bool only_placement = false) {
  std::ostringstream s;
  static const std::array<const char*, 7> kKeys = {"nodes", "ntasks-per-node", "cpus-per-task", "time",
                                                   "partition", "account", "mem"};
  for (const char* key : kKeys) {
    const std::string k = key;
    if (only_placement && k != "time" && k != "partition" && k != "account") continue;
    if (auto v = job.get("slurm." + k); v && !v->empty()) s << "#SBATCH --" << k << "=" << *v << "\n";
  }
  if (auto extra = job.get("slurm.extra"); extra && !only_placement) {
    std::istringstream words(*extra);
    std::string w;
    while (words >> w) s << "#SBATCH " << w << "\n";
  }
  return s.str();
}

std::string run_command(const fs::path& binary, const fs::path& job_file, const std::vector<std::string>& overrides) {
  // Appended piece by piece: `"literal" + std::string&&` trips GCC 12's -Wrestrict false positive.
  std::string cmd = "srun --mpi=pmix ";
  cmd += quote(binary.string());
  cmd += " run ";
  cmd += quote(job_file.string());
  for (const auto& o : overrides) (cmd += " ") += quote(o);
  return cmd;
}

// sbatch --parsable prints "JOBID[;CLUSTER]"; its own errors go to our stderr as they are.
std::string sbatch(const fs::path& script, const std::string& options = "") {
  const std::string command = "sbatch --parsable " + options + (options.empty() ? "" : " ") + quote(script.string());
  std::FILE* pipe = ::popen(command.c_str(), "r");
  if (pipe == nullptr) throw IoError("cannot run sbatch");
  std::string reply;
  char buf[256];
  while (std::fgets(buf, sizeof buf, pipe)) reply += buf;
  const int status = ::pclose(pipe);
  if (status != 0 || reply.empty())
    throw IoError("sbatch " + script.string() + " failed (exit status " +
                  std::to_string(WIFEXITED(status) ? WEXITSTATUS(status) : -1) +
                  "): is Slurm reachable? (SLURM_CONF, slurm/local-cluster.sh start)");
  return reply.substr(0, reply.find_first_of(";\n"));
}

fs::path prepare_output(const Job& job) {
  const fs::path output = fs::absolute(job.common().output);
  std::error_code ec;
  fs::create_directories(output, ec);
  if (ec) job.fail("output", "cannot create folder " + output.string() + ": " + ec.message());
  return output;
}

std::string campaign_script(const Job& job, const fs::path& job_file, const std::vector<CampaignTask>& tasks,
                            const fs::path& binary, const fs::path& workdir, const fs::path& tasks_file) {
  const fs::path output = fs::absolute(workdir / job.common().output).lexically_normal();
  return fill(sbatch_template(),
              {{"DESCRIPTION", "the campaign " + job_file.string() + ", one array task per job"},
               {"JOB_NAME", "telemine-campaign-" + job_file.stem().string()},
               {"WORKDIR", workdir.string()},
               {"LOG", (output / "slurm-%A_%a.out").string()},
               {"SBATCH_OPTIONS", "#SBATCH --array=0-" + std::to_string(tasks.size() - 1) + "\n" + sbatch_options(job)},
               {"TASK", "_${SLURM_ARRAY_TASK_ID}"},
               {"COMMAND", "# The task's job file and overrides: line TASK+1 of the tasks file, tab-separated.\n"
                           "mapfile -t args < <(sed -n \"$((SLURM_ARRAY_TASK_ID + 1))p\" " + quote(tasks_file.string()) +
                               " | tr '\\t' '\\n')\n"
                           "srun --mpi=pmix " + quote(binary.string()) + " run \"${args[@]}\" --skip-complete"},
               {"AFTER", "mkdir -p " + quote((output / ".status").string()) + " && echo $status > " +
                             quote((output / ".status").string()) + "/$SLURM_ARRAY_TASK_ID"}});
}

// The campaign file with the overrides it was submitted with (so the summary reads the same
// output folder), in one process.
std::string summary_command(const Job& job, const fs::path& job_file, const fs::path& binary, const fs::path& workdir) {
  std::string cmd = quote(binary.string());
  cmd += " run ";
  cmd += quote(fs::absolute(workdir / job_file).lexically_normal().string());
  for (const auto& o : job.overrides()) (cmd += " ") += quote(o);
  return cmd + " --summary";
}

std::string summary_script(const Job& job, const fs::path& job_file, const fs::path& binary, const fs::path& workdir) {
  const fs::path output = fs::absolute(workdir / job.common().output).lexically_normal();
  return fill(sbatch_template(),
              {{"DESCRIPTION", "the summary of the campaign " + job_file.string() + ", after its array"},
               {"JOB_NAME", "telemine-summary-" + job_file.stem().string()},
               {"WORKDIR", workdir.string()},
               {"LOG", (output / "slurm-%j-summary.out").string()},
               {"SBATCH_OPTIONS", "#SBATCH --ntasks=1\n" + sbatch_options(job, true)},
               {"TASK", ""},
               {"COMMAND", summary_command(job, job_file, binary, workdir)},
               {"AFTER", ""}});
}

std::string submit_campaign(const Job& job, const fs::path& job_file, bool dry_run, std::FILE* out) {
  const auto tasks = campaign_tasks(job);
  if (tasks.empty()) job.fail("jobs", "the campaign has no task");
  const fs::path workdir = fs::current_path();
  const fs::path output = fs::absolute(job.common().output);
  std::string lines;
  for (const auto& t : tasks) {
    Job::parse(t.job_file, t.overrides);  // every task's job file is valid before anything is submitted
    lines += t.job_file.string();
    for (const auto& o : t.overrides) lines += "\t" + o;
    lines += "\n";
  }
  const fs::path tasks_file = output / "tasks.tsv";
  const std::string array = campaign_script(job, job_file, tasks, self_binary(), workdir, tasks_file);
  const std::string summary = summary_script(job, job_file, self_binary(), workdir);
  if (dry_run) {
    std::fprintf(out, "%s\n# then, after the array (sbatch --dependency=afterany:ARRAY):\n%s\n# %s:\n%s", array.c_str(),
                 summary.c_str(), tasks_file.c_str(), lines.c_str());
    return "";
  }
  prepare_output(job);
  io::write_file_atomically(tasks_file, lines);
  io::write_file_atomically(output / "campaign.sbatch", array);
  io::write_file_atomically(output / "summary.sbatch", summary);
  const std::string id = sbatch(output / "campaign.sbatch");
  const std::string summary_id = sbatch(output / "summary.sbatch", "--dependency=afterany:" + id);
  log::info("campaign: " + std::to_string(tasks.size()) + " tasks in job array " + id + "; summary job " + summary_id +
            " runs after it");
  return id;
}

}  // namespace

std::string sbatch_script(const Job& job, const fs::path& job_file, const std::vector<std::string>& overrides,
                          const fs::path& binary, const fs::path& workdir) {
  const fs::path output = fs::absolute(workdir / job.common().output).lexically_normal();
  return fill(sbatch_template(),
              {{"DESCRIPTION", "the job " + job_file.string()},
               {"JOB_NAME", "telemine-" + job.common().kind + "-" + job_file.stem().string()},
               {"WORKDIR", workdir.string()},
               {"LOG", (output / "slurm-%j.out").string()},
               {"SBATCH_OPTIONS", sbatch_options(job)},
               {"TASK", ""},
               {"COMMAND", run_command(binary, fs::absolute(workdir / job_file).lexically_normal(), overrides)},
               {"AFTER", ""}});
}

std::string submit(const fs::path& job_file, const std::vector<std::string>& overrides, bool dry_run, std::FILE* out) {
  const Job job = Job::parse(job_file, overrides);
  if (job.common().kind == "campaign") return submit_campaign(job, job_file, dry_run, out);
  make_plan(job, 1);  // the same validation as `run`: archive, missions, parameters
  const std::string script = sbatch_script(job, job_file, overrides, self_binary(), fs::current_path());
  if (dry_run) {
    std::fputs(script.c_str(), out);
    return "";
  }
  const fs::path output = prepare_output(job);
  io::write_file_atomically(output / "job.sbatch", script);
  return sbatch(output / "job.sbatch");
}

}  // namespace telemine::jobs
