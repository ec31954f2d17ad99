#include "kernels/information.hpp"

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

TEST(MutualInformation, KnownValues) {
  // Independent uniform 2x2: MI 0. Identical: MI = H = log 2, NMI 1.
  const std::vector<std::int64_t> independent = {25, 25, 25, 25}, identical = {50, 0, 0, 50};
  EXPECT_NEAR(mutual_information(independent, 2, 2).mi, 0, 1e-15);
  const auto m = mutual_information(identical, 2, 2);
  EXPECT_NEAR(m.mi, std::log(2.0), 1e-15);
  EXPECT_NEAR(m.nmi, 1, 1e-15);
  EXPECT_EQ(m.n, 100);
  EXPECT_EQ(m.rows, 2);
}

TEST(MutualInformation, TableLookupEqualsDirectLogs) {
  std::mt19937 rng(2);
  std::vector<std::int64_t> c(12 * 9);
  for (auto& x : c) x = rng() % 300;
  const auto table = xlogx_table(100000);
  const auto direct = mutual_information(c, 12, 9), looked_up = mutual_information(c, 12, 9, table);
  EXPECT_NEAR(direct.mi, looked_up.mi, 1e-12);
  EXPECT_NEAR(direct.h_a, looked_up.h_a, 1e-12);
  EXPECT_EQ(direct.rows, looked_up.rows);
}
