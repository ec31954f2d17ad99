#include "jobs/novelty/features.hpp"

#include <gtest/gtest.h>

#include <cmath>

using namespace telemine;
using namespace telemine::jobs::novelty;

TEST(NoveltyFeatures, AWindowHoldsItsLastValueAndNeedsHalfItsSteps) {
  std::vector<float> x;
  EXPECT_TRUE(append_inputs(ModelKind::window, std::vector<double>{NAN, 2, NAN, 4}, x));
  EXPECT_EQ(x, (std::vector<float>{2, 2, 2, 4}));  // held from the first present value
  EXPECT_FALSE(append_inputs(ModelKind::window, std::vector<double>{NAN, NAN, NAN, 4}, x));
  EXPECT_EQ(x.size(), 4u);
  EXPECT_TRUE(append_inputs(ModelKind::features, std::vector<double>{1, 0, 1, 1}, x));
  EXPECT_FALSE(append_inputs(ModelKind::features, std::vector<double>{1, NAN, 1, 1}, x));  // all four or none
}

TEST(NoveltyFeatures, ADaysBlockHoldsEachPeriodsFeaturesOrTheGridValues) {
  Settings set;
  set.period = kHour;
  const TimeNs day = 20454 * kDay;  // 2026-01-01
  io::Series s;
  s.time = {day + 10 * kMinute, day + 20 * kMinute, day + 2 * kHour + kMinute};
  s.value = {1, 3, 7};
  std::vector<double> block(24 * kFeatures);
  std::vector<kernels::BucketStats> buckets;
  day_block(set, io::ParamKind::numeric, s, day, block, buckets);
  EXPECT_DOUBLE_EQ(block[0], 2);               // mean
  EXPECT_DOUBLE_EQ(block[1], std::sqrt(2.0));  // sample standard deviation
  EXPECT_DOUBLE_EQ(block[2], 1);
  EXPECT_DOUBLE_EQ(block[3], 3);
  EXPECT_TRUE(std::isnan(block[4]));  // an hour without samples
  EXPECT_EQ(block[8], 7);
  EXPECT_EQ(block[9], 0);  // one sample: no spread
  set.kind = ModelKind::window;
  set.grid = 6 * kHour;
  std::vector<double> grid(4);
  day_block(set, io::ParamKind::numeric, s, day, grid, buckets);
  EXPECT_DOUBLE_EQ(grid[0], 11.0 / 3);  // the grid step's mean
  EXPECT_TRUE(std::isnan(grid[1]));
  day_block(set, io::ParamKind::state, s, day, grid, buckets);
  EXPECT_EQ(grid[1], 7);  // a state holds its last value
}
