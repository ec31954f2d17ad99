#pragma once
/// \file `kind = stats`: per parameter and time bucket (aligned to the Unix epoch): count,
/// nan_count, min, max, mean, std (n - 1), first, last. Outputs stats.h5 (written collectively),
/// stats.csv and product.json. Identical byte for byte whatever the number of ranks.

namespace telemine {
class Comm;
}

namespace telemine::jobs {

class Job;

/// Collective. Returns the exit status (0); errors are thrown on every rank.
int run_stats(const Job& job, const Comm& comm);

}  // namespace telemine::jobs
