// Question: how many pair-samples per second does the joint-count kernel of the dependency
// finder reach (one pair-sample: one grid point of one pair at one lag), against the obvious
// single-histogram loop? Three forms: one pair a pass, two pairs sharing a parameter (the job
// at several lags), a triple's three pairs (the job's all-pairs mode at lag 0). 16 x 16 bins,
// autocorrelated codes (telemetry repeats its bin for long runs), 1 and 2 threads, median of 7.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <random>
#include <thread>
#include <vector>

#include "kernels/dependency.hpp"

using namespace telemine::kernels;

namespace {

void obvious(std::span<const std::uint8_t> a, std::span<const std::uint8_t> b, std::span<std::int64_t> counts) {
  for (std::size_t t = 0; t < a.size(); ++t)
    if (a[t] != kMissing && b[t] != kMissing) ++counts[a[t] * 16 + b[t]];
}

// Median G pair-samples/s of kernel(u) for u < units, each unit counting `pair_samples`, the
// units dealt round-robin to `threads` threads.
template <class F>
double rate(int threads, std::size_t units, std::size_t pair_samples, F kernel) {
  std::vector<double> times;
  for (int rep = 0; rep < 7; ++rep) {
    const auto t0 = std::chrono::steady_clock::now();
    std::vector<std::thread> pool;
    for (int k = 0; k < threads; ++k)
      pool.emplace_back([&, k] {
        for (std::size_t u = k; u < units; u += threads) kernel(u);
      });
    for (auto& th : pool) th.join();
    times.push_back(std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count());
  }
  std::sort(times.begin(), times.end());
  return static_cast<double>(units * pair_samples) / times[3] / 1e9;
}

}  // namespace

// With a file argument, also writes the codes there (count x n bytes) for the Python peers.
int main(int argc, char** argv) {
  const std::size_t n = 100000, count = 200;  // 100 pairs of 100,000 grid points
  std::mt19937_64 rng(1);
  std::vector<std::vector<std::uint8_t>> series(count, std::vector<std::uint8_t>(n));
  for (auto& s : series) {
    double x = 0;
    std::normal_distribution<double> e(0, 1);
    for (auto& c : s) {
      x = 0.99 * x + 0.14 * e(rng);
      c = rng() % 1000 == 0 ? kMissing : static_cast<std::uint8_t>(std::clamp(static_cast<int>((x + 1) * 8), 0, 15));
    }
  }
  if (argc > 1) {
    std::FILE* f = std::fopen(argv[1], "wb");
    for (const auto& s : series) std::fwrite(s.data(), 1, s.size(), f);
    std::fclose(f);
  }
  // One pair a pass and the obvious loop count (s[2p], s[2p+1]), p < 100; two pairs a pass the
  // couples (s[4q], s[4q+1]), (s[4q], s[4q+3]); three pairs a pass every pair of (s[3g], s[3g+1],
  // s[3g+2]). The same kind of codes throughout.
  auto one = [&](std::size_t p) {
    std::vector<std::int64_t> counts(256);
    joint_counts(series[2 * p], series[2 * p + 1], 16, 16, 0, counts);
  };
  auto peer = [&](std::size_t p) {
    std::vector<std::int64_t> counts(256);
    obvious(series[2 * p], series[2 * p + 1], counts);
  };
  auto two = [&](std::size_t q) {
    std::vector<std::int64_t> ab(256), ac(256);
    joint_counts_two(series[4 * q], series[4 * q + 1], series[4 * q + 3], 16, 16, 16, 0, ab, ac);
  };
  auto three = [&](std::size_t g) {
    std::vector<std::int64_t> ab(256), ac(256), bc(256);
    joint_counts_three(series[3 * g], series[3 * g + 1], series[3 * g + 2], 16, 16, 16, 0, 0, ab, ac, bc);
  };
  auto three_lagged = [&](std::size_t g) {  // one pass of a lagged job: (a, b) at +7, (a, c) at -4, (b, c) at -11
    std::vector<std::int64_t> ab(256), ac(256), bc(256);
    joint_counts_three(series[3 * g], series[3 * g + 1], series[3 * g + 2], 16, 16, 16, 7, -4, ab, ac, bc);
  };
  std::printf("joint counts, 16x16 bins, 100 pairs x 100,000 points, G pair-samples/s (median of 7)\n");
  std::printf("%-22s %-20s %-20s %-20s %-20s %s\n", "", "three pairs a pass", "two pairs a pass", "one pair a pass",
              "obvious loop", "ratios to one pair a pass and to the obvious loop (2 threads)");
  auto report = [&](const char* codes) {
    const double t1 = rate(1, count / 3, 3 * n, three), t2 = rate(2, count / 3, 3 * n, three);
    const double w1 = rate(1, count / 4, 2 * n, two), w2 = rate(2, count / 4, 2 * n, two);
    const double o1 = rate(1, count / 2, n, one), o2 = rate(2, count / 2, n, one);
    const double p1 = rate(1, count / 2, n, peer), p2 = rate(2, count / 2, n, peer);
    std::printf("%-22s 1T %5.2f  2T %5.2f   1T %5.2f  2T %5.2f   1T %5.2f  2T %5.2f   1T %5.2f  2T %5.2f   "
                "three %.2fx %.2fx  two %.2fx %.2fx\n",
                codes, t1, t2, w1, w2, o1, o2, p1, p2, t2 / o2, t2 / p2, w2 / o2, w2 / p2);
    const double l1 = rate(1, count / 3, 3 * n, three_lagged), l2 = rate(2, count / 3, 3 * n, three_lagged);
    std::printf("%-22s 1T %5.2f  2T %5.2f   (three pairs a pass at lags +7, -4, -11)\n", "", l1, l2);
  };
  report("autocorrelated codes:");
  // The same on i.i.d. codes (no missing): the obvious loop's best case, with no runs of one cell.
  for (auto& s : series)
    for (auto& c : s) c = static_cast<std::uint8_t>(rng() % 16);
  report("i.i.d. codes:");
  return 0;
}
