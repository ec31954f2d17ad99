#include "jobs/products/fixity.hpp"

#include <gtest/gtest.h>

namespace telemine::jobs::products {
namespace {

TEST(SplitByBytes, ContiguousRunsOfAboutEqualBytes) {
  EXPECT_EQ(split_by_bytes({10, 10, 10, 10}, 2), (std::vector<std::int64_t>{0, 2, 4}));
  EXPECT_EQ(split_by_bytes({30, 10, 10, 10}, 2), (std::vector<std::int64_t>{0, 1, 4}));
  EXPECT_EQ(split_by_bytes({5, 5, 5}, 1), (std::vector<std::int64_t>{0, 3}));
}

TEST(SplitByBytes, MoreRanksThanFilesLeavesSomeEmpty) {
  const auto b = split_by_bytes({7, 7}, 3);
  ASSERT_EQ(b.size(), 4u);
  EXPECT_EQ(b.front(), 0);
  EXPECT_EQ(b.back(), 2);
  for (std::size_t r = 1; r < b.size(); ++r) EXPECT_LE(b[r - 1], b[r]);
  EXPECT_EQ(split_by_bytes({}, 2), (std::vector<std::int64_t>{0, 0, 0}));
}

}  // namespace
}  // namespace telemine::jobs::products
