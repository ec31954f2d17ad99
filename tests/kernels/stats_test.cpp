#include "kernels/stats.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <random>

using namespace telemine;
using namespace telemine::kernels;

namespace {

// Naive reference in long double, straight from the definitions.
struct Ref {
  TimeNs start;
  std::int64_t count = 0, nan_count = 0;
  long double min = INFINITY, max = -INFINITY, sum = 0, mean = 0, var = NAN;
  double first = NAN, last = NAN;
};

std::vector<Ref> reference(const std::vector<TimeNs>& t, const std::vector<double>& v, DurationNs width) {
  std::vector<Ref> out;
  for (std::size_t i = 0; i < t.size(); ++i) {
    const TimeNs b = bucket_start(t[i], width);
    if (out.empty() || out.back().start != b) out.push_back(Ref{b});
    Ref& r = out.back();
    if (std::isnan(v[i])) {
      ++r.nan_count;
      continue;
    }
    ++r.count;
    r.sum += v[i];
    r.min = std::min<long double>(r.min, v[i]);
    r.max = std::max<long double>(r.max, v[i]);
    if (std::isnan(r.first)) r.first = v[i];
    r.last = v[i];
  }
  for (auto& r : out) {
    if (r.count == 0) continue;
    r.mean = r.sum / r.count;
    long double ss = 0;
    for (std::size_t i = 0; i < t.size(); ++i)
      if (bucket_start(t[i], width) == r.start && !std::isnan(v[i])) ss += (v[i] - r.mean) * (v[i] - r.mean);
    if (r.count >= 2) r.var = ss / (r.count - 1);
  }
  return out;
}

void expect_matches(const std::vector<BucketStats>& got, const std::vector<Ref>& want, double rel = 1e-12) {
  ASSERT_EQ(got.size(), want.size());
  for (std::size_t i = 0; i < got.size(); ++i) {
    const auto& g = got[i];
    const auto& w = want[i];
    EXPECT_EQ(g.start, w.start);
    EXPECT_EQ(g.count, w.count);
    EXPECT_EQ(g.nan_count, w.nan_count);
    if (w.count == 0) {
      EXPECT_TRUE(std::isnan(min_of(g)) && std::isnan(max_of(g)) && std::isnan(mean_of(g)) && std::isnan(g.first));
      continue;
    }
    EXPECT_EQ(min_of(g), static_cast<double>(w.min));
    EXPECT_EQ(max_of(g), static_cast<double>(w.max));
    EXPECT_EQ(g.first, w.first);
    EXPECT_EQ(g.last, w.last);
    EXPECT_NEAR(mean_of(g), static_cast<double>(w.mean), rel * std::max(1.0L, std::fabs(w.mean)));
    if (w.count < 2) {
      EXPECT_TRUE(std::isnan(sample_std(g)));
    } else {
      const double sd = std::sqrt(static_cast<double>(w.var));
      EXPECT_NEAR(sample_std(g), sd, 1e-9 * std::max(sd, 1e-300) + 1e-300) << "bucket " << i;
    }
  }
}

struct Data {
  std::vector<TimeNs> t;
  std::vector<double> v;
};

Data make(std::size_t n, double offset, double spread, double nan_share, TimeNs t0, DurationNs step, unsigned seed) {
  std::mt19937_64 rng(seed);
  std::normal_distribution<double> noise(0, spread);
  std::uniform_real_distribution<double> u(0, 1);
  Data d;
  TimeNs t = t0;
  for (std::size_t i = 0; i < n; ++i) {
    t += 1 + static_cast<TimeNs>(u(rng) * 2 * step);  // irregular
    d.t.push_back(t);
    d.v.push_back(u(rng) < nan_share ? NAN : offset + noise(rng));
  }
  return d;
}

std::vector<BucketStats> whole(const Data& d, DurationNs width) {
  std::vector<BucketStats> out;
  bucket_stats(d.t, d.v, width, out);
  return out;
}

// Runs the kernel on chunks of the given size and merges equal buckets in time order.
std::vector<BucketStats> chunked(const Data& d, DurationNs width, std::size_t chunk) {
  std::vector<BucketStats> out, part;
  for (std::size_t i = 0; i < d.t.size(); i += chunk) {
    const std::size_t n = std::min(chunk, d.t.size() - i);
    part.clear();
    bucket_stats(std::span(d.t).subspan(i, n), std::span(d.v).subspan(i, n), width, part);
    for (const auto& b : part) {
      if (!out.empty() && out.back().start == b.start) merge(out.back(), b);
      else out.push_back(b);
    }
  }
  return out;
}

}  // namespace

