#include "kernels/significance.hpp"

#include <algorithm>
#include <boost/math/special_functions/gamma.hpp>
#include <cmath>
#include <cstring>
#include <limits>

#include "kernels/binning.hpp"
#include "kernels/information.hpp"

namespace telemine::kernels {

std::vector<std::int64_t> autocorrelation_lags(std::int64_t n) {
  std::vector<std::int64_t> lags;
  for (std::int64_t k = 1; k <= std::min<std::int64_t>(16, n - 1); ++k) lags.push_back(k);
  for (double k = 20; k <= static_cast<double>(n) / 4; k *= 1.25) lags.push_back(static_cast<std::int64_t>(k));
  return lags;
}

std::vector<double> autocorrelation(std::span<const std::uint8_t> codes, std::span<const std::int64_t> lags) {
  std::vector<double> rho(lags.size(), NAN);
  double sum = 0;
  std::int64_t present = 0;
  for (auto c : codes)
    if (c != kMissing) {
      sum += c;
      ++present;
    }
  if (present < 2) return rho;
  const double mean = sum / static_cast<double>(present);
  std::vector<double> y(codes.size()), m(codes.size());
  double var = 0;
  for (std::size_t t = 0; t < codes.size(); ++t) {
    m[t] = codes[t] == kMissing ? 0.0 : 1.0;
    y[t] = codes[t] == kMissing ? 0.0 : codes[t] - mean;
    var += y[t] * y[t];
  }
  if (var <= 0) return rho;
  var /= static_cast<double>(present);
  const auto n = static_cast<std::int64_t>(y.size());
  for (std::size_t i = 0; i < lags.size(); ++i) {
    const std::int64_t k = lags[i];
    if (k >= n) break;
    // Vector accumulators (GCC vector extensions, as in the stats kernel): one scalar chain
    // would cost 4 cycles a term. The pairs are counted too: a parameter sampled every other
    // grid point has no pair at odd lags.
    using v4d = double __attribute__((vector_size(32)));
    v4d acc0 = {0, 0, 0, 0}, acc1 = acc0, cnt0 = acc0, cnt1 = acc0;
    auto load = [](const double* p) {
      v4d v;
      std::memcpy(&v, p, sizeof v);
      return v;
    };
    std::int64_t t = 0;
    for (; t + 8 <= n - k; t += 8) {
      acc0 += load(&y[t]) * load(&y[t + k]);
      acc1 += load(&y[t + 4]) * load(&y[t + 4 + k]);
      cnt0 += load(&m[t]) * load(&m[t + k]);
      cnt1 += load(&m[t + 4]) * load(&m[t + 4 + k]);
    }
    double acc = 0, cnt = 0;
    for (int j = 0; j < 4; ++j) {
      acc += acc0[j] + acc1[j];
      cnt += cnt0[j] + cnt1[j];
    }
    for (; t < n - k; ++t) {
      acc += y[t] * y[t + k];
      cnt += m[t] * m[t + k];
    }
    if (cnt > 0) rho[i] = acc / cnt / var;
  }
  return rho;
}

double effective_pairs(std::int64_t n, std::span<const std::int64_t> lags, std::span<const double> rho_a,
                       std::span<const double> rho_b) {
  return std::min(static_cast<double>(n), static_cast<double>(n) / variance_inflation(lags, rho_a, rho_b));
}

double variance_inflation(std::span<const std::int64_t> lags, std::span<const double> rho_a,
                          std::span<const double> rho_b) {
  double s = 0;
  double prev_term = 0;
  std::int64_t prev_lag = 0;
  for (std::size_t i = 0; i < std::min({lags.size(), rho_a.size(), rho_b.size()}); ++i) {
    if (std::isnan(rho_a[i]) || std::isnan(rho_b[i])) continue;  // no pair at that lag
    // Up to the first zero crossing of either autocorrelation: past it, estimates are noise, and
    // a periodic component both series share (the orbit) is dependence, not chance.
    if (rho_a[i] <= 0 || rho_b[i] <= 0) break;
    const double term = rho_a[i] * rho_b[i];
    const auto gap = static_cast<double>(lags[i] - prev_lag);
    // Lags prev+1 .. lags[i] under the straight line between the two measured terms.
    s += i == 0 ? term * gap : gap * term + (gap - 1) * (prev_term - term) / 2;
    prev_term = term;
    prev_lag = lags[i];
  }
  return 1.0 + 2.0 * s;
}

PairMeasure measure_pair(std::span<const std::int64_t> counts, int bins_a, int bins_b, double inflation,
                         std::span<const double> xlogx) {
  PairMeasure r;
  r.mi = mutual_information(counts, bins_a, bins_b, xlogx);
  int ga = 0, gb = 0;
  const auto coarse = coarse_counts(counts, bins_a, bins_b, kTestGroups, ga, gb);
  const auto cm = mutual_information(coarse, ga, gb, xlogx);
  r.n_eff = static_cast<double>(cm.n) / std::max(1.0, inflation);
  r.significance = mi_significance(cm, r.n_eff);
  return r;
}

Significance mi_significance(const MutualInformation& m, double n_eff) {
  Significance s;
  const int df = (m.rows - 1) * (m.cols - 1);
  if (df <= 0 || n_eff <= 0 || m.mi <= 0) return s;
  const double a = df / 2.0, x = n_eff * m.mi;  // P(chi2_df >= 2x) = Q(df/2, x)
  s.p = boost::math::gamma_q(a, x);
  if (s.p > 1e-300) {
    s.score = -std::log10(s.p);
  } else {
    // Far in the tail: log Q(a, x) = (a - 1) log x - x - lgamma(a) + log(1 + (a-1)/x + ...).
    s.score = -((a - 1) * std::log(x) - x - std::lgamma(a) + std::log1p((a - 1) / x)) / std::log(10.0);
  }
  return s;
}

double benjamini_hochberg_threshold(std::vector<double> p, std::int64_t m_total, double alpha) {
  std::sort(p.begin(), p.end());
  double threshold = -1;
  for (std::size_t k = 1; k <= p.size(); ++k)
    if (p[k - 1] <= alpha * static_cast<double>(k) / static_cast<double>(m_total)) threshold = p[k - 1];
  return threshold;
}

std::vector<bool> benjamini_hochberg(std::span<const double> p, double alpha) {
  const double threshold = benjamini_hochberg_threshold(std::vector<double>(p.begin(), p.end()),
                                                        static_cast<std::int64_t>(p.size()), alpha);
  std::vector<bool> out(p.size(), false);
  for (std::size_t i = 0; i < p.size(); ++i) out[i] = p[i] <= threshold;
  return out;
}

}  // namespace telemine::kernels
