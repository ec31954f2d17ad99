// Question: how fast does telemine train its LSTM forecaster, against PyTorch in Python with the
// same model, batch and threads (bench/peers/lstm_torch.py)? Two LSTM layers of 80 units
// (dropout 0.3 after each), a linear layer to 10 forecasts, 25 inputs (a SMAP channel: its
// telemetry and 24 command flags), chunks of 50 forecasts over 250 steps of history, 8 chunks a
// step, Adam, one thread; a random series of ROWS rows (3,009: 55 full chunks).
// Usage: lstm_bench [ROWS]. Prints forecasts/s, the median of 5 epochs after one warm-up.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <random>
#include <vector>

#include "ml/forecaster.hpp"

using namespace telemine;

int main(int argc, char** argv) {
  const std::int64_t rows = argc > 1 ? std::atoll(argv[1]) : 3009;
  constexpr int kInputs = 25;
  std::mt19937 rng(1);
  std::normal_distribution<float> e(0, 1);
  std::vector<float> x(static_cast<std::size_t>(rows) * kInputs);
  for (auto& v : x) v = e(rng);
  const std::vector<std::int64_t> runs = {rows};
  ml::set_threads(1);
  ml::ForecastShape shape;
  shape.inputs = kInputs;
  ml::Forecaster f(shape, 1);
  ml::ForecastOptions o;
  o.epochs = 1;
  o.validation = 0;
  f.train(x, runs, o);  // warm-up
  std::vector<double> rates;
  for (int rep = 0; rep < 5; ++rep) {
    const auto t0 = std::chrono::steady_clock::now();
    const auto report = f.train(x, runs, o);
    const double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    rates.push_back(static_cast<double>(report.rows) / s);
  }
  std::sort(rates.begin(), rates.end());
  std::printf("{\"forecasts_per_second\": %.0f}\n", rates[2]);
  return 0;
}
