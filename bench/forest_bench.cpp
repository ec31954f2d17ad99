// Random Forest training: telemine's XGBoost forest (random-forest mode, ml::Forest) against
// scikit-learn's RandomForestRegressor (bench/peers/forest_sklearn.py) on the same rows, with the
// same trees, depth, row share and columns per split, 2 threads each. The data: ROWS x COLS
// features, the target a nonlinear function of three of them plus noise, written to DIR for
// the peer. Reports the training time (median) and R^2 on a held-out quarter, for both.
//   forest_bench DIR ROWS COLS REPS
#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <random>
#include <string>
#include <vector>

#include "ml/forest.hpp"

using namespace telemine;

namespace {

double r2(const std::vector<float>& truth, const std::vector<float>& pred) {
  double mean = 0, ss_res = 0, ss_tot = 0;
  for (float t : truth) mean += t;
  mean /= static_cast<double>(truth.size());
  for (std::size_t i = 0; i < truth.size(); ++i) {
    ss_res += (truth[i] - pred[i]) * (truth[i] - pred[i]);
    ss_tot += (truth[i] - mean) * (truth[i] - mean);
  }
  return 1 - ss_res / ss_tot;
}

void write(const std::string& file, const std::vector<float>& v) {
  std::ofstream(file, std::ios::binary).write(reinterpret_cast<const char*>(v.data()), static_cast<std::streamsize>(v.size() * 4));
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 5) {
    std::fprintf(stderr, "usage: forest_bench DIR ROWS COLS REPS\n");
    return 2;
  }
  const std::string dir = argv[1];
  const std::size_t rows = std::strtoull(argv[2], nullptr, 10), cols = std::strtoull(argv[3], nullptr, 10);
  const int reps = std::atoi(argv[4]);
  std::mt19937_64 rng(7);
  std::normal_distribution<float> normal(0, 1);
  std::vector<float> x(rows * cols), y(rows);
  for (auto& v : x) v = normal(rng);
  for (std::size_t r = 0; r < rows; ++r) {
    const float* f = &x[r * cols];
    y[r] = 3 * f[0] + 2 * std::sin(2 * f[1]) + (f[2] > 0.5f ? 1.5f : 0.f) + 0.3f * normal(rng);
  }
  write(dir + "/forest-x.f32", x);
  write(dir + "/forest-y.f32", y);

  const std::size_t train = rows * 3 / 4;
  ml::ForestOptions o;
  o.trees = 100, o.depth = 8, o.subsample = 0.632, o.colsample = 0.333, o.threads = 2, o.seed = 1;
  std::vector<double> secs;
  std::vector<float> pred;
  for (int i = 0; i < reps; ++i) {
    const auto t0 = std::chrono::steady_clock::now();
    auto forest = ml::Forest::train(std::span(x).first(train * cols), cols, std::span(y).first(train), o);
    secs.push_back(std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count());
    pred = forest.predict(std::span(x).subspan(train * cols));
  }
  std::sort(secs.begin(), secs.end());
  const std::vector<float> held(y.begin() + static_cast<std::ptrdiff_t>(train), y.end());
  std::printf("{\"rows\": %zu, \"cols\": %zu, \"trees\": %d, \"depth\": %d, \"telemine_seconds\": %.3f, \"telemine_r2\": %.4f}\n",
              train, cols, o.trees, o.depth, secs[secs.size() / 2], r2(held, pred));
  return 0;
}
