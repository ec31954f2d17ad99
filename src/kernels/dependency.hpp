#pragma once
/// \file Kernels of the dependency finder: resampling onto a common grid, equal-frequency
/// binning, joint counts of two coded series at a lag, mutual information, and a significance
/// test that holds for autocorrelated series. Pure functions over spans.

#include <array>
#include <cstdint>
#include <span>
#include <utility>
#include <vector>

#include "core/time.hpp"

namespace telemine::kernels {

/// Code of a grid point without data.
inline constexpr std::uint8_t kMissing = 255;
/// At most this many bins per parameter (codes are bytes; 255 is kMissing).
inline constexpr int kMaxBins = 64;

/// Grid point k covers [start + k*step, start + (k+1)*step). `out` has one entry per point.
/// Bucket mean of the valid samples; NaN where there is none. `time` sorted.
void resample_mean(std::span<const TimeNs> time, std::span<const double> value, TimeNs start, DurationNs step,
                   std::span<double> out);

/// Last valid value at or before the end of each point's interval, held across points without
/// samples (state parameters). `carry` is the value held from before `start` (NaN if none).
/// Returns the value to carry into the next slice of the grid.
double resample_last(std::span<const TimeNs> time, std::span<const double> value, TimeNs start, DurationNs step,
                     std::span<double> out, double carry);

/// Equal-frequency bin edges of `sorted` (ascending, no NaN): the values at ranks n*k/bins for
/// k = 1 .. bins-1, duplicates removed (so ties give fewer, fuller bins). A value x falls in
/// bin upper_bound(edges, x): edges are inclusive lower bounds of the next bin.
std::vector<double> equal_frequency_edges(std::span<const double> sorted, int bins);

/// Codes of `values`: the bin of each value, kMissing for NaN.
void encode(std::span<const double> values, std::span<const double> edges, std::span<std::uint8_t> codes);

/// Adds to `counts` (bins_a x bins_b, row-major) the pairs (a[t], b[t + lag]) over every t where
/// both are present (not kMissing). A negative lag pairs a[t] with b[t - |lag|]. With at most 16
/// bins a side (the usual case) this runs the byte-histogram kernel: eight joint codes per 64-bit
/// word and eight sub-histograms, about 2x the obvious loop.
void joint_counts(std::span<const std::uint8_t> a, std::span<const std::uint8_t> b, int bins_a, int bins_b,
                  std::int64_t lag, std::span<std::int64_t> counts);

/// joint_counts() of (a, b) and of (a, c) at one lag, in one pass: with at most 16 bins a side,
/// one increment of a 16 x 16 x 16 table of (a, b, c) counts a grid point of both pairs, and the
/// two tables are its margins (1.4-1.7x two joint_counts() calls). b and c have one length.
/// A grid point with a missing side is counted only in the pair that has both of its sides.
void joint_counts_two(std::span<const std::uint8_t> a, std::span<const std::uint8_t> b,
                      std::span<const std::uint8_t> c, int bins_a, int bins_b, int bins_c, std::int64_t lag,
                      std::span<std::int64_t> counts_ab, std::span<std::int64_t> counts_ac);

/// joint_counts() of (a, b) at lag_b, (a, c) at lag_c and (b, c) at lag_c - lag_b, in one pass
/// over the points where all three are in range (the same table as joint_counts_two(), and its
/// third margin: three pair-samples an increment), plus each pair's few points past that range.
/// All pairs of a set of parameters are counted by triples (steiner_triples()), at every lag
/// by the passes of triple_lags().
void joint_counts_three(std::span<const std::uint8_t> a, std::span<const std::uint8_t> b,
                        std::span<const std::uint8_t> c, int bins_a, int bins_b, int bins_c, std::int64_t lag_b,
                        std::int64_t lag_c, std::span<std::int64_t> counts_ab, std::span<std::int64_t> counts_ac,
                        std::span<std::int64_t> counts_bc);

/// A Steiner triple system on 0 .. n-1 (Bose's construction, on the next size 3m with m odd):
/// calls triple({x, y, z}), x < y < z, for triples that hold every pair of 0 .. n-1 exactly once,
/// and pair(x, y), x < y, for the pairs that fall in a triple with one point past n - 1 (at
/// most five such points). Visits rather than returns: 20,000 parameters have 67 M triples.
template <class Triple, class Pair>
void steiner_triples(std::int32_t n, Triple&& triple, Pair&& pair) {
  // Points (i, k), i in Z_m, k in Z_3, numbered k*m + i. Triples {(i,0), (i,1), (i,2)}, and for
  // i < j, {(i,k), (j,k), ((i+j)/2, k+1)}: halving is multiplying by (m+1)/2.
  std::int32_t m = 1;
  while (3 * m < n) m += 2;
  auto add = [&](std::int32_t x, std::int32_t y, std::int32_t z) {
    if (x > y) std::swap(x, y);
    if (y > z) std::swap(y, z);
    if (x > y) std::swap(x, y);
    if (z < n)
      triple(std::array<std::int32_t, 3>{x, y, z});
    else if (y < n)
      pair(x, y);
  };
  for (std::int32_t i = 0; i < m; ++i) add(i, m + i, 2 * m + i);
  for (std::int32_t k = 0; k < 3; ++k)
    for (std::int32_t i = 0; i < m; ++i)
      for (std::int32_t j = i + 1; j < m; ++j)
        add(k * m + i, k * m + j, (k + 1) % 3 * m + static_cast<std::int32_t>(std::int64_t{i + j} * ((m + 1) / 2) % m));
}

/// The passes that count a triple's three pairs at every lag k*step, k = -m .. m, each once:
/// pairs (p, q) with p, q and q - p each running over every lag (a permutation q = s(p) whose
/// differences are a permutation too; found by a depth-first search, extreme lags first).
/// Empty when the search gives up (past `budget` steps): then pairs are counted two at a time.
std::vector<std::pair<std::int64_t, std::int64_t>> triple_lags(std::int64_t m, std::int64_t step,
                                                               std::int64_t budget = 1000000);

/// x log x for x = 0 .. n-1 (0 log 0 = 0): mutual_information() looks entropies up instead of
/// taking 300 logarithms per table.
std::vector<double> xlogx_table(std::int64_t n);

struct MutualInformation {
  double mi = 0;    ///< nats
  double nmi = 0;   ///< mi / sqrt(h_a * h_b), in [0, 1]; 0 when either entropy is 0
  double h_a = 0;   ///< entropy of a's marginal over the counted pairs, nats
  double h_b = 0;
  std::int64_t n = 0;   ///< pairs counted
  int rows = 0;         ///< bins of a that occur
  int cols = 0;         ///< bins of b that occur
};
/// Plug-in mutual information of a joint count table. `xlogx` (from xlogx_table) is used for the
/// counts it covers.
MutualInformation mutual_information(std::span<const std::int64_t> counts, int bins_a, int bins_b,
                                     std::span<const double> xlogx = {});

/// The table with consecutive bins merged into at most `groups` groups a side (equal-frequency
/// bins merge into coarser equal-frequency bins): the significance test runs on it, because a
/// 16 x 16 table has 225 degrees of freedom and autocorrelated telemetry has few effective samples.
std::vector<std::int64_t> coarse_counts(std::span<const std::int64_t> counts, int bins_a, int bins_b, int groups,
                                        int& groups_a, int& groups_b);

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