TEST(StatsKernel, MatchesTheReferenceAtOddSizes) {
  for (std::size_t n : {0u, 1u, 2u, 3u, 7u, 8u, 9u, 63u, 1001u, 10007u}) {
    const Data d = make(n, 5, 2, 0.05, 0, kSecond, static_cast<unsigned>(n));
    for (DurationNs w : {kSecond, 7 * kSecond, kMinute, kHour}) expect_matches(whole(d, w), reference(d.t, d.v, w));
  }
}

TEST(StatsKernel, NaNsAndAllNaNBuckets) {
  Data d;
  const double nan = std::nan("");
  d.t = {0, 1, 2, kSecond, kSecond + 1, 2 * kSecond, 2 * kSecond + 5};
  d.v = {nan, 1.0, nan, nan, nan, 4.0, nan};
  const auto got = whole(d, kSecond);
  ASSERT_EQ(got.size(), 3u);
  EXPECT_EQ(got[1].count, 0);
  EXPECT_EQ(got[1].nan_count, 2);
  EXPECT_EQ(got[0].first, 1.0);
  EXPECT_EQ(got[0].last, 1.0);
  expect_matches(got, reference(d.t, d.v, kSecond));
}

TEST(StatsKernel, LargeOffsetsWithSmallSpread) {
  const Data d = make(100000, 1e6, 1e-3, 0.001, 0, kSecond, 7);
  const auto got = whole(d, kHour);
  const auto want = reference(d.t, d.v, kHour);
  expect_matches(got, want, 1e-15);
  for (std::size_t i = 0; i < got.size(); ++i) {
    if (got[i].count > 2) {  // braces: EXPECT_NEAR is an if/else of its own
      EXPECT_NEAR(sample_std(got[i]) / std::sqrt(static_cast<double>(want[i].var)), 1.0, 1e-9);
    }
  }
}

TEST(StatsKernel, BucketsAlignToTheEpochIncludingNegativeTimes) {
  const Data d = make(5000, 0, 1, 0.01, -3 * kHour, kSecond, 11);
  const auto got = whole(d, 7 * kMinute);
  for (const auto& b : got) EXPECT_EQ(b.start % (7 * kMinute), 0);
  expect_matches(got, reference(d.t, d.v, 7 * kMinute));
}

TEST(StatsKernel, TinyChunksMergeToTheWholeResult) {
  const Data d = make(3001, 100, 3, 0.02, 0, kSecond, 3);
  for (DurationNs w : {7 * kSecond, kMinute, 7 * kMinute})
    for (std::size_t chunk : {1u, 2u, 3u, 64u}) {
      const auto got = chunked(d, w, chunk);
      expect_matches(got, reference(d.t, d.v, w), 1e-12);
    }
}

TEST(StatsKernel, TheSameMergesGiveTheSameBits) {
  const Data d = make(2000, 1e6, 1, 0.01, 0, kSecond, 5);
  const auto a = chunked(d, 7 * kMinute, 3);
  const auto b = chunked(d, 7 * kMinute, 3);
  ASSERT_EQ(a.size(), b.size());
  for (std::size_t i = 0; i < a.size(); ++i) {
    EXPECT_EQ(std::memcmp(&a[i], &b[i], sizeof(BucketStats)), 0);
  }
}

TEST(StatsKernel, MergeHandlesEmptySides) {
  BucketStats nan_only;
  nan_only.nan_count = 3;
  BucketStats one = segment_stats(std::vector<double>{2.0});
  BucketStats acc = nan_only;
  merge(acc, one);
  EXPECT_EQ(acc.count, 1);
  EXPECT_EQ(acc.nan_count, 3);
  EXPECT_EQ(acc.first, 2.0);
  merge(acc, nan_only);
  EXPECT_EQ(acc.nan_count, 6);
  EXPECT_EQ(acc.last, 2.0);
  EXPECT_TRUE(std::isnan(sample_std(acc)));
}
