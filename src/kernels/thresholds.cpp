#include "kernels/thresholds.hpp"

#include <algorithm>
#include <cmath>
#include <numeric>

namespace telemine::kernels {

double quantile_threshold(std::span<const double> reference, double q) {
  if (reference.empty()) return INFINITY;
  std::vector<double> s(reference.begin(), reference.end());
  const auto k = static_cast<std::size_t>(std::clamp(q, 0.0, 1.0) * static_cast<double>(s.size() - 1));
  std::nth_element(s.begin(), s.begin() + static_cast<std::ptrdiff_t>(k), s.end());
  return s[k];
}

double sigma_threshold(std::span<const double> reference, double k) {
  if (reference.empty()) return INFINITY;
  double sum = 0, sq = 0;
  for (double x : reference) sum += x;
  const double mean = sum / static_cast<double>(reference.size());
  for (double x : reference) sq += (x - mean) * (x - mean);
  return mean + k * std::sqrt(sq / static_cast<double>(reference.size()));
}

double pot_threshold(std::span<const double> reference, double risk, double level) {
  if (reference.empty()) return INFINITY;
  const double t = quantile_threshold(reference, level);
  std::vector<double> excess;
  double top = reference[0];
  for (double x : reference) {
    top = std::max(top, x);
    if (x > t) excess.push_back(x - t);
  }
  if (excess.size() < 10) return top;
  double m = 0, v = 0;
  for (double y : excess) m += y;
  m /= static_cast<double>(excess.size());
  for (double y : excess) v += (y - m) * (y - m);
  v /= static_cast<double>(excess.size() - 1);
  if (!(v > 0)) return top;
  // Method of moments for the generalised Pareto distribution (shape xi, scale sigma).
  const double xi = 0.5 * (1 - m * m / v), sigma = 0.5 * m * (m * m / v + 1);
  const double r = risk * static_cast<double>(reference.size()) / static_cast<double>(excess.size());
  const double z = std::abs(xi) < 1e-9 ? t - sigma * std::log(r) : t + sigma / xi * (std::pow(r, -xi) - 1);
  return std::max(z, t);
}

namespace {

struct MeanSd {
  double mean = 0, sd = 0;
};

// numpy's mean and std (population), over the points `keep` accepts.
template <class Keep>
MeanSd mean_sd_of(std::span<const double> x, Keep keep) {
  double s = 0, c = 0;
  for (double v : x)
    if (keep(v)) s += v, c += 1;
  if (c == 0) return {NAN, NAN};
  const double m = s / c;
  double sq = 0;
  for (double v : x)
    if (keep(v)) sq += (v - m) * (v - m);
  return {m, std::sqrt(sq / c)};
}

// numpy's percentile (linear interpolation) of sorted values, q in [0, 1].
double percentile(std::span<const double> v, double q) {
  if (v.empty()) return 0;
  const double pos = q * static_cast<double>(v.size() - 1);
  const auto lo = static_cast<std::size_t>(pos);
  const std::size_t hi = std::min(lo + 1, v.size() - 1);
  return v[lo] + (pos - static_cast<double>(lo)) * (v[hi] - v[lo]);
}

// Hundman et al.'s pruning of the runs of `marked` points: ranked by peak, the runs before the
// last drop of at least `prune` (relative) to the next peak, or after the last run to `below`
// (the largest score left nominal), stay marked; the others are unmarked.
void prune_runs(std::span<const double> s, std::vector<char>& marked, double below, double prune) {
  struct Run {
    std::size_t begin, end;
    double peak;
  };
  std::vector<Run> runs;
  for (std::size_t i = 0; i < s.size();) {
    if (!marked[i]) {
      ++i;
      continue;
    }
    Run r{i, i, s[i]};
    for (; i < s.size() && marked[i]; ++i) r.peak = std::max(r.peak, s[i]);
    r.end = i;
    runs.push_back(r);
  }
  std::sort(runs.begin(), runs.end(), [](const Run& a, const Run& b) { return a.peak > b.peak; });
  std::size_t kept = 0;
  for (std::size_t k = 0; k < runs.size(); ++k) {
    const double next = k + 1 < runs.size() ? runs[k + 1].peak : below;
    if (runs[k].peak > 0 && (runs[k].peak - next) / runs[k].peak >= prune) kept = k + 1;
  }
  for (std::size_t k = kept; k < runs.size(); ++k)
    std::fill(marked.begin() + static_cast<std::ptrdiff_t>(runs[k].begin), marked.begin() + static_cast<std::ptrdiff_t>(runs[k].end), 0);
}

}  // namespace

std::vector<char> dynamic_threshold(std::span<const double> e, double prune) {
  const std::size_t n = e.size();
  std::vector<char> out(n, 0);
  if (n < 2) return out;
  const auto [mu, sd] = mean_sd_of(e, [](double) { return true; });
  if (!(sd > 0) || !(mu != 0)) return out;
  double best = 0, epsilon = INFINITY;
  for (double z = 2.5; z <= 12.0; z += 0.5) {
    const double eps = mu + z * sd;
    const auto [mu_b, sd_b] = mean_sd_of(e, [&](double v) { return v < eps; });
    std::size_t above = 0, runs = 0;
    for (std::size_t i = 0; i < n; ++i)
      if (e[i] > eps) {
        ++above;
        runs += i == 0 || !(e[i - 1] > eps);
      }
    if (above == 0) continue;
    const double gain = ((mu - mu_b) / std::abs(mu) + (sd - sd_b) / sd) / (static_cast<double>(above) + static_cast<double>(runs * runs));
    if (gain > best) {
      best = gain;
      epsilon = eps;
    }
  }
  if (!std::isfinite(epsilon)) return out;
  // Runs above the threshold, pruned against the largest nominal score.
  double nominal_peak = -INFINITY;
  for (std::size_t i = 0; i < n; ++i) {
    out[i] = e[i] > epsilon;
    if (!out[i]) nominal_peak = std::max(nominal_peak, e[i]);
  }
  prune_runs(e, out, nominal_peak, prune);
  return out;
}

std::vector<char> windowed_dynamic_threshold(std::span<const double> e, std::size_t window, std::size_t step,
                                             double prune) {
  if (window == 0 || window >= e.size()) return dynamic_threshold(e, prune);
  step = std::max<std::size_t>(1, step);
  std::vector<char> out(e.size(), 0);
  for (std::size_t begin = 0;; begin += step) {
    const std::size_t end = std::min(e.size(), begin + window);
    const auto flags = dynamic_threshold(e.subspan(begin, end - begin), prune);
    for (std::size_t i = 0; i < flags.size(); ++i) out[begin + i] |= flags[i];
    if (end == e.size()) break;
  }
  return out;
}

namespace {

// Marks every point within `reach` of a point that `above` accepts, from `from` on, and
// returns how many points are marked and how many runs of more than one point they make.
template <class Above>
std::pair<std::size_t, std::size_t> mark_buffered(std::span<const double> e, Above above, std::size_t reach,
                                                  std::size_t from, std::vector<char>& marked) {
  const std::size_t n = e.size();
  marked.assign(n, 0);
  // Nearest exceedance at or before i (forward) and at or after i (backward).
  std::size_t last = SIZE_MAX;
  for (std::size_t i = 0; i < n; ++i) {
    if (above(e[i])) last = i;
    if (last != SIZE_MAX && i - last <= reach && i >= from) marked[i] = 1;
  }
  last = SIZE_MAX;
  for (std::size_t i = n; i-- > 0;) {
    if (above(e[i])) last = i;
    if (last != SIZE_MAX && last - i <= reach && i >= from) marked[i] = 1;
  }
  std::size_t points = 0, runs = 0;
  for (std::size_t i = 0; i < n;) {
    if (!marked[i]) {
      ++i;
      continue;
    }
    const std::size_t b = i;
    while (i < n && marked[i]) ++i;
    points += i - b;
    runs += i - b > 1;
  }
  return {points, runs};
}

// telemanom's find_epsilon: the z of mean + z std that removes the most mean and spread per
// point and run, exceedances buffered by `reach` either side; 12 when none qualifies.
double telemanom_z(std::span<const double> e, std::size_t reach, std::vector<char>& scratch) {
  const auto [mean, sd] = mean_sd_of(e, [](double) { return true; });
  double best = 0, z_best = 12.0;
  if (!(sd > 0) || mean == 0) return z_best;
  for (int k = 0; k < 19; ++k) {
    const double z = 2.5 + 0.5 * k, eps = mean + z * sd;
    const auto [pm, psd] = mean_sd_of(e, [&](double v) { return v < eps; });
    if (std::isnan(pm)) continue;
    const auto [points, runs] = mark_buffered(e, [&](double v) { return v > eps; }, reach, 0, scratch);
    if (points == 0) continue;
    const double s = ((mean - pm) / mean + (sd - psd) / sd) / static_cast<double>(runs * runs + points);
    if (s >= best && runs <= 5 && static_cast<double>(points) < 0.5 * static_cast<double>(e.size())) {
      best = s;
      z_best = z;
    }
  }
  return z_best;
}

}  // namespace

std::vector<char> telemanom_threshold(std::span<const double> errors, std::span<const double> values,
                                      const TelemanomOptions& o) {
  const std::size_t n = errors.size();
  std::vector<char> out(n, 0);
  if (n < 2 || values.size() != n) return out;
  const std::size_t batch = std::max<std::size_t>(1, o.batch), history = batch * std::max<std::size_t>(1, o.batches);
  std::vector<char> marked, scratch;
  std::vector<double> inv;
  // One window: [begin, end), judging its points from begin + from on.
  auto judge = [&](std::size_t begin, std::size_t end, std::size_t from) {
    const auto e = errors.subspan(begin, end - begin);
    const auto y = values.subspan(begin, end - begin);
    std::vector<double> sorted(y.begin(), y.end());
    std::sort(sorted.begin(), sorted.end());
    const double range = percentile(sorted, 0.95) - percentile(sorted, 0.05);
    const double chan_sd = mean_sd_of(y, [](double) { return true; }).sd;
    const auto [mean, sd] = mean_sd_of(e, [](double) { return true; });
    // Errors too small against the values, or in absolute terms: nothing here is novel, in
    // either direction.
    const double peak = *std::max_element(e.begin(), e.end());
    if (!(sd > o.min_scale * chan_sd || peak > o.min_scale * range) || !(peak > o.floor)) return;
    inv.resize(e.size());
    for (std::size_t i = 0; i < e.size(); ++i) inv[i] = 2 * mean - e[i];
    std::vector<char> keep(e.size(), 0);
    for (const std::span<const double> s : {e, std::span<const double>(inv)}) {
      // As in the reference, choosing z buffers by one point less than flagging does.
      const double eps = mean + telemanom_z(s, o.buffer > 0 ? o.buffer - 1 : 0, scratch) * sd;
      mark_buffered(s, [&](double v) { return v > eps && v > o.min_scale * range; }, o.buffer, from, marked);
      // The largest error neither marked here nor flagged by an earlier window.
      double below = 0;
      for (std::size_t i = 0; i < s.size(); ++i)
        if (!marked[i] && !out[begin + i]) below = std::max(below, s[i]);
      prune_runs(s, marked, below, o.prune);
      for (std::size_t i = 0; i < s.size(); ++i) keep[i] |= marked[i];
    }
    for (std::size_t i = 0; i < e.size(); ++i) out[begin + i] |= keep[i];
  };
  if (n <= history) {
    judge(0, n, o.ignore);
    return out;
  }
  const std::size_t windows = (n - history) / batch;
  for (std::size_t w = 0; w <= windows; ++w) {
    const std::size_t begin = w * batch, end = w == windows ? n : begin + history;
    // Each point is judged once: by the first window, or by the first that ends after it.
    judge(begin, end, w == 0 ? o.ignore : history - batch);
  }
  return out;
}

std::vector<double> ewma(std::span<const double> x, double span) {
  std::vector<double> out(x.begin(), x.end());
  if (!(span > 1)) return out;
  const double keep = 1 - 2 / (span + 1);
  double num = 0, den = 0;
  for (std::size_t i = 0; i < x.size(); ++i) {
    num = num * keep + x[i];
    den = den * keep + 1;
    out[i] = num / den;
  }
  return out;
}

double reference_threshold(ThresholdMethod method, double value, std::span<const double> reference, std::size_t params) {
  if (is_dynamic(method)) return *std::max_element(reference.begin(), reference.end());
  if (method == ThresholdMethod::sigma) return sigma_threshold(reference, value);
  // RISK is the chance that a nominal row of the model is flagged; a row is flagged when any
  // of its parameters is, so each parameter gets RISK / n (Bonferroni).
  const double n = static_cast<double>(std::max<std::size_t>(1, params));
  if (method == ThresholdMethod::quantile) return quantile_threshold(reference, 1 - (1 - value) / n);
  return pot_threshold(reference, value / n);
}

}  // namespace telemine::kernels
