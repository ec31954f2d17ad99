#include "kernels/dependency.hpp"

#include <gtest/gtest.h>

#include <array>
#include <cmath>
#include <random>
#include <set>
#include <string>

using namespace telemine;
using namespace telemine::kernels;

namespace {

std::vector<std::uint8_t> code(const std::vector<double>& v, int bins) {
  std::vector<double> sorted;
  for (double x : v)
    if (!std::isnan(x)) sorted.push_back(x);
  std::sort(sorted.begin(), sorted.end());
  const auto edges = equal_frequency_edges(sorted, bins);
  std::vector<std::uint8_t> c(v.size());
  encode(v, edges, c);
  return c;
}

struct Measure {
  double mi, nmi, p, p_iid;  // p_iid: the same test assuming independent samples
};

// The whole measure on two series: 16 bins, lag in grid points, effective-n significance.
Measure measure(const std::vector<double>& x, const std::vector<double>& y, std::int64_t lag = 0) {
  const auto a = code(x, 16), b = code(y, 16);
  std::vector<std::int64_t> counts(16 * 16, 0);
  joint_counts(a, b, 16, 16, lag, counts);
  const auto lags = autocorrelation_lags(static_cast<std::int64_t>(a.size()));
  const auto ra = autocorrelation(a, lags), rb = autocorrelation(b, lags);
  const auto m = measure_pair(counts, 16, 16, variance_inflation(lags, ra, rb));
  const auto iid = measure_pair(counts, 16, 16, 1.0);
  return {m.mi.mi, m.mi.nmi, m.significance.p, iid.significance.p};
}

std::vector<double> ar1(double phi, std::size_t n, unsigned seed) {
  std::mt19937_64 rng(seed);
  std::normal_distribution<double> e(0, 1);
  std::vector<double> v(n);
  double x = 0;
  for (auto& y : v) y = x = phi * x + e(rng);
  return v;
}

}  // namespace

TEST(Resample, BucketMeanAndLastHeld) {
  const std::vector<TimeNs> t = {0, 1, 10, 25, 26, 60};
  const std::vector<double> v = {1, 3, NAN, 5, 7, 9};
  std::vector<double> out(4);
  resample_mean(t, v, 0, 10, out);
  EXPECT_EQ(out[0], 2);
  EXPECT_TRUE(std::isnan(out[1]));  // only an invalid sample
  EXPECT_EQ(out[2], 6);
  EXPECT_TRUE(std::isnan(out[3]));
  const double carry = resample_last(t, v, 0, 10, out, NAN);
  EXPECT_EQ(out[0], 3);
  EXPECT_EQ(out[1], 3);  // held
  EXPECT_EQ(out[2], 7);
  EXPECT_EQ(out[3], 7);
  EXPECT_EQ(carry, 7);
  std::vector<double> next(4);
  resample_last(t, v, 40, 10, next, carry);  // the next slice of the grid continues the hold
  EXPECT_EQ(next[0], 7);
  EXPECT_EQ(next[2], 9);
}

TEST(Binning, EqualFrequencyWithTies) {
  std::vector<double> s(1000);
  for (int i = 0; i < 1000; ++i) s[i] = i;
  const auto e = equal_frequency_edges(s, 4);
  EXPECT_EQ(e, (std::vector<double>{250, 500, 750}));
  std::vector<double> state(1000, 0.0);
  for (int i = 600; i < 1000; ++i) state[i] = 1.0;
  EXPECT_EQ(equal_frequency_edges(state, 16), std::vector<double>{1.0});  // a state keeps its values as bins
  EXPECT_TRUE(equal_frequency_edges(std::vector<double>(10, 3.0), 16).empty());  // constant
  std::vector<std::uint8_t> c(3);
  encode(std::vector<double>{-1, 500, NAN}, e, c);
  EXPECT_EQ(c, (std::vector<std::uint8_t>{0, 2, kMissing}));
}

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
