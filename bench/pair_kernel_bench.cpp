// Question: how many pair-samples per second does the joint-count kernel of the dependency
// finder reach (one pair-sample: one grid point of one pair at one lag), against the obvious
// single-histogram loop? 16 x 16 bins, autocorrelated codes (telemetry repeats its bin for long
// runs), 1 and 2 threads, median of 7.
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

template <class F>
double rate(int threads, const std::vector<std::vector<std::uint8_t>>& series, F kernel) {
  std::vector<double> times;
  const std::size_t n = series[0].size(), pairs = series.size() / 2;
  for (int rep = 0; rep < 7; ++rep) {
    const auto t0 = std::chrono::steady_clock::now();
    std::vector<std::thread> pool;
    for (int k = 0; k < threads; ++k)
      pool.emplace_back([&, k] {
        std::vector<std::int64_t> counts(256);
        for (std::size_t p = k; p < pairs; p += threads) kernel(series[2 * p], series[2 * p + 1], counts);
      });
    for (auto& th : pool) th.join();
    times.push_back(std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count());
  }
  std::sort(times.begin(), times.end());
  return static_cast<double>(n * pairs) / times[3] / 1e9;
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
  auto ours = [](auto& a, auto& b, auto& counts) { joint_counts(a, b, 16, 16, 0, counts); };
  auto peer = [](auto& a, auto& b, auto& counts) { obvious(a, b, counts); };
  const double o1 = rate(1, series, ours), o2 = rate(2, series, ours), p1 = rate(1, series, peer), p2 = rate(2, series, peer);
  std::printf("joint counts, 16x16 bins, 100 pairs x 100,000 points, G pair-samples/s (median of 7)\n");
  std::printf("autocorrelated codes: telemine 1T %.2f  2T %.2f   obvious loop 1T %.2f  2T %.2f   ratio %.1fx\n", o1, o2, p1, p2, o2 / p2);
  // The same on i.i.d. codes (no missing): the obvious loop's best case, with no runs of one cell.
  for (auto& s : series)
    for (auto& c : s) c = static_cast<std::uint8_t>(rng() % 16);
  const double u1 = rate(1, series, ours), u2 = rate(2, series, ours), q1 = rate(1, series, peer), q2 = rate(2, series, peer);
  std::printf("i.i.d. codes:         telemine 1T %.2f  2T %.2f   obvious loop 1T %.2f  2T %.2f   ratio %.1fx\n", u1, u2, q1, q2, u2 / q2);
  return 0;
}
