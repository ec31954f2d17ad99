#include "jobs/submit.hpp"

#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <sstream>

#include "core/error.hpp"
#include "io/json.hpp"
#include "jobs/job.hpp"
#include "jobs/plan.hpp"

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

}  // namespace

std::string sbatch_script(const Job& job, const fs::path& job_file, const std::vector<std::string>& overrides,
                          const fs::path& binary, const fs::path& workdir) {
  const JobCommon& c = job.common();
  const fs::path output = fs::absolute(workdir / c.output).lexically_normal();
  std::ostringstream s;
  s << "#!/bin/bash\n"
    << "# Written by telemine submit: the job " << job_file.string() << " as a Slurm batch job.\n"
    << "#SBATCH --job-name=telemine-" << c.kind << "-" << job_file.stem().string() << "\n"
    << "#SBATCH --chdir=" << workdir.string() << "\n"
    << "#SBATCH --output=" << (output / "slurm-%j.out").string() << "\n"
    << "#SBATCH --open-mode=append\n"
    << "# Requeued after a node failure or preemption, the job runs again from the start.\n"
    << "#SBATCH --requeue\n";
  const std::array<std::pair<const char*, const char*>, 7> options = {{{"nodes", "nodes"},
                                                                       {"ntasks-per-node", "ntasks-per-node"},
                                                                       {"cpus-per-task", "cpus-per-task"},
                                                                       {"time", "time"},
                                                                       {"partition", "partition"},
                                                                       {"account", "account"},
                                                                       {"mem", "mem"}}};
  for (const auto& [key, option] : options)
    if (auto v = job.get(std::string("slurm.") + key); v && !v->empty()) s << "#SBATCH --" << option << "=" << *v << "\n";
  if (auto extra = job.get("slurm.extra")) {
    std::istringstream words(*extra);
    std::string w;
    while (words >> w) s << "#SBATCH " << w << "\n";
  }
  s << "\nset -o pipefail\n"
    << "echo \"telemine: Slurm job $SLURM_JOB_ID on $SLURM_JOB_NODELIST, $SLURM_NTASKS ranks, started $(date -u +%FT%TZ)\"\n"
    << "srun --mpi=pmix " << quote(binary.string()) << " run " << quote(fs::absolute(workdir / job_file).lexically_normal().string());
  for (const auto& o : overrides) s << " " << quote(o);
  s << "\nstatus=$?\n"
    << "echo \"telemine: finished $(date -u +%FT%TZ) with exit status $status\"\n"
    << "exit $status\n";
  return s.str();
}

std::string submit(const fs::path& job_file, const std::vector<std::string>& overrides, bool dry_run, std::FILE* out) {
  const Job job = Job::parse(job_file, overrides);
  make_plan(job, 1);  // the same validation as `run`: archive, missions, parameters
  const fs::path workdir = fs::current_path();
  const std::string script = sbatch_script(job, job_file, overrides, self_binary(), workdir);
  if (dry_run) {
    std::fputs(script.c_str(), out);
    return "";
  }
  const fs::path output = fs::absolute(job.common().output);
  std::error_code ec;
  fs::create_directories(output, ec);
  if (ec) job.fail("output", "cannot create folder " + output.string() + ": " + ec.message());
  const fs::path script_file = output / "job.sbatch";
  io::write_file_atomically(script_file, script);

  // sbatch --parsable prints "JOBID[;CLUSTER]"; its errors go to our stderr as they are.
  const std::string command = "sbatch --parsable " + quote(script_file.string());
  std::FILE* pipe = ::popen(command.c_str(), "r");
  if (pipe == nullptr) throw IoError("cannot run sbatch");
  std::string reply;
  char buf[256];
  while (std::fgets(buf, sizeof buf, pipe)) reply += buf;
  const int status = ::pclose(pipe);
  if (status != 0 || reply.empty())
    throw IoError("sbatch " + script_file.string() + " failed (exit status " +
                  std::to_string(WIFEXITED(status) ? WEXITSTATUS(status) : -1) +
                  "): is Slurm reachable? (SLURM_CONF, slurm/local-cluster.sh start)");
  std::string id = reply.substr(0, reply.find_first_of(";\n"));
  return id;
}

}  // namespace telemine::jobs
