#pragma once
/// \file How work is shared between ranks: each rank takes one contiguous run of items (a
/// plan's partitions, the dependency finder's days), balanced by weight (samples). The one
/// balancer of every kind, so that every kind cuts the same way.

#include <cstdint>
#include <span>
#include <vector>

namespace telemine::jobs {

/// Where each rank's run begins: `ranks + 1` entries, rank r takes [begin[r], begin[r + 1]).
/// An item weighs at least 1 (an empty partition still costs an open). An item goes to the rank
/// whose share of the total its middle falls in; a middle exactly on a boundary goes to the
/// earlier rank. Ranks after a heavy item may get nothing; the runs always cover every item.
std::vector<std::int64_t> balance_by_weight(std::span<const std::int64_t> weights, int ranks);

}  // namespace telemine::jobs
