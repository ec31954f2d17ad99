#include "jobs/dependency/significance.hpp"

#include <gtest/gtest.h>

#include "core/comm.hpp"

using namespace telemine;
using namespace telemine::jobs::dependency;

namespace {

PairResult pair(std::int64_t lag, double p, std::int64_t n, double n_eff) {
  PairResult r;
  r.a = 0;
  r.b = 1;
  r.lag = lag;
  r.p = p;
  r.n = n;
  r.n_eff = n_eff;
  return r;
}

}  // namespace

TEST(DependencySignificance, FewEffectiveSamplesAreNeverSignificant) {
  const Comm comm = Comm::local();
  std::vector<PairResult> r = {pair(0, 1e-9, 1000, 200), pair(0, 1e-9, 1000, 15.9), pair(0, 0.5, 1000, 200)};
  EXPECT_EQ(mark_significant(comm, r, 1e-3, 16), 1);
  EXPECT_TRUE(r[0].significant);
  EXPECT_FALSE(r[1].significant);
  EXPECT_FALSE(r[2].significant);
}

TEST(DependencySignificance, ThresholdFromEveryRanksSmallPValues) {
  const Comm comm = Comm::local();
  // 100 tests at FDR 0.05: p_(k) <= 0.05 k / 100 holds for k = 1, 2 (0.0005, 0.001) not 3 (0.02).
  EXPECT_EQ(fdr_threshold(comm, {0.02, 0.0005, 0.001}, 100, 0.05), 0.001);
  EXPECT_EQ(fdr_threshold(comm, {}, 100, 0.05), -1);
}

TEST(DependencySignificance, CaveatsOfAPair) {
  Settings set;
  set.max_lag = 5;
  set.min_effective = 16;
  std::vector<ParamSummary> summary(2);
  summary[0].bins = 4;
  summary[1].bins = 8;
  PairResult r = pair(-5, 1e-9, 128, 20);  // 4 x 8 cells: 128 points is 4 a cell, enough
  r.significant = true;
  auto c = caveats_of(r, set, summary);
  EXPECT_EQ(c.at_max_lag, 1);
  EXPECT_EQ(c.few_points, 0);
  EXPECT_EQ(c.few_effective, 0);
  r.lag = 4;
  r.n = 127;
  r.n_eff = 15;
  c = caveats_of(r, set, summary);
  EXPECT_EQ(c.at_max_lag, 0);
  EXPECT_EQ(c.few_points, 1);
  EXPECT_EQ(c.few_effective, 1);
  r.lag = 5;
  r.significant = false;  // only a significant pair's lag matters
  EXPECT_EQ(caveats_of(r, set, summary).at_max_lag, 0);
  set.max_lag = 0;  // lag 0 only: nothing lies beyond
  r.lag = 0;
  r.significant = true;
  EXPECT_EQ(caveats_of(r, set, summary).at_max_lag, 0);
}

TEST(DependencySignificance, WarnCaveatsTotalsTheRanks) {
  const Comm comm = Comm::local();
  Settings set;
  set.grid = kMinute;
  set.max_lag = 2;
  std::vector<Param> params = {{0, "A", "A"}, {0, "B", "B"}};
  std::vector<ParamSummary> summary(2);
  summary[0].bins = summary[1].bins = 2;
  std::vector<PairResult> r = {pair(2, 1e-9, 100, 50), pair(1, 1e-9, 10, 5)};
  r[0].significant = true;
  const auto c = warn_caveats(comm, set, params, summary, r);
  EXPECT_EQ(c.at_max_lag, 1);
  EXPECT_EQ(c.few_points, 1);
  EXPECT_EQ(c.few_effective, 1);
}
