#include "kernels/joint_counts.hpp"

#include <gtest/gtest.h>

#include <array>
#include <cmath>
#include <random>
#include <set>
#include <string>

#include "kernels/dependency_helpers.hpp"

using namespace telemine;
using namespace telemine::kernels;
using namespace telemine::kernels::testing;

TEST(JointCounts, MatchesANaiveCountAtLagsWithMissing) {
  std::mt19937 rng(3);
  std::vector<std::uint8_t> a(1003), b(1003);
  for (auto& x : a) x = rng() % 11 == 0 ? kMissing : rng() % 5;
  for (auto& x : b) x = rng() % 13 == 0 ? kMissing : rng() % 7;
  for (std::int64_t lag : {0, 1, 3, 64, -5, 1002, 2000}) {
    std::vector<std::int64_t> got(35, 0), want(35, 0);
    joint_counts(a, b, 5, 7, lag, got);
    for (std::int64_t t = 0; t < 1003; ++t) {
      if (t + lag < 0 || t + lag >= 1003) continue;
      if (a[t] == kMissing || b[t + lag] == kMissing) continue;
      ++want[a[t] * 7 + b[t + lag]];
    }
    EXPECT_EQ(got, want) << "lag " << lag;
  }
}

TEST(JointCounts, NibbleKernelMatchesANaiveCountOnLongRunsAndOddSizes) {
  // The 16-bin fast path: runs of one code, missing points inside 8-byte words, odd tails.
  std::mt19937 rng(11);
  for (std::size_t n : {0, 1, 7, 8, 9, 1000, 4099}) {
    std::vector<std::uint8_t> a(n), b(n);
    std::uint8_t x = 0, y = 0;
    for (std::size_t t = 0; t < n; ++t) {
      if (rng() % 20 == 0) x = rng() % 16;
      if (rng() % 30 == 0) y = rng() % 16;
      a[t] = rng() % 50 == 0 ? kMissing : x;
      b[t] = rng() % 70 == 0 ? kMissing : y;
    }
    for (std::int64_t lag : {0, 3, -9}) {
      std::vector<std::int64_t> got(256, 0), want(256, 0);
      joint_counts(a, b, 16, 16, lag, got);
      for (std::int64_t t = 0; t < static_cast<std::int64_t>(n); ++t)
        if (t + lag >= 0 && t + lag < static_cast<std::int64_t>(n) && a[t] != kMissing && b[t + lag] != kMissing)
          ++want[a[t] * 16 + b[t + lag]];
      EXPECT_EQ(got, want) << "n " << n << " lag " << lag;
    }
  }
}

namespace {

// Three coded series of n points with `bins` bins: runs of one code, points missing on one side
// or on all three.
std::array<std::vector<std::uint8_t>, 3> three_series(std::size_t n, std::array<int, 3> bins, std::mt19937& rng) {
  std::array<std::vector<std::uint8_t>, 3> s;
  std::array<int, 3> code{}, run{20, 30, 25}, gone{50, 70, 40};
  for (auto& v : s) v.resize(n);
  for (std::size_t t = 0; t < n; ++t) {
    const bool all_gone = rng() % 200 == 0;
    for (int k = 0; k < 3; ++k) {
      if (rng() % run[k] == 0) code[k] = static_cast<int>(rng() % bins[k]);
      s[k][t] = all_gone || rng() % gone[k] == 0 ? kMissing : static_cast<std::uint8_t>(code[k]);
    }
  }
  return s;
}

}  // namespace

TEST(JointCounts, TwoPairsInOnePassEqualTwoCalls) {
  // (a, b) and (a, c) from one 16 x 16 x 16 table: different bins a side, runs of one code,
  // missing points on any side (alone, or together), odd tails, lags both ways, and more than
  // 16 bins (the two-call path).
  std::mt19937 rng(17);
  for (std::size_t n : {0, 1, 7, 8, 9, 1000, 4099}) {
    for (const auto& bins : {std::array{16, 16, 16}, std::array{5, 16, 9}, std::array{16, 2, 13}, std::array{12, 40, 16}}) {
      const auto [a, b, c] = three_series(n, bins, rng);
      for (std::int64_t lag : {0, 3, -9}) {
        const auto ab_cells = static_cast<std::size_t>(bins[0] * bins[1]), ac_cells = static_cast<std::size_t>(bins[0] * bins[2]);
        std::vector<std::int64_t> ab(ab_cells, 0), ac(ac_cells, 0), want_ab(ab_cells, 0), want_ac(ac_cells, 0);
        joint_counts_two(a, b, c, bins[0], bins[1], bins[2], lag, ab, ac);
        joint_counts(a, b, bins[0], bins[1], lag, want_ab);
        joint_counts(a, c, bins[0], bins[2], lag, want_ac);
        EXPECT_EQ(ab, want_ab) << "n " << n << " bins " << bins[0] << "," << bins[1] << " lag " << lag;
        EXPECT_EQ(ac, want_ac) << "n " << n << " bins " << bins[0] << "," << bins[2] << " lag " << lag;
      }
    }
  }
}

