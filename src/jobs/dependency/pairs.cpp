#include "jobs/dependency/pairs.hpp"

namespace telemine::jobs::dependency {

std::vector<std::int64_t> slice_grid(const Plan& plan, TimeNs grid0, DurationNs grid, std::int64_t points, int ranks) {
  std::vector<std::pair<std::int64_t, std::int64_t>> days;  // (day index, samples)
  for (const auto& p : plan.partitions) days.emplace_back(floor_div(p.info.start, kDay), p.info.samples);
  std::sort(days.begin(), days.end());
  std::vector<std::pair<std::int64_t, std::int64_t>> merged;
  for (const auto& d : days) {
    if (!merged.empty() && merged.back().first == d.first) merged.back().second += d.second;
    else merged.push_back(d);
  }
  std::int64_t total = 0;
  for (const auto& d : merged) total += d.second;
  std::vector<std::int64_t> begin(static_cast<std::size_t>(ranks + 1), points);
  begin[0] = 0;
  std::int64_t before = 0;
  std::size_t i = 0;
  for (int r = 1; r < ranks; ++r) {
    // Rank r starts at the first day whose preceding samples reach r/ranks of the total.
    while (i < merged.size() && before * ranks < total * r) before += merged[i++].second;
    const std::int64_t day = i < merged.size() ? merged[i].first : floor_div(grid0 + points * grid, kDay) + 1;
    begin[r] = std::clamp<std::int64_t>((day * kDay - grid0) / grid, begin[r - 1], points);
  }
  return begin;
}

}  // namespace telemine::jobs::dependency
