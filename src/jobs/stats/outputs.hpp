#pragma once
// The stats job's outputs: stats.h5 (one collective write of every rank's rows) and stats.csv
// (rank 0, in mission, parameter, bucket order).

#include <vector>

#include "io/table.hpp"
#include "jobs/engine/params.hpp"
#include "jobs/stats/settings.hpp"
#include "kernels/stats.hpp"

namespace telemine::jobs {
class Product;
}

namespace telemine::jobs::stats {

using Rows = std::vector<std::vector<kernels::BucketStats>>;  ///< per parameter, this rank's buckets

/// Collective: stats.h5, staged in the product. Returns the HDF5 write report and the row count.
std::pair<io::CollectiveWriteReport, std::int64_t> write_h5(const Rows& rows, const Plan& plan, const ParamIndex& params,
                                                       const Settings& settings, const Comm& comm, Product& product);

/// Collective: rank 0 gathers every rank's rows and writes stats.csv, staged in the product.
void write_csv(const Rows& rows, const Plan& plan, const ParamIndex& params, const Comm& comm, Product& product);

}  // namespace telemine::jobs::stats
