// ESA-ADB's resampling (kernels/esa_resample.hpp): the hold, the closed label flags, and the
// restoration of labelled samples worked by hand from ESA-ADB's preprocessing script.
#include "kernels/esa_resample.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <vector>

using namespace telemine;
using namespace telemine::kernels::esa;

namespace {

constexpr DurationNs G = 30 * kSecond;

struct Out {
  std::vector<double> value;
  std::vector<std::uint8_t> flag;
  std::vector<TimeNs> restored;
  std::int64_t count = 0;
};

// Samples at seconds `t` (values `v`) on the 30 s grid from 0, `n` rows.
Out run(std::vector<TimeNs> t, std::vector<double> v, std::vector<Interval> labels, std::size_t n, bool restore = true,
        TimeNs t0 = 0) {
  for (auto& x : t) x *= kSecond;
  for (auto& l : labels) l.start *= kSecond, l.end *= kSecond;
  Out o{std::vector<double>(n), std::vector<std::uint8_t>(n), std::vector<TimeNs>(n)};
  o.count = resample_channel(t, v, labels, t0 * kSecond, G, restore, o.value, o.flag, o.restored);
  return o;
}

TEST(EsaResample, HoldsTheLastSampleAtOrBeforeEachRow) {
  const Out o = run({5, 30, 40, 95}, {1, 2, 3, 4}, {}, 5, true, 0);
  EXPECT_TRUE(std::isnan(o.value[0]));  // nothing at or before 0
  EXPECT_EQ(o.value[1], 2);             // the sample at 30 itself
  EXPECT_EQ(o.value[2], 3);
  EXPECT_EQ(o.value[3], 3);
  EXPECT_EQ(o.value[4], 4);
  EXPECT_EQ(o.count, 0);
  for (auto f : o.flag) EXPECT_EQ(f, 0);
}

TEST(EsaResample, FlagsRowsInsideClosedLabels) {
  const Out o = run({0, 30, 60, 90}, {1, 2, 3, 4}, {{30, 60}}, 4, false);
  EXPECT_EQ(o.flag, (std::vector<std::uint8_t>{0, 1, 1, 0}));  // both ends included
}

// The bin [30, 60) holds 35 (labelled, a spike) and 50 (nominal): the hold at 60 would show 50
// and lose the spike, so row 60 takes 35's value and is flagged, as ESA-ADB's script does.
TEST(EsaResample, RestoresTheLastLabelledSampleOfABinWhoseLastSampleIsNominal) {
  const Out o = run({0, 35, 40, 50, 70}, {1, 99, 98, 2, 3}, {{35, 41}}, 4);
  EXPECT_EQ(o.value[2], 98);  // the last labelled sample of the bin (40), not the first
  EXPECT_EQ(o.flag[2], 1);
  EXPECT_EQ(o.restored[2], 40 * kSecond);
  EXPECT_EQ(o.count, 1);
  EXPECT_EQ(o.value[1], 1);
  EXPECT_EQ(o.flag[1], 0);
  EXPECT_EQ(o.value[3], 3);
  EXPECT_EQ(o.restored[3], kTimeMin);
  const Out plain = run({0, 35, 40, 50, 70}, {1, 99, 98, 2, 3}, {{35, 41}}, 4, false);
  EXPECT_EQ(plain.value[2], 2);
  EXPECT_EQ(plain.flag[2], 0);
  EXPECT_EQ(plain.count, 0);
}

TEST(EsaResample, KeepsTheHoldWhenTheBinEndsLabelledOrHoldsOneSample) {
  // The bin's last sample is labelled: the hold already shows it.
  Out o = run({0, 35, 50}, {1, 99, 98}, {{35, 55}}, 3);
  EXPECT_EQ(o.value[2], 98);
  EXPECT_EQ(o.count, 0);
  EXPECT_EQ(o.flag[2], 0);  // 60 is after the label
  // One sample in the bin (ESA-ADB: `len(group) <= 1`), labelled or not: nothing to restore.
  o = run({0, 35}, {1, 99}, {{35, 36}}, 3);
  EXPECT_EQ(o.value[2], 99);
  EXPECT_EQ(o.count, 0);
  // No labelled sample in the bin (the label falls between samples).
  o = run({0, 31, 50}, {1, 2, 3}, {{40, 45}}, 3);
  EXPECT_EQ(o.value[2], 3);
  EXPECT_EQ(o.count, 0);
}

// ESA-ADB assigns the restored sample at the row even over a sample exactly at the row's time.
TEST(EsaResample, RestorationOverridesASampleAtTheRowItself) {
  const Out o = run({0, 35, 50, 60}, {1, 99, 2, 3}, {{35, 35}}, 3);
  EXPECT_EQ(o.value[2], 99);
  EXPECT_EQ(o.flag[2], 1);
}

// The first row's bin lies before t0: a rank's slice restores the same rows as the whole.
TEST(EsaResample, TheFirstRowLooksAtTheBinBeforeIt) {
  const Out whole = run({0, 35, 50, 65, 80, 95}, {1, 99, 2, 98, 3, 4}, {{35, 35}, {65, 65}}, 4);
  const Out slice = run({0, 35, 50, 65, 80, 95}, {1, 99, 2, 98, 3, 4}, {{35, 35}, {65, 65}}, 2, true, 60);
  EXPECT_EQ(whole.value[2], 99);
  EXPECT_EQ(whole.value[3], 98);
  EXPECT_EQ(slice.value[0], whole.value[2]);
  EXPECT_EQ(slice.value[1], whole.value[3]);
  EXPECT_EQ(slice.flag[0], 1);
  EXPECT_EQ(whole.count, 2);
}

TEST(EsaResample, OverlappingUnsortedLabelsAreOneLabel) {
  const Out o = run({0, 30, 60, 90, 120}, {1, 2, 3, 4, 5}, {{70, 120}, {20, 75}}, 5, false);
  EXPECT_EQ(o.flag, (std::vector<std::uint8_t>{0, 1, 1, 1, 1}));
}

TEST(EsaResample, MinMaxScalingAndItsInverse) {
  std::vector<double> v = {2, 4, std::nan(""), 6, 10};
  const auto [lo, hi] = finite_range(v);
  EXPECT_EQ(lo, 2);
  EXPECT_EQ(hi, 10);
  minmax_scale(v, lo, hi);
  EXPECT_EQ(v[0], 0);
  EXPECT_EQ(v[1], 0.25);
  EXPECT_TRUE(std::isnan(v[2]));
  EXPECT_EQ(v[4], 1);
  EXPECT_EQ(lo + v[3] * (hi - lo), 6);
  std::vector<double> constant = {5, 5, 7};  // test values beyond the train range are not clipped
  minmax_scale(constant, 5, 5);
  EXPECT_EQ(constant, (std::vector<double>{0, 0, 2}));
  std::vector<double> none = {std::nan("")};
  EXPECT_TRUE(std::isnan(finite_range(none).first));
  std::vector<double> keep = {3};
  minmax_scale(keep, std::nan(""), std::nan(""));
  EXPECT_EQ(keep[0], 3);
}

}  // namespace
