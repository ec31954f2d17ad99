#pragma once
/// \file Kernels of the dependency finder: resampling onto a common grid, equal-frequency
/// binning, joint counts of two coded series at a lag, mutual information, and a significance
/// test that holds for autocorrelated series. Pure functions over spans.

#include <cstdint>
#include <span>
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
/// both are present (not kMissing). A negative lag pairs a[t] with b[t - |lag|].
void joint_counts(std::span<const std::uint8_t> a, std::span<const std::uint8_t> b, int bins_a, int bins_b,
                  std::int64_t lag, std::span<std::int64_t> counts);

struct MutualInformation {
  double mi = 0;    ///< nats
  double nmi = 0;   ///< mi / sqrt(h_a * h_b), in [0, 1]; 0 when either entropy is 0
  double h_a = 0;   ///< entropy of a's marginal over the counted pairs, nats
  double h_b = 0;
  std::int64_t n = 0;   ///< pairs counted
  int rows = 0;         ///< bins of a that occur
  int cols = 0;         ///< bins of b that occur
};
MutualInformation mutual_information(std::span<const std::int64_t> counts, int bins_a, int bins_b);

/// Autocorrelation of the present values of a coded series at lags 1 .. max_lag (codes used as
/// numbers: ranks of the bins), over pairs where both points are present.
std::vector<double> autocorrelation(std::span<const std::uint8_t> codes, int max_lag);

/// Effective number of independent pairs for two autocorrelated series (Bartlett):
/// n / (1 + 2 sum_k rho_a(k) rho_b(k)), summed while the terms stay positive. Never above n.
double effective_pairs(std::int64_t n, std::span<const double> rho_a, std::span<const double> rho_b);

/// p-value of the G-test on `mi` with `n_eff` effective pairs: 2 n_eff mi ~ chi2((rows-1)(cols-1))
/// under independence. 1 when there is nothing to test.
double mi_p_value(const MutualInformation& m, double n_eff);

/// Benjamini-Hochberg at false discovery rate `alpha`: which of `p` are discoveries.
std::vector<bool> benjamini_hochberg(std::span<const double> p, double alpha);

}  // namespace telemine::kernels
