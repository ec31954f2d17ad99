#include "kernels/dependency.hpp"

#include <algorithm>
#include <boost/math/special_functions/gamma.hpp>
#include <cmath>
#include <numeric>

namespace telemine::kernels {

void resample_mean(std::span<const TimeNs> time, std::span<const double> value, TimeNs start, DurationNs step,
                   std::span<double> out) {
  const auto n = static_cast<std::int64_t>(out.size());
  std::vector<double> sum(out.size(), 0.0);
  std::vector<std::int64_t> count(out.size(), 0);
  for (std::size_t i = 0; i < time.size(); ++i) {
    if (time[i] < start) continue;
    const std::int64_t k = (time[i] - start) / step;
    if (k >= n) break;
    if (std::isnan(value[i])) continue;
    sum[k] += value[i];
    ++count[k];
  }
  for (std::int64_t k = 0; k < n; ++k) out[k] = count[k] ? sum[k] / static_cast<double>(count[k]) : NAN;
}

double resample_last(std::span<const TimeNs> time, std::span<const double> value, TimeNs start, DurationNs step,
                     std::span<double> out, double carry) {
  std::size_t i = 0;
  for (std::size_t k = 0; k < out.size(); ++k) {
    const TimeNs end = start + static_cast<TimeNs>(k + 1) * step;
    for (; i < time.size() && time[i] < end; ++i)
      if (!std::isnan(value[i])) carry = value[i];
    out[k] = carry;
  }
  return carry;
}

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

void joint_counts(std::span<const std::uint8_t> a, std::span<const std::uint8_t> b, int bins_a, int bins_b,
                  std::int64_t lag, std::span<std::int64_t> counts) {
  const auto na = static_cast<std::int64_t>(a.size()), nb = static_cast<std::int64_t>(b.size());
  const std::int64_t first = std::max<std::int64_t>(0, -lag);
  const std::int64_t last = std::min(na, nb - lag);  // exclusive
  if (last <= first) return;
  // Four sub-histograms, one per t mod 4: telemetry repeats the same bin pair for long runs, and
  // one histogram would then wait on its own previous increment of the same counter.
  const int cells = bins_a * bins_b;
  std::vector<std::uint32_t> h(static_cast<std::size_t>(4 * (cells + 1)), 0);
  std::uint32_t* h0 = h.data();
  std::uint32_t* h1 = h0 + cells + 1;
  std::uint32_t* h2 = h1 + cells + 1;
  std::uint32_t* h3 = h2 + cells + 1;
  // A pair with a missing side lands in the extra cell `cells`, counted but discarded: no branch.
  auto cell = [&](std::int64_t t) -> std::uint32_t {
    const std::uint8_t x = a[static_cast<std::size_t>(t)], y = b[static_cast<std::size_t>(t + lag)];
    return (x == kMissing) | (y == kMissing) ? static_cast<std::uint32_t>(cells)
                                             : static_cast<std::uint32_t>(x * bins_b + y);
  };
  auto flush = [&] {
    for (int c = 0; c < cells; ++c)
      counts[c] += static_cast<std::int64_t>(h0[c]) + h1[c] + h2[c] + h3[c];
    std::fill(h.begin(), h.end(), 0u);
  };
  constexpr std::int64_t kFlushEvery = std::int64_t{1} << 30;  // well below 2^32 per counter
  std::int64_t t = first;
  while (t < last) {
    const std::int64_t stop = std::min(last, t + kFlushEvery);
    for (; t + 4 <= stop; t += 4) {
      ++h0[cell(t)];
      ++h1[cell(t + 1)];
      ++h2[cell(t + 2)];
      ++h3[cell(t + 3)];
    }
    for (; t < stop; ++t) ++h0[cell(t)];
    flush();
  }
}

MutualInformation mutual_information(std::span<const std::int64_t> counts, int bins_a, int bins_b) {
  MutualInformation m;
  std::vector<std::int64_t> ra(static_cast<std::size_t>(bins_a), 0), cb(static_cast<std::size_t>(bins_b), 0);
  for (int i = 0; i < bins_a; ++i)
    for (int j = 0; j < bins_b; ++j) {
      const auto c = counts[static_cast<std::size_t>(i * bins_b + j)];
      ra[i] += c;
      cb[j] += c;
      m.n += c;
    }
  if (m.n == 0) return m;
  const double n = static_cast<double>(m.n);
  auto entropy = [&](const std::vector<std::int64_t>& marginal, int& used) {
    double h = 0;
    for (auto c : marginal)
      if (c > 0) {
        const double p = static_cast<double>(c) / n;
        h -= p * std::log(p);
        ++used;
      }
    return h;
  };
  m.h_a = entropy(ra, m.rows);
  m.h_b = entropy(cb, m.cols);
  double mi = 0;
  for (int i = 0; i < bins_a; ++i)
    for (int j = 0; j < bins_b; ++j) {
      const auto c = counts[static_cast<std::size_t>(i * bins_b + j)];
      if (c == 0) continue;
      const double p = static_cast<double>(c) / n;
      mi += p * std::log(static_cast<double>(c) * n / (static_cast<double>(ra[i]) * static_cast<double>(cb[j])));
    }
  m.mi = std::max(0.0, mi);
  m.nmi = m.h_a > 0 && m.h_b > 0 ? std::min(1.0, m.mi / std::sqrt(m.h_a * m.h_b)) : 0.0;
  return m;
}

std::vector<double> autocorrelation(std::span<const std::uint8_t> codes, int max_lag) {
  double sum = 0, sq = 0;
  std::int64_t n = 0;
  for (auto c : codes)
    if (c != kMissing) {
      sum += c;
      sq += static_cast<double>(c) * c;
      ++n;
    }
  std::vector<double> rho(static_cast<std::size_t>(std::max(0, max_lag)), 0.0);
  if (n < 2) return rho;
  const double mean = sum / static_cast<double>(n);
  const double var = sq / static_cast<double>(n) - mean * mean;
  if (var <= 0) return rho;
  for (int k = 1; k <= max_lag; ++k) {
    double acc = 0;
    std::int64_t m = 0;
    for (std::size_t t = 0; t + static_cast<std::size_t>(k) < codes.size(); ++t) {
      const auto x = codes[t], y = codes[t + static_cast<std::size_t>(k)];
      if (x == kMissing || y == kMissing) continue;
      acc += (x - mean) * (y - mean);
      ++m;
    }
    rho[static_cast<std::size_t>(k - 1)] = m ? acc / static_cast<double>(m) / var : 0.0;
  }
  return rho;
}

double effective_pairs(std::int64_t n, std::span<const double> rho_a, std::span<const double> rho_b) {
  double s = 0;
  for (std::size_t k = 0; k < std::min(rho_a.size(), rho_b.size()); ++k) {
    const double term = rho_a[k] * rho_b[k];
    if (term <= 0) break;  // past the correlated range; noise terms would only add variance
    s += term;
  }
  return std::min(static_cast<double>(n), static_cast<double>(n) / (1.0 + 2.0 * s));
}

double mi_p_value(const MutualInformation& m, double n_eff) {
  const int df = (m.rows - 1) * (m.cols - 1);
  if (df <= 0 || n_eff <= 0 || m.mi <= 0) return 1.0;
  return boost::math::gamma_q(df / 2.0, n_eff * m.mi);  // P(chi2_df >= 2 n_eff mi)
}

std::vector<bool> benjamini_hochberg(std::span<const double> p, double alpha) {
  const std::size_t n = p.size();
  std::vector<std::size_t> order(n);
  std::iota(order.begin(), order.end(), std::size_t{0});
  std::stable_sort(order.begin(), order.end(), [&](auto x, auto y) { return p[x] < p[y]; });
  std::size_t k_max = 0;  // the largest k with p_(k) <= alpha k / n
  for (std::size_t k = 1; k <= n; ++k)
    if (p[order[k - 1]] <= alpha * static_cast<double>(k) / static_cast<double>(n)) k_max = k;
  std::vector<bool> out(n, false);
  for (std::size_t k = 0; k < k_max; ++k) out[order[k]] = true;
  return out;
}

}  // namespace telemine::kernels
