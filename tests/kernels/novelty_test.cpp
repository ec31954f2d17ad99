#include "kernels/novelty.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <random>

using namespace telemine;
using namespace telemine::kernels;

TEST(Intervals, MergeOverlappingAndTouching) {
  EXPECT_EQ(merge_intervals({{10, 20}, {0, 5}, {5, 8}, {15, 30}, {40, 50}}),
            (std::vector<Interval>{{0, 8}, {10, 30}, {40, 50}}));
  EXPECT_TRUE(merge_intervals({}).empty());
}

TEST(Thresholds, PeaksOverThresholdOnAnExponentialTail) {
  // Exponential(1): P(X > x) = exp(-x), so the 1e-3 risk level is log(1000) = 6.91.
  std::mt19937_64 rng(1);
  std::exponential_distribution<double> e(1.0);
  std::vector<double> x(200000);
  for (auto& v : x) v = e(rng);
  EXPECT_NEAR(pot_threshold(x, 1e-3), std::log(1000.0), 0.25);
  EXPECT_NEAR(quantile_threshold(x, 0.999), std::log(1000.0), 0.25);
  std::vector<double> few = {1, 2, 3};
  EXPECT_EQ(pot_threshold(few, 1e-3), 3);  // too few excesses: the largest value
  EXPECT_NEAR(sigma_threshold(std::vector<double>{1, 3}, 2), 4, 1e-12);
}

TEST(EventScores, HundmanCountsAndTheCorrectedPrecision) {
  const Interval range{0, 1000 * kSecond};
  const std::vector<Interval> labels = {{100 * kSecond, 200 * kSecond}, {500 * kSecond, 600 * kSecond}};
  // One detection finds the first label, one is false (50 s of nominal time), the second label is missed.
  const std::vector<Interval> detections = {{150 * kSecond, 250 * kSecond}, {800 * kSecond, 850 * kSecond}};
  const auto s = score_events(labels, detections, range);
  EXPECT_EQ(s.labels, 2);
  EXPECT_EQ(s.found, 1);
  EXPECT_EQ(s.detections, 2);
  EXPECT_EQ(s.false_detections, 1);
  EXPECT_DOUBLE_EQ(s.precision(), 0.5);
  EXPECT_DOUBLE_EQ(s.recall(), 0.5);
  EXPECT_DOUBLE_EQ(s.f05(), 0.5);
  EXPECT_DOUBLE_EQ(s.nominal_seconds, 800);
  EXPECT_DOUBLE_EQ(s.false_seconds, 100);  // 50 s after the first label, and the false 50 s
  EXPECT_DOUBLE_EQ(s.corrected_precision(), 0.5 * (1 - 100.0 / 800));
  const auto none = score_events(labels, {}, range);
  EXPECT_EQ(none.found, 0);
  EXPECT_DOUBLE_EQ(none.precision(), 1.0);
  EXPECT_DOUBLE_EQ(none.f05(), 0.0);
}

TEST(DynamicThreshold, FlagsAClearAnomalyAndLittleElse) {
  std::mt19937 rng(5);
  std::normal_distribution<double> e(1.0, 0.1);
  std::vector<double> x(2000);
  for (auto& v : x) v = std::abs(e(rng));
  for (std::size_t i = 1200; i < 1210; ++i) x[i] = 3.0;
  const auto flags = dynamic_threshold(x);
  for (std::size_t i = 1200; i < 1210; ++i) EXPECT_TRUE(flags[i]) << i;
  EXPECT_LE(std::count(flags.begin(), flags.end(), 1), 12);
}

TEST(DynamicThreshold, WindowsFindWhatOneGlobalThresholdMissesInAQuietStretch) {
  // A quiet first half with a modest anomaly, then a loud second half.
  std::mt19937 rng(6);
  std::normal_distribution<double> e(0, 1);
  std::vector<double> x(4000);
  for (std::size_t i = 0; i < x.size(); ++i) x[i] = 1 + (i < 2000 ? 0.02 : 0.5) * std::abs(e(rng));
  for (std::size_t i = 1000; i < 1005; ++i) x[i] = 1.4;
  EXPECT_FALSE(dynamic_threshold(x)[1002]);
  const auto flags = windowed_dynamic_threshold(x, 1000, 100);
  EXPECT_TRUE(flags[1002]);
  EXPECT_EQ(windowed_dynamic_threshold(x, 0, 0), dynamic_threshold(x));
}

TEST(Ewma, PandasAdjustedWeights) {
  const std::vector<double> x = {1, 0, 0};
  const auto y = ewma(x, 3);  // alpha 0.5
  EXPECT_DOUBLE_EQ(y[0], 1.0);
  EXPECT_DOUBLE_EQ(y[1], 0.5 / 1.5);
  EXPECT_DOUBLE_EQ(y[2], 0.25 / 1.75);
  EXPECT_EQ(ewma(x, 1), x);
}
