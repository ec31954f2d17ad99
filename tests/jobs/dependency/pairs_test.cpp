#include "jobs/dependency/pairs.hpp"

#include <gtest/gtest.h>

#include <set>

using namespace telemine;
using namespace telemine::jobs;
using namespace telemine::jobs::dependency;

namespace {

// Every unordered pair of n parameters, visited in a scrambled order.
auto all_pairs(std::int32_t n) {
  return [n](auto&& f) {
    for (std::int32_t a = n - 1; a >= 0; --a)
      for (std::int32_t b = a + 1; b < n; ++b) f(PairItem{a, b, -1}, 0);
  };
}

Plan plan_of_days(const std::vector<std::int64_t>& samples) {
  Plan plan;
  plan.missions.push_back({"M", {}});
  for (std::size_t d = 0; d < samples.size(); ++d) {
    io::PartitionInfo info;
    info.start = static_cast<TimeNs>(d) * kDay;
    info.end = info.start + kDay;
    info.samples = samples[d];
    plan.partitions.push_back({0, info});
  }
  return plan;
}

}  // namespace

TEST(DependencyPairs, RunsCoverEveryPairOnceInTheSameOrderAtAnyRankCount) {
  const std::int32_t n = 13;
  const auto one = pair_run(all_pairs(n), 5, 3, 0, 1);
  ASSERT_EQ(one.total, n * (n - 1) / 2);
  ASSERT_EQ(static_cast<std::int64_t>(one.pairs.size()), one.total);
  const std::set<std::pair<std::int32_t, std::int32_t>> distinct(one.pairs.begin(), one.pairs.end());
  EXPECT_EQ(distinct.size(), one.pairs.size());
  for (int ranks : {2, 3, 7}) {
    std::vector<std::pair<std::int32_t, std::int32_t>> joined;
    for (int me = 0; me < ranks; ++me) {
      const auto run = pair_run(all_pairs(n), 5, 3, me, ranks);
      EXPECT_EQ(run.total, one.total);
      EXPECT_EQ(run.begin, static_cast<std::int64_t>(joined.size()));
      const auto len = static_cast<std::int64_t>(run.pairs.size());
      EXPECT_LE(std::abs(len - one.total / ranks), 1) << "ranks " << ranks << " rank " << me;
      joined.insert(joined.end(), run.pairs.begin(), run.pairs.end());
    }
    EXPECT_EQ(joined, one.pairs) << ranks << " ranks";
  }
}

TEST(DependencyPairs, ATripleStandsForItsThreePairsInARow) {
  auto items = [](auto&& f) { f(PairItem{1, 4, 6}, 0); };
  const auto run = pair_run(items, 10, 1, 0, 1);
  ASSERT_EQ(run.total, 3);
  EXPECT_EQ(run.pairs, (std::vector<std::pair<std::int32_t, std::int32_t>>{{1, 4}, {1, 6}, {4, 6}}));
  // Cut between ranks inside the triple.
  const auto second = pair_run(items, 10, 1, 1, 2);
  EXPECT_EQ(second.begin, 1);
  EXPECT_EQ(second.pairs, (std::vector<std::pair<std::int32_t, std::int32_t>>{{1, 6}, {4, 6}}));
}

TEST(DependencyPairs, SliceGridGivesWholeDaysBalancedBySamples) {
  const DurationNs grid = kHour;
  const Plan plan = plan_of_days({100, 100, 100, 100});
  const auto slice = slice_grid(plan, 0, grid, 96, 2);
  EXPECT_EQ(slice, (std::vector<std::int64_t>{0, 48, 96}));
  // A heavy first day stays whole, on the rank whose share holds its middle (balance_by_weight):
  // rank 1 of 3, so rank 0 has nothing and rank 2 the three light days.
  const auto heavy = slice_grid(plan_of_days({1000, 10, 10, 10}), 0, grid, 96, 3);
  EXPECT_EQ(heavy, (std::vector<std::int64_t>{0, 0, 24, 96}));
}

TEST(DependencyPairs, SliceGridLeavesExtraRanksEmpty) {
  const auto slice = slice_grid(plan_of_days({50}), 0, kHour, 24, 3);
  EXPECT_EQ(slice.front(), 0);
  EXPECT_EQ(slice.back(), 24);
  std::int64_t covered = 0;
  for (std::size_t r = 1; r < slice.size(); ++r) covered += slice[r] - slice[r - 1];
  EXPECT_EQ(covered, 24);
}
