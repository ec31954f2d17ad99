#include "kernels/joint_counts.hpp"

#include <algorithm>
#include <bit>
#include <cstring>
#include <limits>
#include <numeric>
#include <vector>

#include "core/dispatch.hpp"
#include "kernels/binning.hpp"

namespace telemine::kernels {

namespace {

// Codes below 16 a side: eight joint codes (a << 4 | b) per 64-bit word, counted into eight
// sub-histograms of 256 cells (telemetry repeats the same bin pair for long runs, and one
// histogram would wait on its own previous increment of the same counter). A pair with a
// missing side (0xFF: the only code with its top bit set) is sent to cell 255 and counted, and
// cell 255 gives them back at the end: no branch, whatever the share of missing points.
void joint_counts_nibbles(const std::uint8_t* a, const std::uint8_t* b, std::int64_t n, int bins_a, int bins_b,
                          std::span<std::int64_t> counts) {
  constexpr std::uint64_t kLow = 0x0F0F0F0F0F0F0F0FULL, kTop = 0x8080808080808080ULL;
  alignas(64) std::uint32_t h[8][256];
  std::int64_t total[256] = {};
  std::int64_t missing = 0;
  constexpr std::int64_t kBlock = std::int64_t{1} << 30;  // a sub-histogram gets at most 2^27 per block
  for (std::int64_t begin = 0; begin < n; begin += kBlock) {
    const std::int64_t end = std::min(n, begin + kBlock);
    std::memset(h, 0, sizeof h);
    std::int64_t t = begin;
    for (; t + 8 <= end; t += 8) {
      std::uint64_t x, y;
      std::memcpy(&x, a + t, 8);
      std::memcpy(&y, b + t, 8);
      const std::uint64_t gone = (x | y) & kTop;  // top bit of each byte with a missing side
      missing += std::popcount(gone);
      const std::uint64_t j = ((x & kLow) << 4 | (y & kLow)) | (gone >> 7) * 0xFF;
      ++h[0][j & 255];
      ++h[1][(j >> 8) & 255];
      ++h[2][(j >> 16) & 255];
      ++h[3][(j >> 24) & 255];
      ++h[4][(j >> 32) & 255];
      ++h[5][(j >> 40) & 255];
      ++h[6][(j >> 48) & 255];
      ++h[7][j >> 56];
    }
    for (; t < end; ++t) {
      if (a[t] == kMissing || b[t] == kMissing) continue;
      ++h[0][a[t] << 4 | b[t]];
    }
    for (int c = 0; c < 256; ++c)
      total[c] += std::int64_t{h[0][c]} + h[1][c] + h[2][c] + h[3][c] + h[4][c] + h[5][c] + h[6][c] + h[7][c];
  }
  total[255] -= missing;
  for (int u = 0; u < bins_a; ++u)
    for (int v = 0; v < bins_b; ++v) counts[static_cast<std::size_t>(u * bins_b + v)] += total[u << 4 | v];
}

// Any number of bins: four sub-histograms; a pair with a missing side lands in an extra cell,
// counted and discarded, so the loop has no branch.
void joint_counts_wide(const std::uint8_t* a, const std::uint8_t* b, std::int64_t n, int bins_a, int bins_b,
                       std::span<std::int64_t> counts) {
  const int cells = bins_a * bins_b;
  std::vector<std::uint32_t> h(static_cast<std::size_t>(4 * (cells + 1)), 0);
  std::uint32_t* h0 = h.data();
  std::uint32_t* h1 = h0 + cells + 1;
  std::uint32_t* h2 = h1 + cells + 1;
  std::uint32_t* h3 = h2 + cells + 1;
  auto cell = [&](std::int64_t t) -> std::uint32_t {
    const std::uint8_t x = a[t], y = b[t];
    return ((x == kMissing) | (y == kMissing)) ? static_cast<std::uint32_t>(cells)
                                               : static_cast<std::uint32_t>(x * bins_b + y);
  };
  constexpr std::int64_t kBlock = std::int64_t{1} << 30;
  for (std::int64_t begin = 0; begin < n; begin += kBlock) {
    const std::int64_t end = std::min(n, begin + kBlock);
    std::fill(h.begin(), h.end(), 0u);
    std::int64_t t = begin;
    for (; t + 4 <= end; t += 4) {
      ++h0[cell(t)];
      ++h1[cell(t + 1)];
      ++h2[cell(t + 2)];
      ++h3[cell(t + 3)];
    }
    for (; t < end; ++t) ++h0[cell(t)];
    for (int c = 0; c < cells; ++c) counts[c] += static_cast<std::int64_t>(h0[c]) + h1[c] + h2[c] + h3[c];
  }
}

// Pairs of three aligned series: each point's cell is (a, b, c) in a 17 x 17 x 17 table, where
// 16 is "missing" (255 clamped), so one increment counts a point of (a, b) and (a, c), and of
// (b, c) when `bc` is given, without a branch: the pairs' tables are its margins. The cells are
// computed 16 at a time in vector registers (x*289 + y*17 + z in 16-bit lanes); even and odd
// points go to two tables of 16-bit counters (a run of one cell alternates between them, and
// both fit in L1), added into the margins after each block, before they can overflow.
// The portable build (x86-64-v2) would split the 256-bit lanes in two: one AVX2 clone, picked
// at load time where the CPU has it (bench/README.md, "Portable build").
TELEMINE_AVX2_CLONE
void joint_counts_triples(const std::uint8_t* a, const std::uint8_t* b, const std::uint8_t* c, std::int64_t n,
                          int bins_a, int bins_b, int bins_c, std::span<std::int64_t> ab, std::span<std::int64_t> ac,
                          std::span<std::int64_t> bc) {
  using u8x16 = std::uint8_t __attribute__((vector_size(16)));
  using u16x16 = std::uint16_t __attribute__((vector_size(32)));
  constexpr int kSide = 17, kCells = kSide * kSide * kSide;
  // A table gets at most half a block plus a tail of 15 points: under 65,535.
  constexpr std::int64_t kBlock = 2 * 65520;
  alignas(64) std::uint16_t h[2][kCells];  // 19.6 KB
  auto clamp = [](const std::uint8_t* p) {
    u8x16 v;
    std::memcpy(&v, p, sizeof v);
    return __builtin_convertvector(v > 16 ? 16 : v, u16x16);  // kMissing -> 16
  };
  auto one = [&](std::int64_t t) {
    return std::min<int>(a[t], 16) * kSide * kSide + std::min<int>(b[t], 16) * kSide + std::min<int>(c[t], 16);
  };
  for (std::int64_t begin = 0; begin < n; begin += kBlock) {
    const std::int64_t end = std::min(n, begin + kBlock);
    std::memset(h, 0, sizeof h);
    std::int64_t t = begin;
    for (; t + 16 <= end; t += 16) {
      const u16x16 cell = clamp(a + t) * (kSide * kSide) + clamp(b + t) * kSide + clamp(c + t);
      for (int k = 0; k < 16; k += 2) {
        ++h[0][cell[k]];
        ++h[1][cell[k + 1]];
      }
    }
    for (; t < end; ++t) ++h[0][one(t)];
    // The margins: (a, b) sums over every c, missing included, and (a, c) over every b.
    for (int x = 0; x < bins_a; ++x) {
      std::int64_t over_b[kSide] = {};
      for (int y = 0; y < kSide; ++y) {
        const std::uint16_t* h0 = h[0] + (x * kSide + y) * kSide;
        const std::uint16_t* h1 = h[1] + (x * kSide + y) * kSide;
        std::int64_t over_c = 0;
        for (int z = 0; z < kSide; ++z) {
          const std::int64_t v = std::int64_t{h0[z]} + h1[z];
          over_b[z] += v;
          over_c += v;
        }
        if (y < bins_b) ab[static_cast<std::size_t>(x * bins_b + y)] += over_c;
      }
      for (int z = 0; z < bins_c; ++z) ac[static_cast<std::size_t>(x * bins_c + z)] += over_b[z];
    }
    if (bc.empty()) continue;
    for (int x = 0; x < kSide; ++x)  // (b, c) sums over every a, missing included
      for (int y = 0; y < bins_b; ++y) {
        const std::uint16_t* h0 = h[0] + (x * kSide + y) * kSide;
        const std::uint16_t* h1 = h[1] + (x * kSide + y) * kSide;
        for (int z = 0; z < bins_c; ++z) bc[static_cast<std::size_t>(y * bins_c + z)] += std::int64_t{h0[z]} + h1[z];
      }
  }
}

}  // namespace

void joint_counts_two(std::span<const std::uint8_t> a, std::span<const std::uint8_t> b,
                      std::span<const std::uint8_t> c, int bins_a, int bins_b, int bins_c, std::int64_t lag,
                      std::span<std::int64_t> counts_ab, std::span<std::int64_t> counts_ac) {
  if (bins_a > 16 || bins_b > 16 || bins_c > 16 || b.size() != c.size()) {
    joint_counts(a, b, bins_a, bins_b, lag, counts_ab);
    joint_counts(a, c, bins_a, bins_c, lag, counts_ac);
    return;
  }
  const auto na = static_cast<std::int64_t>(a.size()), nb = static_cast<std::int64_t>(b.size());
  const std::int64_t first = std::max<std::int64_t>(0, -lag);
  const std::int64_t last = std::min(na, nb - lag);  // exclusive
  if (last <= first) return;
  joint_counts_triples(a.data() + first, b.data() + first + lag, c.data() + first + lag, last - first, bins_a,
                       bins_b, bins_c, counts_ab, counts_ac, {});
}

void joint_counts(std::span<const std::uint8_t> a, std::span<const std::uint8_t> b, int bins_a, int bins_b,
                  std::int64_t lag, std::span<std::int64_t> counts) {
  const auto na = static_cast<std::int64_t>(a.size()), nb = static_cast<std::int64_t>(b.size());
  const std::int64_t first = std::max<std::int64_t>(0, -lag);
  const std::int64_t last = std::min(na, nb - lag);  // exclusive
  if (last <= first) return;
  const std::uint8_t* pa = a.data() + first;
  const std::uint8_t* pb = b.data() + first + lag;
  if (bins_a <= 16 && bins_b <= 16)
    joint_counts_nibbles(pa, pb, last - first, bins_a, bins_b, counts);
  else
    joint_counts_wide(pa, pb, last - first, bins_a, bins_b, counts);
}

namespace {

// joint_counts() of (x, y) at `lag` over the points t of its range outside [from, to).
void counts_outside(std::span<const std::uint8_t> x, std::span<const std::uint8_t> y, int bins_x, int bins_y,
                    std::int64_t lag, std::int64_t from, std::int64_t to, std::span<std::int64_t> counts) {
  const std::int64_t first = std::max<std::int64_t>(0, -lag);
  const std::int64_t last = std::min(static_cast<std::int64_t>(x.size()), static_cast<std::int64_t>(y.size()) - lag);
  auto span = [&](std::int64_t begin, std::int64_t end) {
    if (end > begin)
      joint_counts(x.subspan(static_cast<std::size_t>(begin), static_cast<std::size_t>(end - begin)),
                   y.subspan(static_cast<std::size_t>(begin + lag), static_cast<std::size_t>(end - begin)), bins_x,
                   bins_y, 0, counts);
  };
  span(first, std::min(from, last));
  span(std::max(to, first), last);
}

}  // namespace

void joint_counts_three(std::span<const std::uint8_t> a, std::span<const std::uint8_t> b,
                        std::span<const std::uint8_t> c, int bins_a, int bins_b, int bins_c, std::int64_t lag_b,
                        std::int64_t lag_c, std::span<std::int64_t> counts_ab, std::span<std::int64_t> counts_ac,
                        std::span<std::int64_t> counts_bc) {
  const auto na = static_cast<std::int64_t>(a.size()), nb = static_cast<std::int64_t>(b.size()),
             nc = static_cast<std::int64_t>(c.size());
  // The points t where a[t], b[t + lag_b] and c[t + lag_c] all exist.
  const std::int64_t t0 = std::max({std::int64_t{0}, -lag_b, -lag_c});
  const std::int64_t t1 = std::max(t0, std::min({na, nb - lag_b, nc - lag_c}));
  if (bins_a > 16 || bins_b > 16 || bins_c > 16 || t1 == t0) {
    joint_counts(a, b, bins_a, bins_b, lag_b, counts_ab);
    joint_counts(a, c, bins_a, bins_c, lag_c, counts_ac);
    joint_counts(b, c, bins_b, bins_c, lag_c - lag_b, counts_bc);
    return;
  }
  joint_counts_triples(a.data() + t0, b.data() + t0 + lag_b, c.data() + t0 + lag_c, t1 - t0, bins_a, bins_b, bins_c,
                       counts_ab, counts_ac, counts_bc);
  counts_outside(a, b, bins_a, bins_b, lag_b, t0, t1, counts_ab);
  counts_outside(a, c, bins_a, bins_c, lag_c, t0, t1, counts_ac);
  counts_outside(b, c, bins_b, bins_c, lag_c - lag_b, t0 + lag_b, t1 + lag_b, counts_bc);  // b's index t + lag_b
}

std::vector<std::pair<std::int64_t, std::int64_t>> triple_lags(std::int64_t m, std::int64_t step, std::int64_t budget) {
  // Lags as k = -m .. m. Place q = s(k) for the extreme k first (they have the fewest choices:
  // q - k must stay within -m .. m), smallest q first; back up when stuck.
  const std::int64_t n = 2 * m + 1;
  std::vector<std::int64_t> order(static_cast<std::size_t>(n)), q(static_cast<std::size_t>(n), 0);
  std::iota(order.begin(), order.end(), -m);
  std::stable_sort(order.begin(), order.end(), [](std::int64_t x, std::int64_t y) { return std::abs(x) > std::abs(y); });
  std::vector<bool> used_q(static_cast<std::size_t>(n), false), used_d(static_cast<std::size_t>(n), false);
  auto idx = [&](std::int64_t v) { return static_cast<std::size_t>(v + m); };
  std::int64_t i = 0, steps = 0;
  std::vector<std::int64_t> next(static_cast<std::size_t>(n), std::numeric_limits<std::int64_t>::min());
  while (i >= 0 && i < n) {
    if (++steps > budget) return {};
    const std::int64_t k = order[static_cast<std::size_t>(i)];
    auto& cand = next[static_cast<std::size_t>(i)];
    if (cand != std::numeric_limits<std::int64_t>::min()) {  // back here: free the previous choice
      used_q[idx(cand)] = used_d[idx(cand - k)] = false;
      ++cand;
    } else {
      cand = std::max(-m, k - m);
    }
    for (; cand <= std::min(m, k + m); ++cand)
      if (!used_q[idx(cand)] && !used_d[idx(cand - k)]) break;
    if (cand > std::min(m, k + m)) {  // no choice left: back up
      cand = std::numeric_limits<std::int64_t>::min();
      --i;
      continue;
    }
    used_q[idx(cand)] = used_d[idx(cand - k)] = true;
    q[idx(k)] = cand;
    ++i;
  }
  if (i < 0) return {};
  std::vector<std::pair<std::int64_t, std::int64_t>> passes;
  for (std::int64_t k = -m; k <= m; ++k) passes.emplace_back(k * step, q[idx(k)] * step);
  return passes;
}

}  // namespace telemine::kernels
