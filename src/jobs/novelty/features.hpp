#pragma once
// The novelty job's read phase: parameters and models (groups), labelled anomalies, each
// rank's partitions read into day blocks (the features of every period, or grid values) and
// sent to the ranks that hold the models, and the rows of each model made from its blocks.

#include <cstdint>
#include <set>
#include <span>
#include <vector>

#include "jobs/novelty/state.hpp"
#include "kernels/stats.hpp"

namespace telemine::jobs {
class Product;
}

namespace telemine::jobs::novelty {

std::vector<Param> params_of(const ParamIndex& index);

/// The models: one per parameter, per mission's subsystem, one of all, or per list (a list that
/// matches no parameter is a JobError naming `novelty.group`).
std::vector<Group> make_groups(const Settings& set, const std::vector<Param>& params, const Plan& plan, const Job& job);

/// The archive's `anomaly` events of the plan's parameters.
Labels read_labels(const Job& job, const Plan& plan, const std::vector<Param>& params);

/// One parameter's day: the grid values (window; state parameters hold their last value) or
/// mean, standard deviation, min and max of every period (features); NaN where nothing is.
void day_block(const Settings& set, io::ParamKind kind, const io::Series& series, TimeNs day_start, std::vector<double>& block,
               std::vector<kernels::BucketStats>& buckets);

/// Appends one parameter's part of a row to `x`; false if it is incomplete.
bool append_inputs(ModelKind kind, std::span<const double> values, std::vector<float>& x);

/// The blocks this rank receives (for the models it holds) and the days they cover.
struct Received {
  Blocks blocks;
  std::set<std::int64_t> days;
};

/// Collective: each rank reads its partitions (derived parameters computed from their inputs)
/// and sends each block to the ranks that hold a model of its parameter. Skipped partitions go
/// to `product`.
Received read_blocks(const Context& c, Product& product);

/// The complete rows of one group's parameters inside the job's range, day by day.
Rows make_rows(const Context& c, const std::vector<std::int32_t>& ps, const Blocks& blocks, const std::set<std::int64_t>& days);

/// Reference rows: inside the training period, touching no labelled anomaly of the group.
std::vector<char> reference_mask(const Context& c, const Rows& r, const Group& group);

}  // namespace telemine::jobs::novelty
