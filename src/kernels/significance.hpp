#pragma once
/// \file Significance of a pair's mutual information for autocorrelated series: the
/// autocorrelation of coded series, Bartlett's effective sample size, a G-test on the coarse
/// table, and Benjamini-Hochberg over every pair and lag tested.

#include <cstdint>
#include <span>
#include <vector>

#include "kernels/information.hpp"

namespace telemine::kernels {

/// The lags at which autocorrelation is measured for a series of n grid points: every lag up to
/// 16, then geometrically (x1.25) up to n/4.
std::vector<std::int64_t> autocorrelation_lags(std::int64_t n);

/// Autocorrelation of a coded series (codes used as numbers: ranks of the bins) at `lags`, over
/// the pairs of present points: mean of (x_t - m)(x_t+k - m) / variance. NaN at a lag without
/// a pair (a parameter sampled every other grid point, at odd lags).
std::vector<double> autocorrelation(std::span<const std::uint8_t> codes, std::span<const std::int64_t> lags);

/// Effective number of independent pairs for two autocorrelated series (Bartlett):
/// n / (1 + 2 sum_k rho_a(k) rho_b(k)), the sum taken over every lag k >= 1 (interpolated
/// linearly between the measured `lags`, NaN ones skipped) up to the first zero crossing of
/// either autocorrelation. Never above n.
double effective_pairs(std::int64_t n, std::span<const std::int64_t> lags, std::span<const double> rho_a,
                       std::span<const double> rho_b);

struct Significance {
  double p = 1;      ///< P(chi2_df >= 2 n_eff mi)
  double score = 0;  ///< -log10 p, computed in log space so that it does not saturate at 1e-308
};
/// G-test on `m` (a coarse table) with `n_eff` effective pairs: 2 n_eff mi ~ chi2((rows-1)(cols-1))
/// under independence. p = 1 when there is nothing to test.
Significance mi_significance(const MutualInformation& m, double n_eff);

/// Groups a side of the table the significance test runs on (see coarse_counts).
inline constexpr int kTestGroups = 4;

/// Variance inflation 1 + 2 sum_k rho_a(k) rho_b(k) of effective_pairs(): n_eff = n / inflation.
double variance_inflation(std::span<const std::int64_t> lags, std::span<const double> rho_a,
                          std::span<const double> rho_b);

struct PairMeasure {
  MutualInformation mi;       ///< on the full table
  Significance significance;  ///< G-test on the coarse table with n / inflation effective pairs
  double n_eff = 0;           ///< the effective pairs the test counted: n / inflation
};
/// The whole measure of one pair at one lag, from its joint counts.
PairMeasure measure_pair(std::span<const std::int64_t> counts, int bins_a, int bins_b, double inflation,
                         std::span<const double> xlogx = {});

/// Benjamini-Hochberg at false discovery rate `alpha` over `m_total` tests of which `p` are the
/// p-values up to alpha (the others cannot be discoveries): the largest p-value that is one, or
/// -1 when none is.
double benjamini_hochberg_threshold(std::vector<double> p, std::int64_t m_total, double alpha);

/// Benjamini-Hochberg at false discovery rate `alpha`: which of `p` are discoveries.
std::vector<bool> benjamini_hochberg(std::span<const double> p, double alpha);

}  // namespace telemine::kernels
