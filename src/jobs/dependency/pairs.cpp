#include "jobs/dependency/pairs.hpp"

#include "jobs/engine/balance.hpp"

namespace telemine::jobs::dependency {

std::vector<std::int64_t> slice_grid(const Plan& plan, TimeNs grid0, DurationNs grid, std::int64_t points, int ranks) {
  std::vector<std::int64_t> days, samples;  // each day with a partition, and its samples in all missions
  std::vector<std::pair<std::int64_t, std::int64_t>> parts;
  for (const auto& p : plan.partitions) parts.emplace_back(floor_div(p.info.start, kDay), p.info.samples);
  std::sort(parts.begin(), parts.end());
  for (const auto& [day, n] : parts) {
    if (!days.empty() && days.back() == day) samples.back() += n;
    else days.push_back(day), samples.push_back(n);
  }
  const std::vector<std::int64_t> first = balance_by_weight(samples, ranks);  // in days
  const std::int64_t past_end = floor_div(grid0 + points * grid, kDay) + 1;
  std::vector<std::int64_t> begin(static_cast<std::size_t>(ranks) + 1, points);
  begin[0] = 0;
  for (int r = 1; r < ranks; ++r) {
    const auto d = static_cast<std::size_t>(first[static_cast<std::size_t>(r)]);
    const std::int64_t day = d < days.size() ? days[d] : past_end;
    begin[r] = std::clamp<std::int64_t>((day * kDay - grid0) / grid, begin[r - 1], points);
  }
  return begin;
}

}  // namespace telemine::jobs::dependency

#include <cmath>

#include "core/comm.hpp"
#include "jobs/dependency/bin.hpp"
#include "kernels/joint_counts.hpp"

namespace telemine::jobs::dependency {

PairRun job_pair_run(Mode mode, const Sides& sides, const std::vector<ParamSummary>& summary, bool triples, int me,
                     int ranks) {
  const auto n_params = static_cast<std::int32_t>(summary.size());
  const std::int32_t tiles = std::max(1, static_cast<int>(std::lround(std::sqrt(2.0 * ranks))));
  const std::int32_t tile = std::max<std::int32_t>(1, (n_params + tiles - 1) / std::max(1, tiles));
  auto each_item = [&](auto&& f) {  // f(item, group): a pair {a, b, -1} or a triple, any order
    if (triples) {
      std::vector<std::int32_t> ok;
      for (std::int32_t p = 0; p < n_params; ++p)
        if (sides.a[p] && summary[p].status == Status::ok) ok.push_back(p);
      const auto n = static_cast<std::int32_t>(ok.size());
      kernels::steiner_triples(n, [&](const auto& t) { f(PairItem{ok[t[0]], ok[t[1]], ok[t[2]]}, 0); },  // ok ascending
                               [&](std::int32_t x, std::int32_t y) { f(PairItem{ok[x], ok[y], -1}, 1); });
      return;
    }
    for (std::int32_t a = 0; a < n_params; ++a) {
      if (!sides.a[a] || summary[a].status != Status::ok) continue;
      for (std::int32_t b = 0; b < n_params; ++b) {
        if (b == a || !sides.b[b] || summary[b].status != Status::ok) continue;
        // all: each unordered pair once; one/sets: a from the first side, each unordered pair once.
        if (mode == Mode::all && b < a) continue;
        if (mode != Mode::all && sides.a[b] && sides.b[a] && b < a) continue;
        f(PairItem{a, b, -1}, 0);
      }
    }
  };
  return pair_run(each_item, tile, tiles, me, ranks);
}

void distribute_codes(const Comm& comm, const std::vector<std::pair<std::int32_t, std::int32_t>>& pairs,
                      std::int64_t points, std::vector<std::vector<std::uint8_t>>& codes) {
  const int me = comm.rank(), ranks = comm.size();
  const auto n_params = static_cast<std::int32_t>(codes.size());
  const auto owned = owned_params(n_params, me, ranks);
  std::vector<bool> mine(codes.size(), false);
  for (const auto& [a, b] : pairs) mine[a] = mine[b] = true;
  // Which parameters each rank needs: one bit a parameter from every rank.
  std::string bits((codes.size() + 7) / 8, '\0');
  for (std::size_t p = 0; p < codes.size(); ++p)
    if (mine[p]) bits[p / 8] = static_cast<char>(bits[p / 8] | (1 << (p % 8)));
  const auto all_bits = comm.allgather_bytes(bits);
  std::vector<std::string> send(static_cast<std::size_t>(ranks));
  for (int r = 0; r < ranks; ++r) {
    const auto& need = all_bits[static_cast<std::size_t>(r)];
    for (std::int32_t p : owned)
      if (need[static_cast<std::size_t>(p / 8)] >> (p % 8) & 1)
        send[static_cast<std::size_t>(r)].append(reinterpret_cast<const char*>(codes[p].data()), codes[p].size());
  }
  for (std::int32_t p : owned)
    if (!mine[p]) std::vector<std::uint8_t>().swap(codes[p]);
  const auto received = comm.alltoall_bytes(send);
  send.clear();
  std::vector<std::size_t> offset(static_cast<std::size_t>(ranks), 0);
  for (std::int32_t p = 0; p < n_params; ++p) {
    if (!mine[p] || owner(p, ranks) == me) continue;
    const auto& from_owner = received[static_cast<std::size_t>(owner(p, ranks))];
    auto& off = offset[static_cast<std::size_t>(owner(p, ranks))];
    codes[p].assign(from_owner.begin() + static_cast<std::ptrdiff_t>(off),
                    from_owner.begin() + static_cast<std::ptrdiff_t>(off + static_cast<std::size_t>(points)));
    off += static_cast<std::size_t>(points);
  }
}

}  // namespace telemine::jobs::dependency
