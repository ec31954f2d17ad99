#pragma once
/// \file Mutual information of a joint count table (plug-in, in nats, and normalised), and the
/// coarser table the significance test runs on.

#include <cstdint>
#include <span>
#include <vector>

namespace telemine::kernels {

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

}  // namespace telemine::kernels
