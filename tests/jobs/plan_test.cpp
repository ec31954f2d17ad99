#include "jobs/plan.hpp"

#include <gtest/gtest.h>

using namespace telemine;
using namespace telemine::jobs;

namespace {

std::vector<PlannedPartition> parts(const std::vector<std::int64_t>& samples) {
  std::vector<PlannedPartition> out;
  for (const auto n : samples) {
    io::PartitionInfo info;
    info.samples = n;
    out.push_back({0, info});
  }
  return out;
}

}  // namespace

TEST(PlanBalance, EqualPartitionsSplitEvenly) {
  EXPECT_EQ(balance_partitions(parts({10, 10, 10, 10}), 2), (std::vector<std::int64_t>{0, 2, 4}));
  EXPECT_EQ(balance_partitions(parts({10, 10, 10, 10}), 1), (std::vector<std::int64_t>{0, 4}));
}

TEST(PlanBalance, APartitionGoesToTheShareItsMiddleFallsIn) {
  // Shares of 50: the second partition spans 20..80, its middle 50 is rank 0's (ties go early).
  EXPECT_EQ(balance_partitions(parts({20, 60, 20}), 2), (std::vector<std::int64_t>{0, 2, 3}));
  // Spanning 30..90, its middle 60 is past rank 0's share.
  EXPECT_EQ(balance_partitions(parts({30, 60, 10}), 2), (std::vector<std::int64_t>{0, 1, 3}));
  // A heavy partition alone: the ranks after it may get nothing.
  const auto b = balance_partitions(parts({1000, 1, 1}), 3);
  EXPECT_EQ(b.front(), 0);
  EXPECT_EQ(b.back(), 3);
  for (std::size_t r = 1; r < b.size(); ++r) EXPECT_LE(b[r - 1], b[r]);
}

TEST(PlanBalance, MoreRanksThanPartitionsAndEmptyPartitions) {
  const auto b = balance_partitions(parts({0, 0}), 4);  // empty partitions weigh 1
  EXPECT_EQ(b.size(), 5u);
  EXPECT_EQ(b.front(), 0);
  EXPECT_EQ(b.back(), 2);
  EXPECT_EQ(balance_partitions(parts({}), 3), (std::vector<std::int64_t>{0, 0, 0, 0}));
}
