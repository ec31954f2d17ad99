#pragma once
/// \file `telemine submit JOB.ini`: runs a job as a Slurm batch job. Writes OUTPUT/job.sbatch
/// (the same `telemine run` under `srun --mpi=pmix`, with the job file's [slurm] settings),
/// submits it with sbatch and prints the job id.

#include <cstdio>
#include <filesystem>
#include <string>
#include <vector>

namespace telemine::jobs {

class Job;

/// The sbatch script for `job`, read from `job_file` with `overrides`, run from `workdir` by
/// the telemine binary at `binary`.
std::string sbatch_script(const Job& job, const std::filesystem::path& job_file,
                          const std::vector<std::string>& overrides, const std::filesystem::path& binary,
                          const std::filesystem::path& workdir);

/// Validates the job (as `run` would, on one process), writes OUTPUT/job.sbatch and submits it.
/// With dry_run, prints the script and submits nothing. Returns the Slurm job id ("" for a dry
/// run). Throws JobError for a bad job file, IoError when sbatch fails (with its message).
std::string submit(const std::filesystem::path& job_file, const std::vector<std::string>& overrides, bool dry_run,
                   std::FILE* out);

}  // namespace telemine::jobs
