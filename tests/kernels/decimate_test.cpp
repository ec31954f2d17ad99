#include "kernels/decimate.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <random>

#include "core/error.hpp"

using namespace telemine;
using namespace telemine::kernels;

namespace {

// Straight from the definition: every sample's column by division, then per column the first,
// last, min and max valid sample (the earliest on ties), in time order, each once.
std::vector<PlotPoint> naive_m4(const std::vector<TimeNs>& t, const std::vector<double>& v, TimeNs from, TimeNs to,
                                int width) {
  struct Col {
    bool any = false;
    PlotPoint first, last, min, max;
  };
  std::vector<Col> cols(static_cast<std::size_t>(width));
  for (std::size_t i = 0; i < t.size(); ++i) {
    if (t[i] < from || t[i] >= to || std::isnan(v[i])) continue;
    const __int128 x = (static_cast<__int128>(t[i]) - from) * width / (static_cast<__int128>(to) - from);
    Col& c = cols[static_cast<std::size_t>(x)];
    const PlotPoint p{t[i], v[i]};
    if (!c.any) c.first = c.min = c.max = p;
    if (v[i] < c.min.value) c.min = p;
    if (v[i] > c.max.value) c.max = p;
    c.last = p;
    c.any = true;
  }
  std::vector<PlotPoint> out;
  for (const Col& c : cols) {
    if (!c.any) continue;
    std::vector<PlotPoint> p = {c.first, c.last, c.min, c.max};
    std::sort(p.begin(), p.end(), [](auto& a, auto& b) { return a.time < b.time; });
    for (auto& q : p)
      if (out.empty() || out.back().time != q.time) out.push_back(q);
  }
  return out;
}

struct Data {
  std::vector<TimeNs> t;
  std::vector<double> v;
};

// Irregular times, repeated values (ties), NaN runs.
Data make(std::size_t n, unsigned seed) {
  std::mt19937_64 rng(seed);
  Data d;
  TimeNs t = 1'700'000'000'000'000'000;
  for (std::size_t i = 0; i < n; ++i) {
    t += 1 + static_cast<TimeNs>(rng() % 3'000'000'000);
    d.t.push_back(t);
    const double x = std::round(std::sin(static_cast<double>(i) * 0.01) * 20 + static_cast<double>(rng() % 5));
    d.v.push_back(rng() % 17 == 0 ? std::nan("") : x);
  }
  return d;
}

std::vector<PlotPoint> chunked(const Data& d, TimeNs from, TimeNs to, int width, std::size_t chunk) {
  M4 m4(from, to, width);
  for (std::size_t i = 0; i < d.t.size(); i += chunk) {
    const std::size_t n = std::min(chunk, d.t.size() - i);
    m4.add(std::span(d.t).subspan(i, n), std::span(d.v).subspan(i, n));
  }
  return m4.points();
}

TEST(Decimate, EqualsNaivePerPixelAtOddSizesAndChunks) {
  for (const std::size_t n : {0u, 1u, 2u, 7u, 1000u, 20011u}) {
    const Data d = make(n, static_cast<unsigned>(n) + 3);
    if (n == 0) {
      EXPECT_TRUE(chunked(d, 0, 10, 5, 1).empty());
      continue;
    }
    for (const int width : {1, 3, 640, 2000}) {
      // The whole span, and a window cutting samples off either end.
      const TimeNs a = d.t.front(), b = d.t.back() + 1;
      for (const auto& [from, to] : {std::pair{a, b}, std::pair{a + (b - a) / 3, b - (b - a) / 4}}) {
        if (!(from < to)) continue;
        const auto expected = naive_m4(d.t, d.v, from, to, width);
        for (const std::size_t chunk : {std::size_t{1}, std::size_t{2}, std::size_t{97}, n})
          ASSERT_EQ(chunked(d, from, to, width, chunk), expected) << "n " << n << " width " << width << " chunk " << chunk;
      }
    }
  }
}

// Split the samples at every cut into runs, decimate each run on its own, merge in order: the
// result must be what one M4 over everything gives (the server decimates halves on two threads).
TEST(Decimate, MergedRunsEqualOneM4) {
  const Data d = make(20011, 5);
  const TimeNs from = d.t.front(), to = d.t.back() + 1;
  for (const int width : {1, 7, 640, 2000})
    for (const std::size_t cut : {std::size_t{0}, std::size_t{1}, std::size_t{9999}, d.t.size() - 1, d.t.size()}) {
      M4 a(from, to, width), b(from, to, width);
      a.add(std::span(d.t).first(cut), std::span(d.v).first(cut));
      b.add(std::span(d.t).subspan(cut), std::span(d.v).subspan(cut));
      a.merge(b);
      ASSERT_EQ(a.points(), naive_m4(d.t, d.v, from, to, width)) << "width " << width << " cut " << cut;
    }
  M4 a(0, 100, 10);
  EXPECT_THROW(a.merge(M4(0, 100, 11)), UsageError);
  EXPECT_THROW(a.merge(M4(0, 99, 10)), UsageError);
}

TEST(Decimate, AtMostFourPointsPerColumnAndTimeOrdered) {
  const Data d = make(100'000, 11);
  const auto p = chunked(d, d.t.front(), d.t.back() + 1, 500, 4096);
  EXPECT_LE(p.size(), 2000u);
  EXPECT_TRUE(std::is_sorted(p.begin(), p.end(), [](auto& x, auto& y) { return x.time < y.time; }));
  EXPECT_TRUE(std::adjacent_find(p.begin(), p.end(), [](auto& x, auto& y) { return x.time == y.time; }) == p.end());
}

TEST(Decimate, ExtremeTimesDoNotOverflow) {
  EXPECT_EQ(pixel_column(kTimeMin, kTimeMax, 2000, kTimeMin), 0);
  EXPECT_EQ(pixel_column(kTimeMin, kTimeMax, 2000, kTimeMax - 1), 1999);
  EXPECT_EQ(pixel_column(kTimeMin, kTimeMax, 2000, 0), 1000);
  M4 m4(kTimeMin, kTimeMax, 7);
  const std::vector<TimeNs> t = {kTimeMin, -1, 0, kTimeMax - 1};
  const std::vector<double> v = {1, 2, 3, 4};
  m4.add(t, v);
  EXPECT_EQ(m4.samples(), 4);
  EXPECT_EQ(m4.points().size(), 4u);
}

TEST(Decimate, AllInvalidColumnsAreEmptyAndBadArgumentsRefused) {
  M4 m4(0, 100, 10);
  const std::vector<TimeNs> t = {1, 2, 3};
  const std::vector<double> v = {NAN, NAN, NAN};
  m4.add(t, v);
  EXPECT_TRUE(m4.points().empty());
  EXPECT_EQ(m4.samples(), 0);
  EXPECT_THROW(M4(5, 5, 10), UsageError);
  EXPECT_THROW(M4(0, 5, 0), UsageError);
  EXPECT_THROW(M4(0, 5, 2'000'000), UsageError);
}

}  // namespace
