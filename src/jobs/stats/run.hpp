#pragma once
/// \file The stats job (kind `stats`): per parameter and time bucket, count, min, max, mean,
/// standard deviation, first and last, into stats.h5 and stats.csv. Its phases, one file each in
/// this folder: settings, read (partitions into per-bucket partial states), compute (states
/// that straddle ranks settled), outputs, run.

namespace telemine {
class Comm;
}

namespace telemine::jobs {

class Job;

/// Runs a stats job; collective over `comm`. Returns the exit status.
int run_stats(const Job& job, const Comm& comm);

}  // namespace telemine::jobs
