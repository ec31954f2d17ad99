#pragma once
// The stats job's partial states and how they merge across partitions and ranks. A bucket may
// straddle partitions and ranks: each rank keeps the partials of its first bucket per
// parameter unmerged, and the rank that holds the bucket's beginning folds the later ranks'
// partials onto its own, in time order, so that every bucket is the same left fold over
// partitions at any rank count.

#include <vector>

#include "core/serialize.hpp"
#include "kernels/stats.hpp"

namespace telemine {
class Comm;
}

namespace telemine::jobs::stats {

/// One parameter's buckets on this rank: the partials of its first bucket, unmerged, then the
/// folded buckets after it.
struct ParamBuckets {
  std::vector<kernels::BucketStats> head;
  std::vector<kernels::BucketStats> rows;

  /// Adds one partition's buckets (in time order, after every earlier partition's).
  void add(const std::vector<kernels::BucketStats>& partials);
  bool empty() const noexcept { return head.empty(); }
  TimeNs first_start() const noexcept { return head.front().start; }
  TimeNs last_start() const noexcept { return rows.empty() ? head.front().start : rows.back().start; }
};

/// What a rank tells the others about one parameter: whether it has buckets, the start of its
/// last one, and the unmerged partials of its first.
struct Edge {
  bool has = false;
  TimeNs last = 0;
  std::vector<kernels::BucketStats> head;
};
void put(ByteWriter& w, const Edge& e);
void get(ByteReader& r, Edge& e);

/// Collective: resolves the first buckets that straddle ranks. Returns this rank's final rows
/// per parameter: a bucket belongs to the rank holding its beginning.
std::vector<std::vector<kernels::BucketStats>> settle_boundaries(std::vector<ParamBuckets>& acc, const Comm& comm);

}  // namespace telemine::jobs::stats
