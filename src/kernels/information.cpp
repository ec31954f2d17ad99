#include "kernels/information.hpp"

#include <algorithm>
#include <cmath>

#include "kernels/binning.hpp"

namespace telemine::kernels {

std::vector<double> xlogx_table(std::int64_t n) {
  std::vector<double> t(static_cast<std::size_t>(std::max<std::int64_t>(n, 1)));
  t[0] = 0;
  for (std::int64_t c = 1; c < n; ++c) t[c] = static_cast<double>(c) * std::log(static_cast<double>(c));
  return t;
}

MutualInformation mutual_information(std::span<const std::int64_t> counts, int bins_a, int bins_b,
                                     std::span<const double> xlogx) {
  MutualInformation m;
  std::int64_t ra[kMaxBins] = {}, cb[kMaxBins] = {};
  auto clogc = [&](std::int64_t c) {
    return c < static_cast<std::int64_t>(xlogx.size()) ? xlogx[c]
                                                       : (c > 0 ? static_cast<double>(c) * std::log(static_cast<double>(c)) : 0.0);
  };
  double joint = 0;  // sum c log c over the cells
  for (int i = 0; i < bins_a; ++i)
    for (int j = 0; j < bins_b; ++j) {
      const auto c = counts[static_cast<std::size_t>(i * bins_b + j)];
      ra[i] += c;
      cb[j] += c;
      m.n += c;
      joint += clogc(c);
    }
  if (m.n == 0) return m;
  // With N = n log n: H(a) = (N - sum r log r) / n, H(a,b) = (N - sum c log c) / n,
  // MI = H(a) + H(b) - H(a,b).
  const double n = static_cast<double>(m.n), nlogn = clogc(m.n);
  double rows = 0, cols = 0;
  for (int i = 0; i < bins_a; ++i) {
    rows += clogc(ra[i]);
    m.rows += ra[i] > 0;
  }
  for (int j = 0; j < bins_b; ++j) {
    cols += clogc(cb[j]);
    m.cols += cb[j] > 0;
  }
  m.h_a = std::max(0.0, (nlogn - rows) / n);
  m.h_b = std::max(0.0, (nlogn - cols) / n);
  m.mi = std::max(0.0, (joint - rows - cols + nlogn) / n);
  m.nmi = m.h_a > 0 && m.h_b > 0 ? std::min(1.0, m.mi / std::sqrt(m.h_a * m.h_b)) : 0.0;
  return m;
}

std::vector<std::int64_t> coarse_counts(std::span<const std::int64_t> counts, int bins_a, int bins_b, int groups,
                                        int& groups_a, int& groups_b) {
  groups_a = std::min(groups, bins_a);
  groups_b = std::min(groups, bins_b);
  std::vector<std::int64_t> out(static_cast<std::size_t>(groups_a * groups_b), 0);
  for (int i = 0; i < bins_a; ++i) {
    const int gi = i * groups_a / bins_a;
    for (int j = 0; j < bins_b; ++j)
      out[static_cast<std::size_t>(gi * groups_b + j * groups_b / bins_b)] += counts[static_cast<std::size_t>(i * bins_b + j)];
  }
  return out;
}

}  // namespace telemine::kernels
