#pragma once
// Helpers shared by the dependency kernels' tests: coding a series, the whole measure of a pair,
// an AR(1) series.

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <random>
#include <vector>

#include "kernels/dependency.hpp"

namespace telemine::kernels::testing {


inline std::vector<std::uint8_t> code(const std::vector<double>& v, int bins) {
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
inline Measure measure(const std::vector<double>& x, const std::vector<double>& y, std::int64_t lag = 0) {
  const auto a = code(x, 16), b = code(y, 16);
  std::vector<std::int64_t> counts(16 * 16, 0);
  joint_counts(a, b, 16, 16, lag, counts);
  const auto lags = autocorrelation_lags(static_cast<std::int64_t>(a.size()));
  const auto ra = autocorrelation(a, lags), rb = autocorrelation(b, lags);
  const auto m = measure_pair(counts, 16, 16, variance_inflation(lags, ra, rb));
  const auto iid = measure_pair(counts, 16, 16, 1.0);
  return {m.mi.mi, m.mi.nmi, m.significance.p, iid.significance.p};
}

inline std::vector<double> ar1(double phi, std::size_t n, unsigned seed) {
  std::mt19937_64 rng(seed);
  std::normal_distribution<double> e(0, 1);
  std::vector<double> v(n);
  double x = 0;
  for (auto& y : v) y = x = phi * x + e(rng);
  return v;
}

}  // namespace telemine::kernels::testing
