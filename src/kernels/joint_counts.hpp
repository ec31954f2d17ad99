#pragma once
/// \file Joint counts of coded series at a lag: one pair, two pairs sharing a side, or a
/// Steiner triple's three pairs in one pass; and the triple systems and lag passes that let
/// every pair of a set be counted three at a time.

#include <array>
#include <cstdint>
#include <span>
#include <utility>
#include <vector>

namespace telemine::kernels {

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

}  // namespace telemine::kernels
