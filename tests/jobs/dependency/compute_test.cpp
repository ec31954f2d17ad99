#include "jobs/dependency/compute.hpp"

#include <gtest/gtest.h>

#include <random>

#include "jobs/dependency/bin.hpp"
#include "kernels/significance.hpp"

using namespace telemine;
using namespace telemine::jobs::dependency;

namespace {

// Four coded parameters of n points: 1 follows 0 by 3 steps, 2 and 3 are noise.
struct Coded {
  std::vector<ParamSummary> summary;
  std::vector<std::vector<std::uint8_t>> codes;
};

Coded four_params(std::int64_t n) {
  std::mt19937 rng(7);
  std::normal_distribution<double> noise;
  std::vector<std::vector<double>> v(4, std::vector<double>(static_cast<std::size_t>(n)));
  double x = 0;
  for (std::int64_t t = 0; t < n; ++t) {
    x = 0.8 * x + noise(rng);
    v[0][t] = x;
    v[2][t] = noise(rng);
    v[3][t] = t % 17 == 0 ? NAN : noise(rng);
  }
  for (std::int64_t t = 0; t < n; ++t) v[1][t] = (t >= 3 ? v[0][t - 3] : 0) + 0.3 * noise(rng);
  Coded c;
  c.codes.resize(4);
  const auto lags = kernels::autocorrelation_lags(n);
  for (std::size_t p = 0; p < 4; ++p) c.summary.push_back(bin_series(v[p], false, 8, lags, c.codes[p]));
  return c;
}

Settings settings(Mode mode) {
  Settings s;
  s.grid = kMinute;
  s.bins = 8;
  s.max_lag = 5;
  s.mode = mode;
  return s;
}

std::vector<PairResult> one_at_a_time(PairMeter& meter, const std::vector<std::pair<std::int32_t, std::int32_t>>& pairs) {
  std::vector<PairResult> out;
  std::vector<double> small_p;
  for (const auto& pair : pairs) meter.measure_group({&pair, 1}, out, small_p);
  return out;
}

void expect_same(const std::vector<PairResult>& x, const std::vector<PairResult>& y) {
  ASSERT_EQ(x.size(), y.size());
  for (std::size_t i = 0; i < x.size(); ++i) {
    EXPECT_EQ(x[i].a, y[i].a);
    EXPECT_EQ(x[i].b, y[i].b);
    EXPECT_EQ(x[i].lag, y[i].lag) << i;
    EXPECT_EQ(x[i].mi, y[i].mi) << i;
    EXPECT_EQ(x[i].p, y[i].p) << i;
  }
}

}  // namespace

TEST(DependencyCompute, LagsAndPasses) {
  auto s = settings(Mode::all);
  s.lag_step = 2;
  s.max_lag = 4;
  EXPECT_EQ(lags_of(s), (std::vector<std::int64_t>{-4, -2, 0, 2, 4}));
  EXPECT_EQ(triple_passes(s).size(), 5u);
  s.mode = Mode::one;
  EXPECT_TRUE(triple_passes(s).empty());
}

TEST(DependencyCompute, ALaggedPairIsFoundAtItsLag) {
  const auto c = four_params(3000);
  const auto s = settings(Mode::sets);
  PairMeter meter(s, c.summary, c.codes, {}, 3000);
  const auto r = one_at_a_time(meter, {{0, 1}, {0, 2}});
  EXPECT_EQ(r[0].lag, 3);
  EXPECT_LT(r[0].p, 1e-10);
  EXPECT_GT(r[1].p, 1e-4);
}

TEST(DependencyCompute, GroupsOfTwoAndThreeMeasureAsOneAtATime) {
  const auto c = four_params(2000);
  const std::vector<std::pair<std::int32_t, std::int32_t>> triple = {{0, 1}, {0, 3}, {1, 3}};
  const auto s = settings(Mode::all);
  PairMeter meter(s, c.summary, c.codes, triple_passes(s), 2000);
  std::vector<PairResult> grouped;
  std::vector<double> small_p;
  EXPECT_EQ(meter.measure_group(triple, grouped, small_p), 3);
  expect_same(grouped, one_at_a_time(meter, triple));
  PairMeter pairwise(s, c.summary, c.codes, {}, 2000);  // no triples: two sharing their first side
  grouped.clear();
  EXPECT_EQ(pairwise.measure_group(triple, grouped, small_p), 2);
  expect_same(grouped, one_at_a_time(pairwise, {triple[0], triple[1]}));
}

TEST(DependencyCompute, BestLagTiesGoToTheShortestThenTheEarlier) {
  std::vector<double> small_p;
  const std::vector<std::int64_t> counts = {5, 0, 0, 5};
  for (const auto& order : {std::vector<std::int64_t>{2, -1, 1}, std::vector<std::int64_t>{1, 2, -1}}) {
    PairBest best(0, 1, 2, 2, 1.0);
    for (const auto lag : order) best.add(lag, counts, {}, 0.5, small_p);
    EXPECT_EQ(best.result.lag, -1);
  }
}
