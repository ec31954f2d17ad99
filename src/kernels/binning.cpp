#include "kernels/binning.hpp"

#include <algorithm>
#include <cmath>

namespace telemine::kernels {

std::vector<double> equal_frequency_edges(std::span<const double> sorted, int bins) {
  std::vector<double> edges;
  const auto n = static_cast<std::int64_t>(sorted.size());
  if (n == 0 || bins < 2) return edges;
  for (int k = 1; k < bins; ++k) {
    const double e = sorted[static_cast<std::size_t>(n * k / bins)];
    if (e > sorted.front() && (edges.empty() || e > edges.back())) edges.push_back(e);
  }
  return edges;
}

void encode(std::span<const double> values, std::span<const double> edges, std::span<std::uint8_t> codes) {
  for (std::size_t i = 0; i < values.size(); ++i) {
    const double x = values[i];
    codes[i] = std::isnan(x) ? kMissing
                             : static_cast<std::uint8_t>(std::upper_bound(edges.begin(), edges.end(), x) - edges.begin());
  }
}

}  // namespace telemine::kernels
