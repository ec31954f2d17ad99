#pragma once
// The dependency job's division of work: the grid points each rank reads and resamples
// (slice_grid), the run of pairs each rank measures (pair_run, job_pair_run), and the codes each
// rank receives for its run (distribute_codes).

#include <algorithm>
#include <array>
#include <cstdint>
#include <utility>
#include <vector>

#include "jobs/dependency/settings.hpp"
#include "jobs/dependency/types.hpp"
#include "jobs/plan.hpp"

namespace telemine {
class Comm;
}

namespace telemine::jobs::dependency {

// Days hold the partitions; ranks own contiguous runs of days (all missions), balanced by
// sample count as every kind balances (balance_by_weight), and the grid points inside them:
// rank r owns points [begin[r], begin[r+1]) of the `points` points of the grid starting at
// `grid0`. A day is never split between ranks.
std::vector<std::int64_t> slice_grid(const Plan& plan, TimeNs grid0, DurationNs grid, std::int64_t points, int ranks);

// A pair {a, b, -1}, or a Steiner triple {x, y, z} that stands for its pairs (x, y), (x, z),
// (y, z) in a row.
using PairItem = std::array<std::int32_t, 3>;

// One rank's run of the pairs: pair i of them all is pairs[i - begin].
struct PairRun {
  std::int64_t total = 0;  ///< pairs of every rank
  std::int64_t begin = 0;
  std::vector<std::pair<std::int32_t, std::int32_t>> pairs;
};

// The items of `each_item` (each_item(f) calls f(item, group) for every item, in any order)
// in their global order: group, the tiles of their parameters, the parameters; flattened into
// pairs and cut into `ranks` runs of equal length. Only rank `me`'s run is kept: the items are
// counted per tile key first, then visited again for the keys that reach into the run (at
// 20,000 parameters the whole list would take 1.6 GB on every rank).
template <class EachItem>
PairRun pair_run(EachItem&& each_item, std::int32_t tile, std::int32_t tiles, int me, int ranks) {
  // Keys numbered in their order (mixed radix: group, tile, tile, tile or none), so that a
  // visit costs an array access, not a map lookup: 20,000 parameters visit 67 M triples twice.
  const std::int64_t radix = tiles + 1;
  auto key = [&](const PairItem& t, int group) {
    return ((group * radix + t[0] / tile) * radix + t[1] / tile) * radix + (t[2] < 0 ? 0 : t[2] / tile + 1);
  };
  auto size = [](const PairItem& t) { return t[2] < 0 ? 1 : 3; };
  std::vector<std::int64_t> count(static_cast<std::size_t>(2 * radix * radix * radix), 0);  // pairs per key
  each_item([&](const PairItem& t, int group) { count[static_cast<std::size_t>(key(t, group))] += size(t); });
  PairRun run;
  for (const auto c : count) run.total += c;
  run.begin = run.total * me / ranks;
  const std::int64_t end = run.total * (me + 1) / ranks;
  // The keys that reach into [begin, end): from `first_key` to `last_key`, the first starting at
  // pair `first_pair`.
  std::int64_t at = 0, first_key = -1, last_key = -2, first_pair = 0;
  for (std::int64_t k = 0; k < static_cast<std::int64_t>(count.size()); ++k) {
    const std::int64_t c = count[static_cast<std::size_t>(k)];
    if (c > 0 && at < end && at + c > run.begin) {
      if (first_key < 0) first_key = k, first_pair = at;
      last_key = k;
    }
    at += c;
  }
  std::vector<std::pair<std::int64_t, PairItem>> mine;
  each_item([&](const PairItem& t, int group) {
    const std::int64_t k = key(t, group);
    if (k >= first_key && k <= last_key) mine.emplace_back(k, t);
  });
  std::sort(mine.begin(), mine.end());
  std::int64_t index = first_pair;
  for (const auto& [k, t] : mine) {
    const std::pair<std::int32_t, std::int32_t> in_row[3] = {{t[0], t[1]}, {t[0], t[2]}, {t[1], t[2]}};
    for (int m = 0; m < size(t); ++m, ++index)
      if (index >= run.begin && index < end) run.pairs.push_back(in_row[m]);
  }
  return run;
}

/// This job's pairs (of the parameters with data that are not constant, each unordered pair
/// once; in modes one and sets, side a first), rank `me`'s run of them. With `triples`
/// (mode all), listed by Steiner triples: (x, y), (x, z), (y, z) in a row. The pairs are in
/// tiles of parameters, so that a contiguous run touches few parameters.
PairRun job_pair_run(Mode mode, const Sides& sides, const std::vector<ParamSummary>& summary, bool triples, int me,
                     int ranks);

/// Collective: every rank receives from the owners the codes of the parameters its pairs touch
/// (each of `points` bytes); a rank's own parameters that its pairs do not touch are freed.
void distribute_codes(const Comm& comm, const std::vector<std::pair<std::int32_t, std::int32_t>>& pairs,
                      std::int64_t points, std::vector<std::vector<std::uint8_t>>& codes);

}  // namespace telemine::jobs::dependency
