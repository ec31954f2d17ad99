#pragma once
/// \file Runs a parsed job by its kind.

namespace telemine {
class Comm;
}

namespace telemine::jobs {

class Job;

/// Collective. Returns the exit status.
int run_job(const Job& job, const Comm& comm);

}  // namespace telemine::jobs
