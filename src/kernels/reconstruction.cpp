#include "kernels/reconstruction.hpp"

#include <algorithm>
#include <cmath>

namespace telemine::kernels {

std::vector<double> normalisation_sums(std::span<const float> x, std::span<const char> reference, int inputs) {
  const auto w = static_cast<std::size_t>(inputs);
  std::vector<double> sums(2 * w + 1, 0.0);
  for (std::size_t i = 0; i < reference.size(); ++i) {
    if (!reference[i]) continue;
    for (std::size_t j = 0; j < w; ++j) {
      const double v = x[i * w + j];
      sums[j] += v;
      sums[w + j] += v * v;
    }
    sums[2 * w] += 1;
  }
  return sums;
}

double resolution(double level) { return std::ldexp(std::abs(level), -20); }

bool fit_normalisation(std::span<const double> sums, int inputs, int shared, std::vector<double>& mean,
                       std::vector<double>& sd) {
  const double count = sums[static_cast<std::size_t>(2 * inputs)];
  if (count < 1) return false;
  mean.assign(static_cast<std::size_t>(inputs), 0.0);
  sd.assign(static_cast<std::size_t>(inputs), 1.0);
  for (int j = 0; j < inputs; ++j) {
    const int lo = j / shared * shared, hi = lo + shared;
    double s = 0, sq = 0;
    for (int q = lo; q < hi; ++q) {
      s += sums[static_cast<std::size_t>(q)];
      sq += sums[static_cast<std::size_t>(inputs + q)];
    }
    const double c = count * (hi - lo);
    if (c < 1) continue;
    const double m = s / c, var = std::max(0.0, sq / c - m * m);
    mean[static_cast<std::size_t>(j)] = m;
    const double spread = std::sqrt(var);
    sd[static_cast<std::size_t>(j)] = spread > resolution(m) && var > 1e-24 ? spread : 1.0;
  }
  return true;
}

void normalise(std::span<float> x, std::span<const double> mean, std::span<const double> sd) {
  const std::size_t w = mean.size();
  for (std::size_t i = 0; w > 0 && i < x.size() / w; ++i)
    for (std::size_t j = 0; j < w; ++j) {
      float& v = x[i * w + j];
      v = static_cast<float>((v - mean[j]) / sd[j]);
    }
}

ParameterErrors parameter_errors(std::span<const float> x, std::span<const float> err, int inputs, std::size_t params,
                                 std::span<const double> mean, std::span<const double> sd, bool units, std::size_t mid) {
  const auto w = static_cast<std::size_t>(inputs);
  const std::size_t n = w == 0 ? 0 : err.size() / w, np = params;
  const int per_param = inputs / static_cast<int>(np);
  ParameterErrors e;
  e.mse.resize(n * np);
  e.share.assign(n * np, 0.0f);
  e.rms_units.resize(units ? n * np : 0);
  e.value.resize(units ? n * np : 0);
  for (std::size_t i = 0; i < n; ++i) {
    double total = 0;
    for (std::size_t q = 0; q < np; ++q) {
      const std::size_t first = q * static_cast<std::size_t>(per_param);  // the parameter's first input
      const float* row = err.data() + i * w + first;
      double sum = 0, sq = 0;
      for (int j = 0; j < per_param; ++j) {
        sum += row[j];
        if (units) sq += row[j] * sd[first + static_cast<std::size_t>(j)] * sd[first + static_cast<std::size_t>(j)];
      }
      e.mse[i * np + q] = sum / per_param;
      total += sum;
      if (!units) continue;
      e.rms_units[i * np + q] = std::sqrt(sq / per_param);
      e.value[i * np + q] = x[i * w + first + mid] * sd[first + mid] + mean[first + mid];
    }
    for (std::size_t q = 0; q < np; ++q)
      e.share[i * np + q] = total > 0 ? static_cast<float>(e.mse[i * np + q] * per_param / total) : 0.0f;
  }
  return e;
}

std::vector<double> error_floor(std::span<const double> mean, std::span<const double> sd, std::size_t params) {
  const std::size_t inputs = mean.size(), per_param = params == 0 ? 0 : inputs / params;
  std::vector<double> floor(params, 0.0);
  for (std::size_t q = 0; q < params; ++q) {
    for (std::size_t j = q * per_param; j < (q + 1) * per_param; ++j) {
      const double r = std::max(1e-3, resolution(mean[j]) / sd[j]);
      floor[q] += r * r;
    }
    floor[q] /= static_cast<double>(std::max<std::size_t>(1, per_param));
  }
  return floor;
}

std::vector<double> error_sums(std::span<const double> mse, std::span<const char> reference, std::size_t params) {
  const std::size_t np = params;
  std::vector<double> sums(3 * np, 0.0);
  for (std::size_t i = 0; i < reference.size(); ++i)
    if (reference[i])
      for (std::size_t q = 0; q < np; ++q) {
        sums[q] += mse[i * np + q];
        sums[np + q] += mse[i * np + q] * mse[i * np + q];
        sums[2 * np + q] += 1;
      }
  return sums;
}

void fit_error_stats(std::span<const double> sums, std::size_t params, std::vector<double>& mean, std::vector<double>& sd) {
  const std::size_t np = params;
  mean.assign(np, 0.0);
  sd.assign(np, 1.0);
  for (std::size_t q = 0; q < np; ++q) {
    const double c = sums[2 * np + q];
    if (c < 1) continue;
    const double m = sums[q] / c, var = c > 1 ? (sums[np + q] - c * m * m) / (c - 1) : 0.0;
    mean[q] = m;
    sd[q] = var > 1e-30 ? std::sqrt(var) : std::max(1e-12, std::abs(m));
  }
}

std::vector<double> standardised_errors(std::span<const double> mse, std::span<const char> reference, std::size_t params,
                                        std::size_t q, double mean, double sd) {
  std::vector<double> out;
  for (std::size_t i = 0; i < reference.size(); ++i)
    if (reference[i]) out.push_back((mse[i * params + q] - mean) / sd);
  return out;
}

void row_scores(std::span<const double> mse, std::size_t params, std::span<const double> mean, std::span<const double> sd,
                std::span<const double> threshold, std::vector<double>& score_q, std::vector<double>& score) {
  const std::size_t np = params, n = np == 0 ? 0 : mse.size() / np;
  score_q.resize(n * np);
  score.assign(n, 0.0);
  for (std::size_t i = 0; i < n; ++i) {
    double top = -INFINITY;
    for (std::size_t q = 0; q < np; ++q) {
      score_q[i * np + q] = std::clamp((mse[i * np + q] - mean[q]) / sd[q] / threshold[q], 0.0, kScoreCap);
      top = std::max(top, score_q[i * np + q]);
    }
    score[i] = top;
  }
}

}  // namespace telemine::kernels
