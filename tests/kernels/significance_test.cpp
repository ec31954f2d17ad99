#include "kernels/significance.hpp"

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

TEST(Significance, NonMonotonicRelationsAreFound) {
  std::mt19937_64 rng(5);
  std::uniform_real_distribution<double> u(-1, 1);
  std::normal_distribution<double> e(0, 0.05);
  std::vector<double> x(20000), sq(20000), sn(20000);
  for (std::size_t i = 0; i < x.size(); ++i) {
    x[i] = u(rng);
    sq[i] = x[i] * x[i] + e(rng);
    sn[i] = std::sin(3 * M_PI * x[i]) + e(rng);
  }
  EXPECT_LT(measure(x, sq).p, 1e-10);
  EXPECT_LT(measure(x, sn).p, 1e-10);
  EXPECT_GT(measure(x, sq).nmi, 0.3);
}

TEST(Significance, AutocorrelatedIndependentSeriesAreNot) {
  // Two independent AR(1) with 0.99 and two independent random walks share a large MI by
  // chance; a test that assumed independent samples would call them dependent.
  int false_alarms = 0, iid_alarms = 0;
  for (unsigned s = 0; s < 10; ++s) {
    const auto x = ar1(0.99, 20000, 100 + s), y = ar1(0.99, 20000, 200 + s);
    const Measure t = measure(x, y);
    false_alarms += t.p < 0.01;
    iid_alarms += t.p_iid < 0.01;
  }
  EXPECT_LE(false_alarms, 1);
  EXPECT_GE(iid_alarms, 8);  // what the naive test would have reported
  int walk_alarms = 0;
  for (unsigned s = 0; s < 10; ++s) {
    const auto x = ar1(1.0, 20000, 300 + s), y = ar1(1.0, 20000, 400 + s);
    if (measure(x, y).p < 0.01) ++walk_alarms;
  }
  EXPECT_LE(walk_alarms, 1);
}

TEST(Significance, ALaggedDependenceIsStrongestAtItsLag) {
  const auto x = ar1(0.9, 20000, 7);
  std::vector<double> y(x.size(), NAN);
  std::mt19937_64 rng(8);
  std::normal_distribution<double> e(0, 0.3);
  for (std::size_t t = 10; t < x.size(); ++t) y[t] = x[t - 10] + e(rng);
  const double at0 = measure(x, y, 0).mi, at10 = measure(x, y, 10).mi, at20 = measure(x, y, 20).mi;
  EXPECT_GT(at10, 2 * at0);
  EXPECT_GT(at10, 2 * at20);
  EXPECT_LT(measure(x, y, 10).p, 1e-10);
}

TEST(FalseDiscoveryRate, BenjaminiHochberg) {
  const std::vector<double> p = {0.001, 0.04, 0.03, 0.5, 0.0001};
  EXPECT_EQ(benjamini_hochberg(p, 0.05), (std::vector<bool>{true, true, true, false, true}));
  EXPECT_EQ(benjamini_hochberg(p, 0.001), (std::vector<bool>{false, false, false, false, true}));
  EXPECT_TRUE(benjamini_hochberg(std::vector<double>{}, 0.05).empty());
}

TEST(Significance, AutocorrelationOfAnAR1AndItsInflation) {
  const auto x = ar1(0.99, 100000, 21);
  const auto c = code(x, 16);
  const auto lags = autocorrelation_lags(static_cast<std::int64_t>(c.size()));
  const auto rho = autocorrelation(c, lags);
  EXPECT_NEAR(rho[0], 0.99, 0.01);
  // Bartlett for two AR(1) with 0.99: 1 + 2 sum 0.99^(2k) = (1 + 0.99^2) / (1 - 0.99^2) = 99.5.
  const double inflation = variance_inflation(lags, rho, rho);
  EXPECT_GT(inflation, 60);
  EXPECT_LT(inflation, 160);
  EXPECT_DOUBLE_EQ(effective_pairs(100000, lags, rho, rho), 100000 / inflation);
}

TEST(Significance, ScoreDoesNotSaturate) {
  MutualInformation m;
  m.rows = m.cols = 4;
  m.mi = 0.5;
  const auto weak = mi_significance(m, 1000), strong = mi_significance(m, 100000);
  EXPECT_GT(weak.score, 100);
  EXPECT_GT(strong.score, 10 * weak.score);
  EXPECT_NEAR(weak.score, -std::log10(weak.p), 1e-6 * weak.score);
}

TEST(FalseDiscoveryRate, ThresholdFromTheSmallPValuesOnly) {
  // 1000 tests of which only those up to alpha are passed: the same decision as the full list.
  const std::vector<double> small = {1e-6, 2e-5, 4e-5, 0.004};
  EXPECT_DOUBLE_EQ(benjamini_hochberg_threshold(small, 1000, 0.05), 4e-5);
  EXPECT_EQ(benjamini_hochberg_threshold({0.02}, 1000, 0.05), -1);
}

TEST(Significance, AutocorrelationIgnoresPointsWithoutData) {
  // Sampled every other grid point: no pair at odd lags (NaN), and the even lags are those of
  // the process, so the inflation is not lost to the gaps.
  auto x = ar1(0.95, 20000, 31);
  for (std::size_t t = 1; t < x.size(); t += 2) x[t] = NAN;
  const auto c = code(x, 16);
  const auto lags = autocorrelation_lags(static_cast<std::int64_t>(c.size()));
  const auto rho = autocorrelation(c, lags);
  EXPECT_TRUE(std::isnan(rho[0]));
  EXPECT_NEAR(rho[1], 0.95 * 0.95, 0.03);
  EXPECT_GT(variance_inflation(lags, rho, rho), 10);
}

TEST(Significance, AStateThatShiftsTheLevelOfANumericParameter) {
  // A 3-valued mode held for long stretches sets the level of a noisy current.
  std::mt19937_64 rng(41);
  std::normal_distribution<double> e(0, 0.4);
  std::vector<double> mode(20000), current(20000);
  int m = 0;
  for (std::size_t t = 0; t < mode.size(); ++t) {
    if (t % 300 == 0) m = static_cast<int>(rng() % 3);
    mode[t] = m;
    current[t] = std::array{0.2, 1.5, 3.0}[m] + e(rng);
  }
  // The mode's bins are its values (what the job does for state parameters).
  std::vector<std::uint8_t> a(mode.size());
  encode(mode, std::vector<double>{1, 2}, a);
  const auto b = code(current, 16);
  std::vector<std::int64_t> counts(3 * 16, 0);
  joint_counts(a, b, 3, 16, 0, counts);
  const auto lags = autocorrelation_lags(static_cast<std::int64_t>(a.size()));
  const auto m3 = measure_pair(counts, 3, 16, variance_inflation(lags, autocorrelation(a, lags), autocorrelation(b, lags)));
  EXPECT_LT(m3.significance.p, 1e-10);
  EXPECT_GT(m3.mi.nmi, 0.3);
}

TEST(Significance, MeasurePairReportsTheEffectiveSamplesItTested) {
  std::vector<std::int64_t> counts = {30, 10, 10, 50};  // 2 x 2, n = 100
  EXPECT_EQ(measure_pair(counts, 2, 2, 4.0).n_eff, 25.0);
  EXPECT_EQ(measure_pair(counts, 2, 2, 0.5).n_eff, 100.0);  // inflation below 1 counts as 1
}