TEST(JointCounts, ThreePairsInOnePassEqualThreeCalls) {
  // Every pair over its own whole range, at any two lags (the points past the triple's common
  // range counted on their own), up to lags longer than the series.
  std::mt19937 rng(19);
  for (std::size_t n : {0, 1, 9, 1000, 4099}) {
    for (const auto& bins : {std::array{16, 16, 16}, std::array{5, 16, 9}, std::array{16, 2, 13}, std::array{12, 16, 40}}) {
      const auto [a, b, c] = three_series(n, bins, rng);
      for (const auto& [lag_b, lag_c] : std::vector<std::pair<std::int64_t, std::int64_t>>{
               {0, 0}, {3, -2}, {-5, 7}, {4, 4}, {-9, -1}, {1002, 0}, {2000, 5}}) {
        auto cells = [&](int i, int j) { return static_cast<std::size_t>(bins[i] * bins[j]); };
        std::vector<std::int64_t> ab(cells(0, 1), 0), ac(cells(0, 2), 0), bc(cells(1, 2), 0);
        std::vector<std::int64_t> want_ab = ab, want_ac = ac, want_bc = bc;
        joint_counts_three(a, b, c, bins[0], bins[1], bins[2], lag_b, lag_c, ab, ac, bc);
        joint_counts(a, b, bins[0], bins[1], lag_b, want_ab);
        joint_counts(a, c, bins[0], bins[2], lag_c, want_ac);
        joint_counts(b, c, bins[1], bins[2], lag_c - lag_b, want_bc);
        const auto where = "n " + std::to_string(n) + " bins " + std::to_string(bins[0]) + " lags " +
                           std::to_string(lag_b) + "," + std::to_string(lag_c);
        EXPECT_EQ(ab, want_ab) << where;
        EXPECT_EQ(ac, want_ac) << where;
        EXPECT_EQ(bc, want_bc) << where;
      }
    }
  }
}

TEST(JointCounts, SixteenBitCountersDoNotOverflowOnLongRunsOfOneCell) {
  // 300,007 points all in one cell (and a few missing): the 16-bit tables are emptied in time.
  std::vector<std::uint8_t> a(300007, 3), b(300007, 15), c(300007, 0);
  a[5] = b[70000] = c[299999] = kMissing;
  std::vector<std::int64_t> ab(256, 0), ac(256, 0), bc(256, 0), want_ab = ab, want_ac = ac, want_bc = bc;
  joint_counts_three(a, b, c, 16, 16, 16, 0, 0, ab, ac, bc);
  joint_counts(a, b, 16, 16, 0, want_ab);
  joint_counts(a, c, 16, 16, 0, want_ac);
  joint_counts(b, c, 16, 16, 0, want_bc);
  EXPECT_EQ(ab, want_ab);
  EXPECT_EQ(ac, want_ac);
  EXPECT_EQ(bc, want_bc);
  EXPECT_EQ(ab[3 * 16 + 15], 300005);
}

TEST(SteinerTriples, LagPassesCoverEveryLagOfEveryPairOnce) {
  for (std::int64_t m : {0, 1, 2, 5, 15, 30, 60}) {
    const auto passes = triple_lags(m, 3);
    ASSERT_EQ(passes.size(), static_cast<std::size_t>(2 * m + 1)) << "m " << m;
    std::set<std::int64_t> p, q, d;
    for (const auto& [lag_b, lag_c] : passes) {
      for (std::int64_t lag : {lag_b, lag_c, lag_c - lag_b}) {
        EXPECT_EQ(lag % 3, 0);
        EXPECT_LE(std::abs(lag), 3 * m);
      }
      p.insert(lag_b);
      q.insert(lag_c);
      d.insert(lag_c - lag_b);
    }
    EXPECT_EQ(p.size(), passes.size());
    EXPECT_EQ(q.size(), passes.size());
    EXPECT_EQ(d.size(), passes.size());
  }
  EXPECT_TRUE(triple_lags(60, 1, 10).empty());  // a search that gives up says so
}

TEST(SteinerTriples, HoldEveryPairExactlyOnce) {
  for (std::int32_t n : {0, 1, 2, 3, 4, 7, 9, 10, 14, 15, 16, 20, 33, 100, 301}) {
    std::vector<std::array<std::int32_t, 3>> triples;
    std::vector<std::pair<std::int32_t, std::int32_t>> rest;
    steiner_triples(n, [&](const auto& t) { triples.push_back(t); }, [&](auto x, auto y) { rest.emplace_back(x, y); });
    std::vector<int> seen(static_cast<std::size_t>(n * n), 0);
    for (const auto& t : triples) {
      ASSERT_TRUE(t[0] < t[1] && t[1] < t[2] && t[2] < n) << "n " << n;
      ++seen[t[0] * n + t[1]];
      ++seen[t[0] * n + t[2]];
      ++seen[t[1] * n + t[2]];
    }
    for (const auto& [x, y] : rest) {
      ASSERT_TRUE(x < y && y < n) << "n " << n;
      ++seen[x * n + y];
    }
    for (std::int32_t x = 0; x < n; ++x)
      for (std::int32_t y = x + 1; y < n; ++y) EXPECT_EQ(seen[x * n + y], 1) << "n " << n << " pair " << x << "," << y;
    // Points past n are at most five: the pairs left out of a triple are few.
    EXPECT_LE(rest.size(), static_cast<std::size_t>(5 * (n + 1) / 2 + 1)) << "n " << n;
  }
}
