#include "jobs/engine/balance.hpp"

#include <gtest/gtest.h>

using namespace telemine::jobs;
using Begin = std::vector<std::int64_t>;

namespace {

Begin balance(const std::vector<std::int64_t>& weights, int ranks) { return balance_by_weight(weights, ranks); }

// The same rule written the plain way: each item to the rank whose share its middle falls in.
Begin naive(const std::vector<std::int64_t>& weights, int ranks) {
  long double total = 0;
  for (auto w : weights) total += std::max<std::int64_t>(w, 1);
  std::vector<int> owner;
  long double running = 0;
  for (auto w : weights) {
    const long double mid = running + std::max<std::int64_t>(w, 1) / 2.0L;
    int r = 0;
    while (r + 1 < ranks && mid > total * (r + 1) / ranks) ++r;
    owner.push_back(r);
    running += std::max<std::int64_t>(w, 1);
  }
  Begin begin(static_cast<std::size_t>(ranks) + 1, static_cast<std::int64_t>(weights.size()));
  begin[0] = 0;
  for (int r = 1; r < ranks; ++r) {
    std::int64_t i = 0;
    while (i < static_cast<std::int64_t>(owner.size()) && owner[static_cast<std::size_t>(i)] < r) ++i;
    begin[static_cast<std::size_t>(r)] = i;
  }
  return begin;
}

}  // namespace

TEST(Balance, EqualItemsSplitEvenly) {
  EXPECT_EQ(balance({10, 10, 10, 10}, 2), (Begin{0, 2, 4}));
  EXPECT_EQ(balance({10, 10, 10, 10}, 1), (Begin{0, 4}));
}

TEST(Balance, AnItemGoesToTheShareItsMiddleFallsIn) {
  // Shares of 50: the second item spans 20..80, its middle 50 is rank 0's (ties go early).
  EXPECT_EQ(balance({20, 60, 20}, 2), (Begin{0, 2, 3}));
  // Spanning 30..90, its middle 60 is past rank 0's share.
  EXPECT_EQ(balance({30, 60, 10}, 2), (Begin{0, 1, 3}));
  // A heavy item alone: the rank whose share holds its middle takes it; others may get nothing.
  const Begin b = balance({1000, 1, 1}, 3);
  EXPECT_EQ(b.front(), 0);
  EXPECT_EQ(b.back(), 3);
  for (std::size_t r = 1; r < b.size(); ++r) EXPECT_LE(b[r - 1], b[r]);
}

TEST(Balance, MoreRanksThanItemsAndEmptyItems) {
  const Begin b = balance({0, 0}, 4);  // empty items weigh 1
  EXPECT_EQ(b.size(), 5u);
  EXPECT_EQ(b.front(), 0);
  EXPECT_EQ(b.back(), 2);
  EXPECT_EQ(balance({}, 3), (Begin{0, 0, 0, 0}));
}

TEST(Balance, AgreesWithThePlainRuleOnRandomWeights) {
  std::uint64_t state = 12345;
  auto next = [&] { return (state = state * 6364136223846793005ULL + 1442695040888963407ULL) >> 33; };
  for (int trial = 0; trial < 2000; ++trial) {
    std::vector<std::int64_t> w(next() % 12);
    for (auto& x : w) x = next() % 4 == 0 ? 0 : static_cast<std::int64_t>(next() % 1000);
    const int ranks = 1 + static_cast<int>(next() % 6);
    ASSERT_EQ(balance(w, ranks), naive(w, ranks)) << "trial " << trial;
  }
}

TEST(Balance, LargeWeightsDoNotOverflow) {
  // A year of 1 Hz x 10,000 parameters a day: 8.6e8 samples an item, 3.2e11 in all.
  const std::vector<std::int64_t> w(365, 864'000'000);
  const Begin b = balance(w, 64);
  for (std::size_t r = 1; r < b.size(); ++r) EXPECT_NEAR(static_cast<double>(b[r] - b[r - 1]), 365.0 / 64, 1.0);
}
