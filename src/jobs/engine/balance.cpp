#include "jobs/engine/balance.hpp"

#include <algorithm>

namespace telemine::jobs {

std::vector<std::int64_t> balance_by_weight(std::span<const std::int64_t> weights, int ranks) {
  auto weight = [&](std::size_t i) { return std::max<std::int64_t>(weights[i], 1); };
  std::int64_t total = 0;
  for (std::size_t i = 0; i < weights.size(); ++i) total += weight(i);
  std::vector<std::int64_t> begin(static_cast<std::size_t>(ranks) + 1, static_cast<std::int64_t>(weights.size()));
  begin[0] = 0;
  // Compared doubled, in integers: middle <= target  <=>  (2 * running + w) * ranks <= 2 * total * r.
  std::int64_t running = 0;
  std::size_t i = 0;
  for (int r = 1; r < ranks; ++r) {
    while (i < weights.size() && (2 * running + weight(i)) * ranks <= 2 * total * r) running += weight(i++);
    begin[static_cast<std::size_t>(r)] = static_cast<std::int64_t>(i);
  }
  return begin;
}

}  // namespace telemine::jobs
