#include "jobs/dependency/outputs.hpp"

#include <gtest/gtest.h>

#include <algorithm>

using namespace telemine;
using namespace telemine::jobs::dependency;

TEST(DependencyOutputs, OrderIsSignificantThenScoreThenNmiThenNames) {
  const std::vector<Param> params = {{0, "B", "B"}, {0, "A", "A"}, {0, "C", "C"}};
  std::vector<PairResult> r(5);
  r[0] = {0, 2, 0, 0.1, 0.1, 5, 1e-5, false};
  r[1] = {0, 2, 0, 0.1, 0.1, 2, 1e-2, true};
  r[2] = {0, 1, 0, 0.1, 0.2, 3, 1e-3, true};
  r[3] = {1, 2, 0, 0.1, 0.3, 3, 1e-3, true};
  r[4] = {1, 0, 0, 0.1, 0.2, 3, 1e-3, true};  // the same as r[2] but for the names: A before B
  std::sort(r.begin(), r.end(), OutputOrder{params});
  EXPECT_EQ(r[0].nmi, 0.3);
  EXPECT_EQ(r[1].a, 1);
  EXPECT_EQ(r[2].a, 0);
  EXPECT_EQ(r[3].score, 2);
  EXPECT_FALSE(r[4].significant);
}

TEST(DependencyOutputs, LagsInSecondsAndDotQuoting) {
  EXPECT_EQ(lag_seconds(-3, 5 * kMinute), "-900");
  EXPECT_EQ(lag_seconds(1, 500 * kMillisecond), "0.5");
  EXPECT_EQ(dot_quote("A\"B\\C"), "\"A\\\"B\\\\C\"");
}
