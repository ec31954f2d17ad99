#pragma once
/// \file Templates built into the binary from slurm/.

namespace telemine::jobs {

/// slurm/job.sbatch.in, with `{{NAME}}` placeholders.
const char* sbatch_template() noexcept;

}  // namespace telemine::jobs
