#include "kernels/thresholds.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <random>

using namespace telemine;
using namespace telemine::kernels;

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

namespace {
// Prediction errors of about 0.1 and values swinging over [-1, 1], as on SMAP.
std::pair<std::vector<double>, std::vector<double>> quiet_errors(std::size_t n, unsigned seed) {
  std::mt19937 rng(seed);
  std::normal_distribution<double> noise(0, 0.02);
  std::vector<double> e(n), y(n);
  for (std::size_t i = 0; i < n; ++i) {
    e[i] = std::abs(0.1 + noise(rng));
    y[i] = std::sin(static_cast<double>(i) * 0.01);
  }
  return {e, y};
}
std::size_t flagged(const std::vector<char>& f, std::size_t from, std::size_t to) {
  return static_cast<std::size_t>(std::count(f.begin() + static_cast<std::ptrdiff_t>(from), f.begin() + static_cast<std::ptrdiff_t>(to), 1));
}
}  // namespace

TEST(TelemanomThreshold, FlagsABurstWithItsBufferAndNothingElse) {
  auto [e, y] = quiet_errors(8000, 7);
  for (std::size_t i = 5000; i < 5010; ++i) e[i] = 1.0;
  const auto f = telemanom_threshold(ewma(e, 105), y, {});
  EXPECT_TRUE(f[5005]);
  EXPECT_EQ(flagged(f, 0, 4800), 0u);
  EXPECT_EQ(flagged(f, 5400, 8000), 0u);
}

TEST(TelemanomThreshold, ErrorsSmallAgainstTheValuesAreNominal) {
  auto [e, y] = quiet_errors(8000, 8);
  for (auto& v : e) v *= 0.01;  // errors of 0.001, bursts of 0.01: 0.5% of the values' range
  for (std::size_t i = 5000; i < 5010; ++i) e[i] = 0.01;
  const auto f = telemanom_threshold(e, y, {});
  EXPECT_EQ(flagged(f, 0, f.size()), 0u);
}

TEST(TelemanomThreshold, ErrorsThatCollapseAreNovelToo) {
  auto [e, y] = quiet_errors(8000, 9);
  for (std::size_t i = 3000; i < 3150; ++i) e[i] = 0.0;  // the model is suddenly perfect: a flat line
  const auto f = telemanom_threshold(e, y, {});
  EXPECT_GT(flagged(f, 3000, 3150), 100u);
  EXPECT_EQ(flagged(f, 0, 2800), 0u);
  EXPECT_EQ(flagged(f, 3400, 8000), 0u);
}

TEST(TelemanomThreshold, AShortSeriesIsOneWindow) {
  auto [e, y] = quiet_errors(500, 10);
  for (std::size_t i = 100; i < 105; ++i) e[i] = 1.0;
  TelemanomOptions o;
  o.buffer = 3;
  const auto f = telemanom_threshold(e, y, o);
  EXPECT_EQ(flagged(f, 97, 108), 11u);  // the burst and 3 points either side
  EXPECT_EQ(flagged(f, 0, f.size()), 11u);
  EXPECT_EQ(flagged(telemanom_threshold(e, std::vector<double>(3), o), 0, 500), 0u);  // values of another length
}

TEST(TelemanomThreshold, ErrorsUnderTheFloorAreNominalInBothDirections) {
  // telemanom checks its guards on the errors themselves, for the mirrored pass too: a
  // collapse of errors that never reach the floor is no anomaly.
  auto [e, y] = quiet_errors(1500, 11);
  for (std::size_t i = 700; i < 850; ++i) e[i] = 0.0;
  TelemanomOptions o;
  const double peak = *std::max_element(e.begin(), e.end());
  o.floor = peak * 1.01;  // above every error, below their mirror image (about twice the mean)
  EXPECT_EQ(flagged(telemanom_threshold(e, y, o), 0, e.size()), 0u);
  o.floor = 0;
  EXPECT_GT(flagged(telemanom_threshold(e, y, o), 700, 850), 100u);
}

TEST(TelemanomThreshold, TheFirstWindowLeavesItsFirstPointsAlone) {
  // telemanom's num_to_ignore: errors at the start of a series have no history to be judged by.
  auto [e, y] = quiet_errors(8000, 12);
  for (std::size_t i = 200; i < 210; ++i) e[i] = 1.0;
  for (std::size_t i = 5000; i < 5010; ++i) e[i] = 1.0;
  TelemanomOptions o;
  EXPECT_TRUE(telemanom_threshold(e, y, o)[205]);
  o.ignore = 500;
  const auto f = telemanom_threshold(e, y, o);
  EXPECT_EQ(flagged(f, 0, 500), 0u);
  EXPECT_TRUE(f[5005]);
}

TEST(ReferenceThreshold, SharesTheRiskAmongTheParametersAndLeavesDynamicMethodsTheMaximum) {
  std::vector<double> ref(1000);
  for (std::size_t i = 0; i < ref.size(); ++i) ref[i] = static_cast<double>(i);
  // quantile:0.99 over 10 parameters: each parameter's quantile is 1 - 0.01 / 10.
  EXPECT_DOUBLE_EQ(reference_threshold(ThresholdMethod::quantile, 0.99, ref, 10), quantile_threshold(ref, 0.999));
  EXPECT_DOUBLE_EQ(reference_threshold(ThresholdMethod::pot, 1e-3, ref, 4), pot_threshold(ref, 2.5e-4));
  EXPECT_DOUBLE_EQ(reference_threshold(ThresholdMethod::pot, 1e-3, ref, 0), pot_threshold(ref, 1e-3));
  EXPECT_DOUBLE_EQ(reference_threshold(ThresholdMethod::sigma, 3, std::vector<double>{1, 3}, 5), 2 + 3);
  EXPECT_DOUBLE_EQ(reference_threshold(ThresholdMethod::ndt, 0.13, ref, 3), 999);
  EXPECT_DOUBLE_EQ(reference_threshold(ThresholdMethod::telemanom, 0.13, ref, 3), 999);
  EXPECT_TRUE(is_dynamic(ThresholdMethod::ndt));
  EXPECT_FALSE(is_dynamic(ThresholdMethod::quantile));
}
