// The time-aware kernels of derived parameters against hand-computed values, and the property
// that makes them rank-independent: the output on [from, to) is the same whatever earlier
// samples the input starts with, once it starts the kernel's reach before `from`.
#include "kernels/timefuncs.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <random>
#include <vector>

namespace telemine::kernels {
namespace {

constexpr double nan = std::numeric_limits<double>::quiet_NaN();
constexpr TimeNs s = kSecond;

std::vector<double> run(void (*f)(std::span<const TimeNs>, std::span<const double>, DurationNs, std::span<double>),
                        const std::vector<TimeNs>& t, const std::vector<double>& v, DurationNs d) {
  std::vector<double> out(t.size());
  f(t, v, d, out);
  return out;
}

void expect_same(const std::vector<double>& want, const std::vector<double>& got) {
  ASSERT_EQ(want.size(), got.size());
  for (std::size_t i = 0; i < want.size(); ++i) {
    if (std::isnan(want[i])) EXPECT_TRUE(std::isnan(got[i])) << "at " << i << ": " << got[i];
    else EXPECT_EQ(want[i], got[i]) << "at " << i;
  }
}

TEST(TimeFuncs, AlignHeldTakesTheLastValueNoOlderThanHold) {
  const std::vector<TimeNs> src = {10 * s, 20 * s, 30 * s};
  const std::vector<double> val = {1, nan, 3};
  const std::vector<TimeNs> at = {5 * s, 10 * s, 15 * s, 25 * s, 30 * s, 45 * s};
  std::vector<double> out(at.size());
  align_held(src, val, at, 10 * s, out);
  expect_same({nan, 1, 1, nan, 3, nan}, out);  // 25 s holds the NaN at 20 s; 45 s is 15 s after 30 s
}

TEST(TimeFuncs, LagIsTheValueHeldAtTimeMinusLag) {
  const std::vector<TimeNs> t = {0, 1 * s, 2 * s, 3 * s, 5 * s, 9 * s};
  const std::vector<double> v = {0, 10, 20, 30, 50, 90};
  std::vector<double> out(t.size());
  lag(t, v, 2 * s, 2 * s, out);
  // at 2 s: value at 0 s; at 5 s: value at 3 s; at 9 s: value held from 5 s (2 s old at 7 s).
  expect_same({nan, nan, 0, 10, 30, 50}, out);
  lag(t, v, 2 * s, 1 * s, out);
  expect_same({nan, nan, 0, 10, 30, nan}, out);  // 7 s is 2 s after 5 s: older than the hold
}

TEST(TimeFuncs, DiffAndRateUseThePreviousSampleWithinHold) {
  const std::vector<TimeNs> t = {0, 2 * s, 3 * s, 10 * s};
  const std::vector<double> v = {1, 5, nan, 4};
  expect_same({nan, 4, nan, nan}, run(diff, t, v, 5 * s));
  expect_same({nan, 2, nan, nan}, run(rate, t, v, 5 * s));
  expect_same({nan, 4, nan, nan}, run(diff, t, v, 10 * s));  // NaN propagates
  const std::vector<double> w = {1, 5, 6, 20};
  expect_same({nan, 4, 1, 14}, run(diff, t, w, 10 * s));
  expect_same({nan, 2, 1, 2}, run(rate, t, w, 10 * s));
}

TEST(TimeFuncs, TrailingMeanOfValidSamplesInTheWindow) {
  // Window (t - 3 s, t]; blocks of 3 s aligned to the epoch: [0,3), [3,6), [6,9), ...
  const std::vector<TimeNs> t = {0, 1 * s, 2 * s, 3 * s, 4 * s, 5 * s, 7 * s, 11 * s};
  const std::vector<double> v = {3, 6, nan, 9, 12, 0, 1, 2};
  expect_same({3, 4.5, 4.5, 7.5, 10.5, 7, 0.5, 2}, run(trailing_mean, t, v, 3 * s));
  const std::vector<double> all_nan = {nan, nan};
  expect_same({nan, nan}, run(trailing_mean, {0, s}, all_nan, 3 * s));
}

TEST(TimeFuncs, HeldFillsInvalidSamplesWithinHold) {
  const std::vector<TimeNs> t = {0, 1 * s, 2 * s, 5 * s, 6 * s};
  const std::vector<double> v = {nan, 2, nan, nan, 7};
  expect_same({nan, 2, 2, nan, 7}, run(held, t, v, 3 * s));
}

TEST(TimeFuncs, TrailingMeanDoesNotDependOnWhereTheInputStarts) {
  // Irregular times, then every start within one window of the output range gives the same
  // bits from the output range on.
  std::mt19937_64 rng(7);
  std::vector<TimeNs> t;
  std::vector<double> v;
  TimeNs now = 1'000 * s;
  for (int i = 0; i < 5000; ++i) {
    now += 1 + static_cast<TimeNs>(rng() % (3 * s));
    t.push_back(now);
    v.push_back(rng() % 17 == 0 ? nan : std::ldexp(static_cast<double>(rng() % 100000), -7) + 1e6);
  }
  const DurationNs w = 37 * s;
  const TimeNs from = t[3000];
  std::vector<double> ref(t.size());
  trailing_mean(t, v, w, ref);
  std::size_t first_needed = 0;  // the first sample inside the window of t[3000]
  while (t[first_needed] <= from - w) ++first_needed;
  for (std::size_t b : {std::size_t{0}, first_needed - 50, first_needed - 1, first_needed}) {
    std::vector<TimeNs> tt(t.begin() + static_cast<long>(b), t.end());
    std::vector<double> vv(v.begin() + static_cast<long>(b), v.end());
    std::vector<double> out(tt.size());
    trailing_mean(tt, vv, w, out);
    for (std::size_t i = 3000; i < t.size(); ++i)
      ASSERT_EQ(0, std::memcmp(&ref[i], &out[i - b], sizeof(double))) << "start " << b << " at " << i;
  }
}

TEST(TimeFuncs, EmptyInputs) {
  std::vector<double> out;
  diff({}, {}, s, out);
  rate({}, {}, s, out);
  trailing_mean({}, {}, s, out);
  held({}, {}, s, out);
  lag({}, {}, s, s, out);
  align_held({}, {}, {}, s, out);
  SUCCEED();
}

}  // namespace
}  // namespace telemine::kernels
