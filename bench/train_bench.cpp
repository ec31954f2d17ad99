// Question: how fast does telemine train an autoencoder, against PyTorch in Python with the same
// model, batch and threads (bench/peers/train_torch.py)? And, data-parallel, how much faster are
// 2 ranks than 1 on the same global batch? A 100-64-16-64-100 MLP (tanh), Adam, batch 256,
// one Torch thread per rank, 100,000 random rows; median of 5 epochs after one warm-up.
// Usage: [mpirun -np N] train_bench [ROWS]. Prints samples/s over all ranks.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <random>
#include <vector>

#include "core/comm.hpp"
#include "ml/autoencoder.hpp"

using namespace telemine;

int main(int argc, char** argv) {
  MpiGuard guard(argc, argv);
  const Comm comm = Comm::world();
  const std::int64_t rows = argc > 1 ? std::atoll(argv[1]) : 100000;
  const int batch = argc > 2 ? std::atoi(argv[2]) : 256;
  const std::int64_t mine = rows / comm.size() + (comm.rank() < rows % comm.size() ? 1 : 0);
  std::mt19937 rng(static_cast<unsigned>(comm.rank()) + 1);
  std::normal_distribution<float> e(0, 1);
  std::vector<float> x(static_cast<std::size_t>(mine) * 100);
  for (auto& v : x) v = e(rng);
  ml::set_threads(1);
  ml::Autoencoder ae(100, {64, 16}, 1);
  const Comm* dp = comm.size() > 1 ? &comm : nullptr;
  ae.train(x, {.epochs = 1, .batch = batch, .learning_rate = 1e-3, .seed = 1}, dp);  // warm-up
  std::vector<double> rates;
  for (int rep = 0; rep < 5; ++rep) {
    comm.barrier();
    const auto t0 = std::chrono::steady_clock::now();
    const auto report = ae.train(x, {.epochs = 1, .batch = batch, .learning_rate = 1e-3, .seed = 1}, dp);
    const double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    rates.push_back(static_cast<double>(report.steps * batch) / s);
  }
  std::sort(rates.begin(), rates.end());
  if (comm.is_root())
    std::printf("{\"ranks\": %d, \"samples_per_second\": %.0f}\n", comm.size(), rates[2]);
  return 0;
}
