// Question: how fast is the statistics kernel alone over in-memory data, on one and on both
// cores, against the obvious loop (Welford's one-pass update, a division per sample)?
// 64 M samples at 1 Hz with 0.1% NaN; 1-hour and 1-minute buckets; median of 7 runs.
#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <random>
#include <thread>
#include <vector>

#include "kernels/stats.hpp"

using namespace telemine;
using namespace telemine::kernels;

namespace {

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v[v.size() / 2];
}

// The peer: one pass, Welford's update per sample, a branch per NaN and per bucket change.
std::size_t welford(std::span<const TimeNs> t, std::span<const double> v, DurationNs width, std::vector<BucketStats>& out) {
  for (std::size_t i = 0; i < t.size(); ++i) {
    const TimeNs b = bucket_start(t[i], width);
    if (out.empty() || out.back().start != b) out.push_back(BucketStats{b});
    BucketStats& s = out.back();
    const double x = v[i];
    if (std::isnan(x)) {
      ++s.nan_count;
      continue;
    }
    ++s.count;
    const double d = x - s.mean;
    s.mean += d / static_cast<double>(s.count);
    s.m2 += d * (x - s.mean);
    s.min = std::min(s.min, x);
    s.max = std::max(s.max, x);
    if (s.count == 1) s.first = x;
    s.last = x;
  }
  return out.size();
}

template <class F>
double run_threads(int threads, const std::vector<TimeNs>& t, const std::vector<double>& v, F kernel) {
  std::vector<double> times;
  for (int rep = 0; rep < 7; ++rep) {
    std::vector<std::vector<BucketStats>> outs(static_cast<std::size_t>(threads));
    const auto t0 = std::chrono::steady_clock::now();
    std::vector<std::thread> pool;
    for (int k = 0; k < threads; ++k)
      pool.emplace_back([&, k] {
        const std::size_t b = t.size() * k / threads, e = t.size() * (k + 1) / threads;
        kernel(std::span(t).subspan(b, e - b), std::span(v).subspan(b, e - b), outs[k]);
      });
    for (auto& th : pool) th.join();
    times.push_back(std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count());
  }
  return static_cast<double>(t.size()) / median(times) / 1e9;
}

}  // namespace

int main() {
  const std::size_t n = std::size_t{64} << 20;
  std::vector<TimeNs> t(n);
  std::vector<double> v(n);
  std::mt19937_64 rng(1);
  std::normal_distribution<double> noise(0, 1);
  for (std::size_t i = 0; i < n; ++i) {
    t[i] = static_cast<TimeNs>(i) * kSecond;
    v[i] = (rng() % 1000 == 0) ? NAN : 20 + 5 * std::sin(i / 900.0) + noise(rng);
  }
  std::printf("%zu samples in memory, 0.1%% NaN; G samples/s, median of 7\n\n", n);
  std::printf("%-10s %14s %14s %14s %14s %10s\n", "bucket", "telemine 1T", "telemine 2T", "Welford 1T", "Welford 2T", "ratio 2T");
  for (DurationNs width : {kHour, kMinute}) {
    auto ours = [&](auto tt, auto vv, auto& out) { bucket_stats(tt, vv, width, out); };
    auto peer = [&](auto tt, auto vv, auto& out) { welford(tt, vv, width, out); };
    const double o1 = run_threads(1, t, v, ours), o2 = run_threads(2, t, v, ours);
    const double p1 = run_threads(1, t, v, peer), p2 = run_threads(2, t, v, peer);
    std::printf("%-10s %14.2f %14.2f %14.2f %14.2f %9.1fx\n", format_duration(width).c_str(), o1, o2, p1, p2, o2 / p2);
  }
  return 0;
}
